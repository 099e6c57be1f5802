#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The standard normal distribution, with every tail computed through `erfc` so that probabilities down to
/// the smallest normal Double keep their relative precision (Φ(−9) ≈ 1.1e-19 to 14 digits, not 0 from
/// 1 − Φ(9)). The one rounding left is that of x/√2, which the tail amplifies to a relative error of about
/// x²·ulp: 1e-15 at x = 3, 1e-14 at x = 9, 1e-13 at x = 37.
public enum Normal {
    /// 1/√2, which turns x into the argument of `erfc`.
    public static let inverseSqrt2: Double = 0.7071067811865475244
    /// 1/√(2π) = φ(0), the density's normalisation.
    public static let inverseSqrt2Pi: Double = 0.3989422804014326779
    /// ln √(2π) = ½ ln 2π, the constant term of ``logPDF(_:)``.
    public static let logSqrt2Pi: Double = 0.9189385332046727418

    /// Φ(x) = P(Z ≤ x).
    @inlinable public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x * inverseSqrt2) }

    /// Φ(−x) = P(Z > x), the upper tail, accurate for large x.
    @inlinable public static func survival(_ x: Double) -> Double { 0.5 * erfc(x * inverseSqrt2) }

    /// φ(x), the density.
    @inlinable public static func pdf(_ x: Double) -> Double { inverseSqrt2Pi * exp(-0.5 * x * x) }

    /// log φ(x).
    @inlinable public static func logPDF(_ x: Double) -> Double { -0.5 * x * x - logSqrt2Pi }

    /// P(a < Z ≤ b) for a ≤ b without cancellation: both tails are taken from the side they are small on.
    @inlinable public static func probability(between a: Double, and b: Double) -> Double {
        if a >= 0 { return survival(a) - survival(b) }
        if b <= 0 { return cdf(b) - cdf(a) }
        return 1 - cdf(a) - survival(b)
    }
}
