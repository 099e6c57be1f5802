/// shapesys: one γ_b per bin of its (single) channel and sample, f = γ_b, with the Poisson constraint
/// Pois(a_b | γ_b τ_b), τ_b = (ν⁰_b/σ_b)² (σ = the absolute uncertainties in `data`). A bin with ν⁰ ≤ 0 or σ ≤ 0
/// is invalid: τ = aux = 1 and γ fixed at 1, its (constant) constraint term kept (pyhf quirk). Names are not
/// shared: a second shapesys of the same name anywhere is an error.
enum ShapeSysModifier {
    static func isValid(nominal: Double, sigma: Double) -> Bool { nominal > 0 && sigma > 0 }

    static func tau(nominal: Double, sigma: Double) -> Double { nominal * nominal / (sigma * sigma) }

    /// (∂τ/∂ν⁰, ∂τ/∂σ)
    static func tauDerivatives(nominal: Double, sigma: Double) -> (nominal: Double, sigma: Double) {
        let s2 = sigma * sigma
        return (2 * nominal / s2, -2 * nominal * nominal / (s2 * sigma))
    }

    static func requirement(nominal: [Double], sigmas: [Double]) -> ParamRequirement {
        let n = nominal.count
        var factors = [Double](repeating: 1, count: n)
        var fixed = [Bool](repeating: false, count: n)
        for b in 0..<n {
            if isValid(nominal: nominal[b], sigma: sigmas[b]) {
                factors[b] = tau(nominal: nominal[b], sigma: sigmas[b])
            } else {
                fixed[b] = true
            }
        }
        return ParamRequirement(
            constraint: .poisson, count: n, isScalar: false, inits: [Double](repeating: 1, count: n),
            bounds: [ParamRequirement.Bounds](repeating: .init(lower: 1e-10, upper: 10), count: n), fixed: fixed,
            usesAuxdata: true, auxdata: factors, usesSigmas: false, sigmas: nil, usesFactors: true, factors: factors)
    }
}

extension ModelStructure {
    /// ∂τ_c/∂ψ for an input-derived shapesys factor.
    func forEachTauDerivative(_ c: Int, _ numbers: ModelNumbers, _ body: (Int, Double) -> Void) {
        guard poisNominal[c] >= 0 else { return }
        let d = ShapeSysModifier.tauDerivatives(
            nominal: numbers.inputs[poisNominal[c]], sigma: numbers.inputs[poisSigma[c]])
        body(poisNominal[c], d.nominal)
        body(poisSigma[c], d.sigma)
    }
}
