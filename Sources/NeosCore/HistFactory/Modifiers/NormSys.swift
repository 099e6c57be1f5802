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
