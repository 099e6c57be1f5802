/// Interpolation code 2 (additive, quadratic inside |α| ≤ 1 with linear extrapolation), exactly as pyhf's
/// tensorised implementation, with a = ½(hi+lo) − nom and b = ½(hi−lo):
///
///     Δ(α) = (b + 2a)(α − 1)   for α > 1
///     Δ(α) = a α² + b α        for −1 ≤ α ≤ 1
///     Δ(α) = (b − 2a) α        for α < −1
///
/// [pyhf quirk] Discontinuous at |α| = 1 (the a + b offset is missing); it is not ROOT's code 2.
public enum InterpolationCode2 {
    /// The weights of lo, nom and hi in Δ(α) and their α-derivatives on the piece α falls in.
    @inline(__always)
    public static func weights(alpha: Double) -> AdditiveWeights {
        if alpha > 1 {
            // b + 2a = 1.5 hi + 0.5 lo − 2 nom
            let t = alpha - 1
            return AdditiveWeights(
                lo: 0.5 * t, nom: -2 * t, hi: 1.5 * t, dLo: 0.5, dNom: -2, dHi: 1.5, d2Lo: 0, d2Nom: 0, d2Hi: 0)
        }
        if alpha >= -1 {
            let a2 = alpha * alpha
            return AdditiveWeights(
                lo: 0.5 * a2 - 0.5 * alpha, nom: -a2, hi: 0.5 * a2 + 0.5 * alpha,
                dLo: alpha - 0.5, dNom: -2 * alpha, dHi: alpha + 0.5, d2Lo: 1, d2Nom: -2, d2Hi: 1)
        }
        // b − 2a = −0.5 hi − 1.5 lo + 2 nom
        return AdditiveWeights(
            lo: -1.5 * alpha, nom: 2 * alpha, hi: -0.5 * alpha, dLo: -1.5, dNom: 2, dHi: -0.5, d2Lo: 0, d2Nom: 0,
            d2Hi: 0)
    }

    /// Δ(α), the additive change of one bin's rate.
    @inline(__always)
    public static func delta(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        let a = 0.5 * (hi + lo) - nom
        let b = 0.5 * (hi - lo)
        if alpha > 1 { return (b + 2 * a) * (alpha - 1) }
        if alpha >= -1 { return a * alpha * alpha + b * alpha }
        return (b - 2 * a) * alpha
    }

    /// Δ(α) as pyhf's per-entry reference code 2 (`pyhf.interpolators.get(2, do_tensorized_calc=False)`), which
    /// differs from the tensorised one below −1 only:
    ///
    ///     Δ(α) = (b − 2a)(α + 1)   for α < −1
    ///
    /// [pyhf quirk] pyhf's two implementations of code 2 disagree for α < −1; models use the tensorised one.
    @inline(__always)
    public static func referenceDelta(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        guard alpha < -1 else { return delta(alpha: alpha, lo: lo, nom: nom, hi: hi) }
        let a = 0.5 * (hi + lo) - nom
        let b = 0.5 * (hi - lo)
        return (b - 2 * a) * (alpha + 1)
    }
}
