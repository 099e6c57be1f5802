/// The kind of constraint term a parameter has: pyhf's `pdf_type` of its parameter set.
public enum ConstraintKind: Int32, Sendable, CaseIterable {
    /// No constraint term (normfactor, shapefactor).
    case none = 0
    /// A Gaussian term N(a | θ, σ) (normsys, histosys, lumi, staterror).
    case normal = 1
    /// A Poisson term Pois(a | θ τ) (shapesys).
    case poisson = 2
}

/// Every parameter's constraint as the model's constraint terms use it, in parameter order (`parameterNames`):
/// what pyhf 0.7.6's parameter sets report as `sigmas` (normal) and `factors` (Poisson).
public struct ConstraintWidths: Sendable, Equatable {
    /// One kind per parameter.
    public let kinds: [ConstraintKind]
    /// One width per parameter: σ (> 0) for `.normal`, τ for `.poisson` (the relative width is 1/√τ), 0 for
    /// `.none`.
    public let widths: [Double]
}

extension Model {
    /// The width of each parameter's constraint, read from the constraint terms the model evaluates (no second
    /// derivation): a staterror σ_b is the combined relative uncertainty of its bin derived from the current
    /// inputs (1 in a bin where it is 0, whose parameter is fixed), a lumi σ the configured one (1 without), a
    /// normsys or histosys σ 1; a shapesys τ_b is (ν⁰_b/σ_b)² from the current inputs (1 in an invalid bin), or the
    /// configured factors. Measurement-configured sigmas and factors replace the derived ones, as in pyhf.
    public func constraintWidths() -> ConstraintWidths {
        var kinds = [ConstraintKind](repeating: .none, count: structure.parameterCount)
        var widths = [Double](repeating: 0, count: structure.parameterCount)
        for (g, parameter) in structure.gaussParam.enumerated() {
            kinds[parameter] = .normal
            widths[parameter] = numbers.gaussSigma[g]
        }
        for (c, parameter) in structure.poisParam.enumerated() {
            kinds[parameter] = .poisson
            widths[parameter] = numbers.poisTau[c]
        }
        return ConstraintWidths(kinds: kinds, widths: widths)
    }
}
