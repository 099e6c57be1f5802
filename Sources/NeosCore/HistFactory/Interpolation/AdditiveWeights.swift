/// Additive interpolations (histosys codes 0, 2 and 4p) are linear in the three histograms for fixed α:
///
///     Δ(α) = w_lo(α)·lo + w_nom(α)·nom + w_hi(α)·hi
///
/// so the weights are at once ∂Δ/∂(input), and their α-derivatives give ∂Δ/∂α, ∂²Δ/∂α² and ∂²Δ/∂α∂(input).
public struct AdditiveWeights: Sendable, Equatable {
    /// w_lo(α), the weight of the lo histogram (= ∂Δ/∂lo).
    public var lo: Double
    /// w_nom(α), the weight of the nominal (= ∂Δ/∂nom).
    public var nom: Double
    /// w_hi(α), the weight of the hi histogram (= ∂Δ/∂hi).
    public var hi: Double
    /// dw_lo/dα.
    public var dLo: Double
    /// dw_nom/dα.
    public var dNom: Double
    /// dw_hi/dα.
    public var dHi: Double
    /// d²w_lo/dα².
    public var d2Lo: Double
    /// d²w_nom/dα².
    public var d2Nom: Double
    /// d²w_hi/dα².
    public var d2Hi: Double

    /// Δ(α) = w_lo·lo + w_nom·nom + w_hi·hi for one bin's three histogram values.
    public func delta(lo l: Double, nom n: Double, hi h: Double) -> Double { lo * l + nom * n + hi * h }
    /// ∂Δ/∂α for one bin's three histogram values.
    public func dDelta(lo l: Double, nom n: Double, hi h: Double) -> Double { dLo * l + dNom * n + dHi * h }
    /// ∂²Δ/∂α² for one bin's three histogram values.
    public func d2Delta(lo l: Double, nom n: Double, hi h: Double) -> Double {
        d2Lo * l + d2Nom * n + d2Hi * h
    }
}
