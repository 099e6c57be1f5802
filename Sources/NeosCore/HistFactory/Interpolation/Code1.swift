#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Interpolation code 1 (multiplicative, piecewise exponential; pyhf's normsys fallback when
/// `modifier_settings` is given without a normsys entry):
///
///     f(α) = (hi/nom)^α      for α > 0
///     f(α) = (lo/nom)^(−α)   for α ≤ 0
///
/// Kink at α = 0 (one-sided derivatives ln(hi/nom) and −ln(lo/nom)); α = 0 takes the down branch, as pyhf.
public enum InterpolationCode1 {
    /// f(α), the multiplicative factor.
    @inline(__always)
    public static func value(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        alpha > 0 ? pow(hi / nom, alpha) : pow(lo / nom, -alpha)
    }

    /// f(α) with its α, input and mixed derivatives (the down branch's at α = 0).
    @inline(__always)
    public static func evaluate(alpha: Double, lo: Double, nom: Double, hi: Double) -> MultiplicativeInterpolation {
        alpha > 0
            ? ExponentialBranch.up(alpha: alpha, nom: nom, hi: hi)
            : ExponentialBranch.down(alpha: alpha, lo: lo, nom: nom)
    }
}
