/// Interpolation code 4p (additive; pyhf's default for histosys), with δ⁺ = hi − nom, δ⁻ = nom − lo,
/// S = ½(δ⁺ + δ⁻) = ½(hi − lo), A = (δ⁺ − δ⁻)/16 = (hi − 2 nom + lo)/16:
///
///     Δ(α) = α δ⁺                              for α > 1
///     Δ(α) = α δ⁻                              for α < −1
///     Δ(α) = α S + α² A (15 − 10α² + 3α⁴)      for |α| ≤ 1
///
/// Value, first and second derivative are continuous at |α| = 1.
public enum InterpolationCode4p {
    /// The weights of lo, nom and hi in Δ(α) and their α-derivatives.
    @inline(__always)
    public static func weights(alpha: Double) -> AdditiveWeights {
        if alpha > 1 {
            return AdditiveWeights(lo: 0, nom: -alpha, hi: alpha, dLo: 0, dNom: -1, dHi: 1, d2Lo: 0, d2Nom: 0, d2Hi: 0)
        }
        if alpha < -1 {
            return AdditiveWeights(lo: -alpha, nom: alpha, hi: 0, dLo: -1, dNom: 1, dHi: 0, d2Lo: 0, d2Nom: 0, d2Hi: 0)
        }
        let a2 = alpha * alpha
        // p(α) = α²(15 − 10α² + 3α⁴), p' = 30α − 40α³ + 18α⁵, p'' = 30 − 120α² + 90α⁴
        let p = a2 * (15 + a2 * (-10 + 3 * a2))
        let dp = alpha * (30 + a2 * (-40 + 18 * a2))
        let d2p = 30 + a2 * (-120 + 90 * a2)
        return AdditiveWeights(
            lo: -0.5 * alpha + p / 16, nom: -p / 8, hi: 0.5 * alpha + p / 16,
            dLo: -0.5 + dp / 16, dNom: -dp / 8, dHi: 0.5 + dp / 16,
            d2Lo: d2p / 16, d2Nom: -d2p / 8, d2Hi: d2p / 16)
    }

    /// Δ(α), the additive change of one bin's rate.
    @inline(__always)
    public static func delta(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        if alpha > 1 { return alpha * (hi - nom) }
        if alpha < -1 { return alpha * (nom - lo) }
        let s = 0.5 * (hi - lo)
        let a = 0.0625 * (hi - nom - (nom - lo))
        let a2 = alpha * alpha
        return alpha * s + a2 * (15 + a2 * (-10 + 3 * a2)) * a
    }
}
