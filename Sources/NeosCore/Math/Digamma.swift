#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ψ(x) = d ln Γ(x)/dx for x > 0 (the derivative of the continuous Poisson log-probability with respect to the
/// observed count), and a thread-safe ln Γ.
enum SpecialFunctions {
    /// Recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series through the x⁻¹⁰ term. The first
    /// omitted term, 691/(32760 x¹²), is 2.1e-14 at x = 10, so ψ is accurate to about 2e-14 absolute (ψ(1) comes
    /// out as −0.5772156649015527, against −0.5772156649015329); relative accuracy is lost only near the root
    /// x₀ ≈ 1.4616. Negative non-integers use the reflection ψ(1 − x) − ψ(x) = π cot(πx); the poles 0, −1, −2, …
    /// and −∞ give NaN, +∞ gives +∞.
    static func digamma(_ x: Double) -> Double {
        guard x.isFinite else { return x.isNaN ? x : (x > 0 ? x : .nan) }
        if x <= 0 && x == x.rounded() { return .nan }
        var value = x
        var result = 0.0
        if value < 0 {
            // reflection: ψ(1 − x) − ψ(x) = π cot(πx)
            result -= Double.pi / tan(Double.pi * value)
            value = 1 - value
        }
        while value < 10 {
            result -= 1 / value
            value += 1
        }
        let inv = 1 / value
        let inv2 = inv * inv
        // ln x − 1/(2x) − Σ B_{2k}/(2k x^{2k})
        let series =
            inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))))
        return result + log(value) - 0.5 * inv - series
    }

    /// ln |Γ(x)| without touching the global `signgam`.
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }
}
