#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Derivatives up to third order of one entry's rate ν = Π_m f_m(α_m) · A, A = nom + Σ_h Δ_h(β_h), with respect
/// to its slots (as `EntryKernel`: slot m < M is factor m's parameter, slot M + h additive h's) and, together with
/// at most two slots, with respect to one of its inputs (the layout of `EntryKernel.inputIndex`: 0 nominal,
/// 1 + 2h / 2 + 2h additive h's hi / lo, 1 + 2H + 2m / 2 + 2H + 2m normsys factor m's hi / lo).
///
/// Every slot variable enters exactly one function (f_m or Δ_h), so a derivative over a multiset of slots is the
/// product of each factor's derivative of the order its slot appears with, times A's part: A itself when no
/// additive slot appears, Δ_h^(d) when additive h appears d times, 0 when two different additives appear. An
/// input derivative replaces the one function it enters by that function's input derivative.
///
/// Kinks: each code's derivatives are those of the branch its value takes at the point (code0 and code1 at α = 0:
/// the down branch α ≤ 0; code4 at |α| = 1: the exponential branch; code2 and code4p at |α| = 1: the inner
/// polynomial), i.e. one-sided derivatives there, as the first and second derivatives of `EntryKernel` are.
struct EntryThirdDerivatives {
    let s: ModelStructure
    /// Number of factors (M) and additives (H) of the loaded entry.
    private(set) var factorCount = 0
    private(set) var addCount = 0
    /// slot → parameter index.
    private(set) var slotParam: [Int]
    /// Input position (EntryKernel layout) → input index, −1 where the factor carries no numbers.
    private(set) var inputIndex: [Int]
    // f_m^(d), d = 0...3, at [4m + d]; ∂f_m^(d)/∂hi and ∂/∂lo, d = 0...2, at [3m + d]
    private var f: [Double]
    private var fHi: [Double]
    private var fLo: [Double]
    // Δ_h^(d), d = 0...3, at [4h + d]; the weights of lo, nom, hi and their α-derivatives up to 2 at [3h + d]
    private var delta: [Double]
    private var wLo: [Double]
    private var wNom: [Double]
    private var wHi: [Double]
    private var additiveSum = 0.0  // A
    // contractThird's per-factor Σ_n c_mn a_n and E_m, per-additive Σ_m a_m c_{m,h}
    private var scratchCa: [Double]
    private var scratchE: [Double]
    private var scratchG: [Double]
    private var nominalWeight = 0.0  // ∂A/∂nom

    var slotCount: Int { factorCount + addCount }
    var inputCount: Int { 1 + 2 * addCount + 2 * factorCount }

    init(_ s: ModelStructure) {
        self.s = s
        let m = max(s.maxFactors, 1)
        let a = max(s.maxAdds, 1)
        slotParam = [Int](repeating: 0, count: m + a)
        inputIndex = [Int](repeating: -1, count: 1 + 2 * a + 2 * m)
        f = [Double](repeating: 0, count: 4 * m)
        fHi = [Double](repeating: 0, count: 3 * m)
        fLo = [Double](repeating: 0, count: 3 * m)
        delta = [Double](repeating: 0, count: 4 * a)
        wLo = [Double](repeating: 0, count: 3 * a)
        wNom = [Double](repeating: 0, count: 3 * a)
        wHi = [Double](repeating: 0, count: 3 * a)
        scratchCa = [Double](repeating: 0, count: m)
        scratchE = [Double](repeating: 0, count: m)
        scratchG = [Double](repeating: 0, count: a)
    }

    /// Fills the tables for entry `e` at the parameters `pars`.
    mutating func load(_ e: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: UnsafeBufferPointer<Double>) {
        let fs = s.entryFactorStart[e]
        let as_ = s.entryAddStart[e]
        let M = s.entryFactorStart[e + 1] - fs
        let H = s.entryAddStart[e + 1] - as_
        factorCount = M
        addCount = H
        for m in 0..<M {
            let k = fs + m
            let alpha = pars[s.factorParam[k]]
            slotParam[m] = s.factorParam[k]
            if s.factorIsNormsys[k] {
                let hi = inputs[s.factorHi[k]]
                let lo = inputs[s.factorLo[k]]
                let d = Self.multiplicative(code: s.normsysCode, alpha: alpha, hi: hi, lo: lo)
                for i in 0..<4 { f[4 * m + i] = d.value[i] }
                for i in 0..<3 {
                    fHi[3 * m + i] = d.hi[i]
                    fLo[3 * m + i] = d.lo[i]
                }
                inputIndex[1 + 2 * H + 2 * m] = s.factorHi[k]
                inputIndex[2 + 2 * H + 2 * m] = s.factorLo[k]
            } else {
                f[4 * m] = alpha
                f[4 * m + 1] = 1
                f[4 * m + 2] = 0
                f[4 * m + 3] = 0
                for i in 0..<3 {
                    fHi[3 * m + i] = 0
                    fLo[3 * m + i] = 0
                }
                inputIndex[1 + 2 * H + 2 * m] = -1
                inputIndex[2 + 2 * H + 2 * m] = -1
            }
        }
        let nom = inputs[s.entryNominal[e]]
        inputIndex[0] = s.entryNominal[e]
        var a = nom
        var nomWeight = 1.0
        for h in 0..<H {
            let k = as_ + h
            let alpha = pars[s.addParam[k]]
            let lo = inputs[s.addLo[k]]
            let hi = inputs[s.addHi[k]]
            let w = HistoSysModifier.weights(code: s.histosysCode, alpha: alpha)
            let value = HistoSysModifier.delta(code: s.histosysCode, alpha: alpha, lo: lo, nom: nom, hi: hi)
            delta[4 * h] = value
            delta[4 * h + 1] = w.dDelta(lo: lo, nom: nom, hi: hi)
            delta[4 * h + 2] = w.d2Delta(lo: lo, nom: nom, hi: hi)
            delta[4 * h + 3] = Self.additiveThird(code: s.histosysCode, alpha: alpha, lo: lo, nom: nom, hi: hi)
            wLo[3 * h] = w.lo
            wLo[3 * h + 1] = w.dLo
            wLo[3 * h + 2] = w.d2Lo
            wNom[3 * h] = w.nom
            wNom[3 * h + 1] = w.dNom
            wNom[3 * h + 2] = w.d2Nom
            wHi[3 * h] = w.hi
            wHi[3 * h + 1] = w.dHi
            wHi[3 * h + 2] = w.d2Hi
            a += value
            nomWeight += w.nom
            slotParam[M + h] = s.addParam[k]
            inputIndex[1 + 2 * h] = s.addHi[k]
            inputIndex[2 + 2 * h] = s.addLo[k]
        }
        additiveSum = a
        nominalWeight = nomWeight
    }

    /// ∂ν over the slots i, j, k (−1 = absent; at most three) and, when `input` ≥ 0, over that input position
    /// too (then at most two slots).
    func derivative(_ i: Int, _ j: Int, _ k: Int, input: Int) -> Double {
        let M = factorCount
        let H = addCount
        // A's part
        var additive = -1
        var order = 0
        if !Self.countAdditive(i, M, &additive, &order) || !Self.countAdditive(j, M, &additive, &order)
            || !Self.countAdditive(k, M, &additive, &order)
        {
            return 0
        }
        var aPart: Double
        if input >= 0 && input < 1 + 2 * H {
            if input == 0 {
                aPart = additive < 0 ? nominalWeight : wNom[3 * additive + order]
            } else {
                let h = (input - 1) / 2
                let table = (input - 1) % 2 == 0 ? wHi : wLo
                if additive < 0 {
                    aPart = table[3 * h]
                } else {
                    aPart = additive == h ? table[3 * additive + order] : 0
                }
            }
        } else {
            aPart = additive < 0 ? additiveSum : delta[4 * additive + order]
        }
        if aPart == 0 { return 0 }
        // the factors' part
        let inputFactor = input >= 1 + 2 * H ? (input - 1 - 2 * H) / 2 : -1
        let inputIsHi = input >= 1 + 2 * H && (input - 1 - 2 * H) % 2 == 0
        var product = aPart
        for m in 0..<M {
            let d = (i == m ? 1 : 0) + (j == m ? 1 : 0) + (k == m ? 1 : 0)
            if m == inputFactor {
                product *= inputIsHi ? fHi[3 * m + d] : fLo[3 * m + d]
            } else {
                product *= f[4 * m + d]
            }
            if product == 0 { return 0 }
        }
        return product
    }

    /// For a symmetric slot cotangent `c` (slotCount × slotCount, row-major) returns T = Σ_ij c_ij ∂²ν/∂s_i∂s_j and
    /// writes ∂T/∂s_k into `slotsOut[0..<slotCount]` and, when `withInputs`, ∂T/∂(input position k) into
    /// `inputsOut[0..<inputCount]` (0 at positions without an input).
    ///
    /// With every factor nonzero, in terms of the factors' logarithmic derivatives a = f′/f, b = f″/f, c₃ = f‴/f,
    /// F = Π f and E_m = Σ_h c_{m,h} Δ′_h:
    ///
    ///     T = F·B,  B = A·S₂ + 2 Σ_m a_m E_m + Σ_h c_hh Δ″_h,  S₂ = Σ_{m≠n} c_mn a_m a_n + Σ_m c_mm b_m
    ///
    /// and, since ∂a_k/∂s_k = b_k − a_k², ∂b_k/∂s_k = c₃_k − a_k b_k, ∂F/∂s_k = a_k F,
    ///
    ///     ∂T/∂α_k = F [a_k B + A (2 (Σ_{n≠k} c_kn a_n)(b_k − a_k²) + c_kk (c₃_k − a_k b_k)) + 2 E_k (b_k − a_k²)]
    ///     ∂T/∂β_h = F [Δ′_h S₂ + 2 (Σ_m a_m c_{m,h}) Δ″_h + c_hh Δ‴_h]
    ///
    /// (the inputs alike, through the input derivatives of f, f′, f″ and of the weights): O(S²) per entry. Zero
    /// linear factors (μ = 0, say) have no logarithmic derivatives; T and its gradient are affine in their slots, so
    /// they are the average of the logarithmic form at ±1 (2^Z evaluations for Z ≤ 3 zeros). A zero normsys factor
    /// or more zeros take the term-by-term sum over `derivative` (`contractTermByTerm`, O(S³·M)); all exact.
    mutating func contractThird(
        _ c: UnsafeMutablePointer<Double>, slotsOut: UnsafeMutablePointer<Double>,
        inputsOut: UnsafeMutablePointer<Double>, withInputs: Bool
    ) -> Double {
        let M = factorCount
        let H = addCount
        let S = M + H
        let K = inputCount
        for k in 0..<S { slotsOut[k] = 0 }
        if withInputs { for k in 0..<K { inputsOut[k] = 0 } }
        // Zero factors: a linear one (f = s) enters ν, hence T and its gradient, as an affine function of its slot,
        // so their values at s = 0 are the averages of those at s = ±1, where the logarithmic form holds: with
        // up to three such factors (2³ evaluations), exact. Otherwise (a zero normsys factor, or more) term by term.
        var zeros = (-1, -1, -1)
        var zeroCount = 0
        var termByTerm = false
        for m in 0..<M where f[4 * m] == 0 {
            let linear = f[4 * m + 1] == 1 && f[4 * m + 2] == 0 && f[4 * m + 3] == 0
            if !linear || zeroCount == 3 {
                termByTerm = true
                break
            }
            switch zeroCount {
            case 0: zeros.0 = m
            case 1: zeros.1 = m
            default: zeros.2 = m
            }
            zeroCount += 1
        }
        if termByTerm { return contractTermByTerm(c, slotsOut: slotsOut, inputsOut: inputsOut, withInputs: withInputs) }
        if zeroCount == 0 {
            return logarithmicContraction(c, slotsOut, inputsOut, withInputs, weight: 1)
        }
        let patterns = 1 << zeroCount
        let weight = 1 / Double(patterns)
        var t = 0.0
        for pattern in 0..<patterns {
            for (bit, m) in [zeros.0, zeros.1, zeros.2].prefix(zeroCount).enumerated() {
                f[4 * m] = pattern & (1 << bit) != 0 ? 1 : -1
            }
            t += logarithmicContraction(c, slotsOut, inputsOut, withInputs, weight: weight)
        }
        for m in [zeros.0, zeros.1, zeros.2].prefix(zeroCount) { f[4 * m] = 0 }
        return t
    }

    /// contractThird as the plain sum of `derivative` over slot pairs: O(S³·M), for entries the logarithmic form
    /// cannot take.
    func contractTermByTerm(
        _ c: UnsafeMutablePointer<Double>, slotsOut: UnsafeMutablePointer<Double>,
        inputsOut: UnsafeMutablePointer<Double>, withInputs: Bool
    ) -> Double {
        let S = slotCount
        var t = 0.0
        for k in 0..<S { slotsOut[k] = 0 }
        for i in 0..<S {
            for j in 0..<S where c[i * S + j] != 0 {
                let w = c[i * S + j]
                t += w * derivative(i, j, -1, input: -1)
                for k in 0..<S { slotsOut[k] += w * derivative(i, j, k, input: -1) }
            }
        }
        if withInputs {
            for k in 0..<inputCount {
                var sum = 0.0
                if inputIndex[k] >= 0 {
                    for i in 0..<S {
                        for j in 0..<S where c[i * S + j] != 0 {
                            sum += c[i * S + j] * derivative(i, j, -1, input: k)
                        }
                    }
                }
                inputsOut[k] = sum
            }
        }
        return t
    }

    /// The logarithmic form of contractThird (every factor nonzero), added with `weight` into the outputs.
    private mutating func logarithmicContraction(
        _ c: UnsafeMutablePointer<Double>, _ slotsOut: UnsafeMutablePointer<Double>,
        _ inputsOut: UnsafeMutablePointer<Double>, _ withInputs: Bool, weight: Double
    ) -> Double {
        let M = factorCount
        let H = addCount
        let S = M + H
        var F = 1.0
        for m in 0..<M { F *= f[4 * m] }
        let A = additiveSum
        // per-factor logarithmic derivatives and contractions
        var s2 = 0.0
        var fa = 0.0
        var d2 = 0.0
        for m in 0..<M {
            let a = f[4 * m + 1] / f[4 * m]
            var ca = 0.0
            for n in 0..<M where n != m { ca += c[m * S + n] * f[4 * n + 1] / f[4 * n] }
            var e = 0.0
            for h in 0..<H { e += c[m * S + M + h] * delta[4 * h + 1] }
            scratchCa[m] = ca
            scratchE[m] = e
            s2 += a * ca + c[m * S + m] * f[4 * m + 2] / f[4 * m]
            fa += a * e
        }
        for h in 0..<H {
            var g = 0.0
            for m in 0..<M { g += f[4 * m + 1] / f[4 * m] * c[m * S + M + h] }
            scratchG[h] = g
            d2 += c[(M + h) * S + M + h] * delta[4 * h + 2]
        }
        let B = A * s2 + 2 * fa + d2
        for k in 0..<M {
            let f0 = f[4 * k]
            let a = f[4 * k + 1] / f0
            let b = f[4 * k + 2] / f0
            let c3 = f[4 * k + 3] / f0
            let da = b - a * a
            let db = c3 - a * b
            let dB = A * (2 * scratchCa[k] * da + c[k * S + k] * db) + 2 * scratchE[k] * da
            slotsOut[k] += weight * F * (a * B + dB)
        }
        for h in 0..<H {
            let chh = c[(M + h) * S + M + h]
            slotsOut[M + h] +=
                weight * F * (delta[4 * h + 1] * s2 + 2 * scratchG[h] * delta[4 * h + 2] + chh * delta[4 * h + 3])
        }
        if withInputs {
            // nominal: A, every Δ′_h and Δ″_h move with it
            var dB = nominalWeight * s2
            for h in 0..<H {
                dB += 2 * scratchG[h] * wNom[3 * h + 1] + c[(M + h) * S + M + h] * wNom[3 * h + 2]
            }
            inputsOut[0] += weight * F * dB
            for h in 0..<H {
                let chh = c[(M + h) * S + M + h]
                for (position, table) in [(1 + 2 * h, wHi), (2 + 2 * h, wLo)] {
                    inputsOut[position] +=
                        weight * F * (table[3 * h] * s2 + 2 * scratchG[h] * table[3 * h + 1] + chh * table[3 * h + 2])
                }
            }
            for m in 0..<M {
                let f0 = f[4 * m]
                let a = f[4 * m + 1] / f0
                let b = f[4 * m + 2] / f0
                for (position, table) in [(1 + 2 * H + 2 * m, fHi), (2 + 2 * H + 2 * m, fLo)] {
                    if inputIndex[position] < 0 { continue }
                    let phi0 = table[3 * m]
                    let da = (table[3 * m + 1] - a * phi0) / f0
                    let db = (table[3 * m + 2] - b * phi0) / f0
                    let dB = A * (2 * scratchCa[m] * da + c[m * S + m] * db) + 2 * scratchE[m] * da
                    inputsOut[position] += weight * F * (phi0 / f0 * B + dB)
                }
            }
        }
        return weight * F * B
    }

    /// Counts an additive slot into (additive, order); false when it is a second, different additive.
    @inline(__always)
    private static func countAdditive(_ slot: Int, _ M: Int, _ additive: inout Int, _ order: inout Int) -> Bool {
        if slot < M { return true }
        let h = slot - M
        if additive >= 0 && additive != h { return false }
        additive = h
        order += 1
        return true
    }

    /// f, f′, f″, f‴ of a normsys factor (nominal 1) and the hi / lo derivatives of f, f′, f″.
    static func multiplicative(code: NormsysInterpolation, alpha: Double, hi: Double, lo: Double) -> (
        value: [Double], hi: [Double], lo: [Double]
    ) {
        let up: Bool
        switch code {
        case .code1:
            up = alpha > 0
        case .code4:
            if alpha > -1 && alpha < 1 { return polynomial(alpha: alpha, hi: hi, lo: lo) }
            up = alpha >= 1
        }
        if up {
            // f = hi^α, L = ln hi: f^(d) = f Lᵈ; ∂f/∂hi = αf/hi, ∂f′/∂hi = f(1 + αL)/hi, ∂f″/∂hi = f(αL² + 2L)/hi
            let l = log(hi)
            let value = pow(hi, alpha)
            let r = value / hi
            return (
                [value, value * l, value * l * l, value * l * l * l],
                [alpha * r, r * (1 + alpha * l), r * (alpha * l * l + 2 * l)], [0, 0, 0]
            )
        }
        // f = lo^(−α), L = ln lo: f^(d) = f (−L)ᵈ; ∂f/∂lo = −αf/lo, ∂f′/∂lo = f(αL − 1)/lo, ∂f″/∂lo = f(2L − αL²)/lo
        let l = log(lo)
        let value = pow(lo, -alpha)
        let r = value / lo
        return (
            [value, -value * l, value * l * l, -value * l * l * l], [0, 0, 0],
            [-alpha * r, r * (alpha * l - 1), r * (2 * l - alpha * l * l)]
        )
    }

    /// Code 4's inner polynomial f = 1 + Σ cᵢ αⁱ (c = A⁻¹ b(hi, lo)): its α-derivatives up to 3 and the hi / lo
    /// derivatives of f, f′, f″ through ∂c/∂hi and ∂c/∂lo.
    private static func polynomial(alpha: Double, hi: Double, lo: Double) -> (
        value: [Double], hi: [Double], lo: [Double]
    ) {
        let lnUp = log(hi)
        let lnDown = log(lo)
        let b = [
            hi - 1, lo - 1, hi * lnUp, -lo * lnDown, hi * lnUp * lnUp, lo * lnDown * lnDown,
        ]
        // ∂b/∂hi = [1, 0, ln hi + 1, 0, ln²hi + 2 ln hi, 0]; ∂b/∂lo = [0, 1, 0, −(ln lo + 1), 0, ln²lo + 2 ln lo]
        let u2 = lnUp + 1
        let u4 = lnUp * lnUp + 2 * lnUp
        let d3 = -(lnDown + 1)
        let d5 = lnDown * lnDown + 2 * lnDown
        var value = [1.0, 0, 0, 0]
        var dHi = [0.0, 0, 0]
        var dLo = [0.0, 0, 0]
        let a = InterpolationCode4.inverseA
        for i in 0..<6 {
            let row = 6 * i
            var c = 0.0
            for j in 0..<6 { c += a[row + j] * b[j] }
            let cHi = a[row] + a[row + 2] * u2 + a[row + 4] * u4
            let cLo = a[row + 1] + a[row + 3] * d3 + a[row + 5] * d5
            let n = i + 1
            // d-th derivative of αⁿ: n(n−1)…(n−d+1) α^(n−d)
            for d in 0..<4 where d <= n {
                var coefficient = 1.0
                for t in 0..<d { coefficient *= Double(n - t) }
                let term = coefficient * pow(alpha, Double(n - d))
                value[d] += c * term
                if d < 3 {
                    dHi[d] += cHi * term
                    dLo[d] += cLo * term
                }
            }
        }
        return (value, dHi, dLo)
    }

    /// Δ‴(α) of an additive interpolation: zero for the piecewise linear / quadratic codes 0 and 2; for code 4p
    /// p‴(α)·(hi − 2 nom + lo)/16 inside |α| ≤ 1 with p = α²(15 − 10α² + 3α⁴), p‴ = −240α + 360α³, 0 outside.
    static func additiveThird(code: HistosysInterpolation, alpha: Double, lo: Double, nom: Double, hi: Double)
        -> Double
    {
        switch code {
        case .code0, .code2:
            return 0
        case .code4p:
            if alpha > 1 || alpha < -1 { return 0 }
            let d3p = alpha * (-240 + 360 * alpha * alpha)
            return d3p * (hi - 2 * nom + lo) / 16
        }
    }
}
