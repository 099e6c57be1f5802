#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Value and derivatives of a multiplicative interpolation f(α; lo, nom, hi) (normsys codes 1 and 4).
/// `dAlpha`/`d2Alpha` are ∂f/∂α and ∂²f/∂α²; `dLo`, `dNom`, `dHi` are ∂f/∂(input); `dAlphaLo` etc. are the
/// mixed ∂²f/∂α∂(input) that implicit differentiation through the model inputs needs.
public struct MultiplicativeInterpolation: Sendable, Equatable {
    public var value: Double
    public var dAlpha: Double
    public var d2Alpha: Double
    public var dLo: Double
    public var dNom: Double
    public var dHi: Double
    public var dAlphaLo: Double
    public var dAlphaNom: Double
    public var dAlphaHi: Double
}

/// Additive interpolations (histosys codes 0, 2 and 4p) are linear in the three histograms for fixed α:
///
///     Δ(α) = w_lo(α)·lo + w_nom(α)·nom + w_hi(α)·hi
///
/// so the weights are at once ∂Δ/∂(input), and their α-derivatives give ∂Δ/∂α, ∂²Δ/∂α² and ∂²Δ/∂α∂(input).
public struct AdditiveWeights: Sendable, Equatable {
    public var lo: Double
    public var nom: Double
    public var hi: Double
    /// dw/dα
    public var dLo: Double
    public var dNom: Double
    public var dHi: Double
    /// d²w/dα²
    public var d2Lo: Double
    public var d2Nom: Double
    public var d2Hi: Double

    public func delta(lo l: Double, nom n: Double, hi h: Double) -> Double { lo * l + nom * n + hi * h }
    public func dDelta(lo l: Double, nom n: Double, hi h: Double) -> Double { dLo * l + dNom * n + dHi * h }
    public func d2Delta(lo l: Double, nom n: Double, hi h: Double) -> Double {
        d2Lo * l + d2Nom * n + d2Hi * h
    }
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
