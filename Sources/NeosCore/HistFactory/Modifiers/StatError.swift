#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// staterror: one γ_b per bin carrying it (across all channels where the name appears, in global bin order),
/// f = γ_b on every carrying sample, constraint N(1 | γ_b, σ_b) with the combined relative error
///
///     σ_b = sqrt( Σ_s (δ_{s,b} / T_b)² ),   T_b = Σ_{carrying s} ν⁰_{s,b}   (a term is 0 when T_b ≤ 0)
///
/// A bin with σ_b = 0 has γ_b fixed at 1 and σ_b reset to 1 (pyhf). Every carrying sample must carry it in the
/// same bins (the same channels).
enum StatErrorModifier {
    /// σ_b from the (nominal, δ) pairs of the carrying samples in one bin; `nil` when it is 0 (fixed bin).
    static func sigma(nominals: [Double], deltas: [Double]) -> Double {
        var total = 0.0
        for value in nominals { total += value }
        guard total > 0 else { return 0 }
        var sum = 0.0
        for delta in deltas { sum += (delta / total) * (delta / total) }
        return sum.squareRoot()
    }

    static func requirement(sigmas rawSigmas: [Double]) -> ParamRequirement {
        let n = rawSigmas.count
        let fixed = rawSigmas.map { $0 == 0 }
        let sigmas = rawSigmas.map { $0 == 0 ? 1 : $0 }
        return ParamRequirement(
            constraint: .normal, count: n, isScalar: false, inits: [Double](repeating: 1, count: n),
            bounds: [ParamRequirement.Bounds](repeating: .init(lower: 1e-10, upper: 10), count: n), fixed: fixed,
            usesAuxdata: true, auxdata: [Double](repeating: 1, count: n), usesSigmas: true, sigmas: sigmas,
            usesFactors: false, factors: nil)
    }
}

extension ModelStructure {
    /// ∂σ_g/∂ψ for a staterror-derived width, as (input index, derivative) pairs passed to `body`.
    func forEachSigmaDerivative(_ g: Int, _ numbers: ModelNumbers, _ body: (Int, Double) -> Void) {
        let start = gaussStatStart[g]
        let end = gaussStatStart[g + 1]
        if start == end { return }
        let inputs = numbers.inputs
        var total = 0.0
        for k in start..<end { total += inputs[statNominal[k]] }
        let sigma = numbers.gaussSigma[g]
        for k in start..<end {
            let delta = inputs[statDelta[k]]
            body(statDelta[k], delta / (total * total * sigma))
            body(statNominal[k], -sigma / total)
        }
    }
}
