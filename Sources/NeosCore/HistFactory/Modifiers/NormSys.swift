#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// normsys: a scalar α ~ N(0 | α, 1) (init 0, bounds [−5, 5]) scaling the sample by the interpolated factor
/// f(α) of the histograms [lo, 1, hi] (code1 or code4), the same factor in every bin.
enum NormSysModifier {
    static func requirement() -> ParamRequirement {
        ParamRequirement(
            constraint: .normal, count: 1, isScalar: true, inits: [0], bounds: [.init(lower: -5, upper: 5)],
            fixed: [false],
            usesAuxdata: true, auxdata: [0], usesSigmas: false, sigmas: nil, usesFactors: false, factors: nil)
    }

    @inline(__always)
    static func factor(code: NormsysInterpolation, alpha: Double, hi: Double, lo: Double) -> Double {
        switch code {
        case .code1: return InterpolationCode1.value(alpha: alpha, lo: lo, nom: 1, hi: hi)
        case .code4: return InterpolationCode4.value(alpha: alpha, lo: lo, nom: 1, hi: hi)
        }
    }

    @inline(__always)
    static func derivatives(code: NormsysInterpolation, alpha: Double, hi: Double, lo: Double)
        -> MultiplicativeInterpolation
    {
        switch code {
        case .code1: return InterpolationCode1.evaluate(alpha: alpha, lo: lo, nom: 1, hi: hi)
        case .code4: return InterpolationCode4.evaluate(alpha: alpha, lo: lo, nom: 1, hi: hi)
        }
    }
}

/// What a normsys factor's interpolation needs from its inputs alone, computed once per set of model inputs
/// (`ModelNumbers.normsysTable`) instead of at every evaluation: per factor slot k, `stride` numbers at
/// `k * stride`: ln δ⁺, ln δ⁻ and code 4's six polynomial coefficients c₁…c₆ (zeros for slots that are not normsys).
/// A fit evaluates each factor tens of times with the same hi and lo, and the two logarithms and the coefficients'
/// 36 products were most of a large model's gradient and Hessian (ATLAS sbottom: 2,700 normsys factors per call).
/// Values and α-derivatives from the table are bit for bit those of `NormSysModifier.factor` and `.derivatives`:
/// the same expressions, in the same order, on the same numbers.
enum NormsysTable {
    /// Numbers per factor slot.
    static let stride = 8

    /// The table of a model's factor slots for `inputs` (nom = 1: normsys hi and lo are relative).
    static func make(structure s: ModelStructure, inputs: [Double]) -> [Double] {
        var table = [Double](repeating: 0, count: s.factorParam.count * stride)
        for k in 0..<s.factorParam.count where s.factorIsNormsys[k] {
            for (offset, value) in entry(hi: inputs[s.factorHi[k]], lo: inputs[s.factorLo[k]]).enumerated() {
                table[k * stride + offset] = value
            }
        }
        return table
    }

    /// One slot's `stride` numbers for relative variations hi and lo, with `InterpolationCode4.coefficient`, so the
    /// coefficients are those of `InterpolationCode4.value` and `.evaluate` to the bit.
    static func entry(hi up: Double, lo down: Double) -> [Double] {
        let lnUp = log(up)
        let lnDown = log(down)
        return [lnUp, lnDown]
            + (0..<6).map { InterpolationCode4.coefficient($0, up: up, down: down, lnUp: lnUp, lnDown: lnDown) }
    }

    /// f(α) of the slot whose table entries start at `entry`: `NormSysModifier.factor`, bit for bit.
    @inline(__always)
    static func factor(
        code: NormsysInterpolation, alpha: Double, hi: Double, lo: Double, entry: UnsafePointer<Double>
    ) -> Double {
        switch code {
        case .code1:
            return alpha > 0 ? pow(hi, alpha) : pow(lo, -alpha)
        case .code4:
            if alpha >= 1 { return pow(hi, alpha) }
            if alpha <= -1 { return pow(lo, -alpha) }
            var result = 1.0
            var power = 1.0
            for i in 0..<6 {
                power *= alpha
                result += entry[2 + i] * power
            }
            return result
        }
    }

    /// f, ∂f/∂α and ∂²f/∂α² of the slot whose table entries start at `entry`: those of
    /// `NormSysModifier.derivatives`, bit for bit (the input derivatives are not formed).
    @inline(__always)
    static func alphaDerivatives(
        code: NormsysInterpolation, alpha: Double, hi: Double, lo: Double, entry: UnsafePointer<Double>
    ) -> (value: Double, dAlpha: Double, d2Alpha: Double) {
        if code == .code1 || alpha >= 1 || alpha <= -1 {
            if alpha > 0 && (code == .code1 || alpha >= 1) {
                let logBase = entry[0]
                let f = pow(hi, alpha)
                return (f, f * logBase, f * logBase * logBase)
            }
            let logBase = entry[1]
            let f = pow(lo, -alpha)
            return (f, -f * logBase, f * logBase * logBase)
        }
        var value = 1.0
        var dAlpha = 0.0
        var d2Alpha = 0.0
        var previous2 = 0.0  // α^(i−2)
        var previous1 = 1.0  // α^(i−1)
        for i in 0..<6 {
            let c = entry[2 + i]
            let n = Double(i + 1)
            let current = previous1 * alpha  // αⁿ
            value += c * current
            dAlpha += n * c * previous1
            d2Alpha += n * (n - 1) * c * previous2
            previous2 = previous1
            previous1 = current
        }
        return (value, dAlpha, d2Alpha)
    }
}
