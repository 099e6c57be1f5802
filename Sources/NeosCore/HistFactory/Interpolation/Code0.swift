/// Interpolation code 0 (additive, piecewise linear; pyhf's histosys fallback when `modifier_settings` is given
/// without a histosys entry):
///
///     Δ(α) = α (hi − nom)   for α > 0
///     Δ(α) = α (nom − lo)   for α ≤ 0
///
/// Kink at α = 0; α = 0 takes the down branch, as pyhf.
public enum InterpolationCode0 {
    /// The weights of lo, nom and hi in Δ(α) and their α-derivatives (the down branch at α = 0).
    @inline(__always)
    public static func weights(alpha: Double) -> AdditiveWeights {
        if alpha > 0 {
            return AdditiveWeights(lo: 0, nom: -alpha, hi: alpha, dLo: 0, dNom: -1, dHi: 1, d2Lo: 0, d2Nom: 0, d2Hi: 0)
        }
        return AdditiveWeights(lo: -alpha, nom: alpha, hi: 0, dLo: -1, dNom: 1, dHi: 0, d2Lo: 0, d2Nom: 0, d2Hi: 0)
    }

    /// Δ(α), the additive change of one bin's rate.
    @inline(__always)
    public static func delta(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        alpha > 0 ? alpha * (hi - nom) : alpha * (nom - lo)
    }
}
