#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Value and derivatives of a multiplicative interpolation f(α; lo, nom, hi) (normsys codes 1 and 4).
/// `dAlpha`/`d2Alpha` are ∂f/∂α and ∂²f/∂α²; `dLo`, `dNom`, `dHi` are ∂f/∂(input); `dAlphaLo` etc. are the
/// mixed ∂²f/∂α∂(input) that implicit differentiation through the model inputs needs.
public struct MultiplicativeInterpolation: Sendable, Equatable {
    /// f(α).
    public var value: Double
    /// ∂f/∂α.
    public var dAlpha: Double
    /// ∂²f/∂α².
    public var d2Alpha: Double
    /// ∂f/∂lo.
    public var dLo: Double
    /// ∂f/∂nom.
    public var dNom: Double
    /// ∂f/∂hi.
    public var dHi: Double
    /// ∂²f/∂α∂lo.
    public var dAlphaLo: Double
    /// ∂²f/∂α∂nom.
    public var dAlphaNom: Double
    /// ∂²f/∂α∂hi.
    public var dAlphaHi: Double
}

/// The exponential branch f = δ^e(α) shared by codes 1 and 4, with δ = input/nom and e = ±α.
enum ExponentialBranch {
    /// Up branch: f = (hi/nom)^α.
    @inline(__always)
    static func up(alpha: Double, nom: Double, hi: Double) -> MultiplicativeInterpolation {
        let base = hi / nom
        let logBase = log(base)
        let f = pow(base, alpha)
        // ∂f/∂base = α f / base, ∂²f/∂α∂base = (f / base)(1 + α ln base)
        let dBase = alpha * f / base
        let dAlphaBase = f / base * (1 + alpha * logBase)
        return MultiplicativeInterpolation(
            value: f, dAlpha: f * logBase, d2Alpha: f * logBase * logBase,
            dLo: 0, dNom: -dBase * hi / (nom * nom), dHi: dBase / nom,
            dAlphaLo: 0, dAlphaNom: -dAlphaBase * hi / (nom * nom), dAlphaHi: dAlphaBase / nom)
    }

    /// Down branch: f = (lo/nom)^(−α).
    @inline(__always)
    static func down(alpha: Double, lo: Double, nom: Double) -> MultiplicativeInterpolation {
        let base = lo / nom
        let logBase = log(base)
        let f = pow(base, -alpha)
        // ∂f/∂base = −α f / base, ∂²f/∂α∂base = (f / base)(α ln base − 1)
        let dBase = -alpha * f / base
        let dAlphaBase = f / base * (alpha * logBase - 1)
        return MultiplicativeInterpolation(
            value: f, dAlpha: -f * logBase, d2Alpha: f * logBase * logBase,
            dLo: dBase / nom, dNom: -dBase * lo / (nom * nom), dHi: 0,
            dAlphaLo: dAlphaBase / nom, dAlphaNom: -dAlphaBase * lo / (nom * nom), dAlphaHi: 0)
    }
}
