#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Interpolation code 4 (multiplicative; pyhf's default for normsys), with α₀ = 1 and δ± = (hi|lo)/nom:
///
///     f(α) = δ⁺^α                  for α ≥ 1
///     f(α) = δ⁻^(−α)               for α ≤ −1
///     f(α) = 1 + Σ_{i=1..6} c_i αⁱ for |α| < 1
///
/// with c = A⁻¹ b, b = [δ⁺−1, δ⁻−1, δ⁺ ln δ⁺, −δ⁻ ln δ⁻, δ⁺ ln²δ⁺, δ⁻ ln²δ⁻], so that value, first and second
/// derivative match the exponential branches at ±1 (f is C² in α).
public enum InterpolationCode4 {
    /// A⁻¹ for α₀ = 1, row-major (rows: c₁…c₆; columns: the entries of b).
    static let inverseA: [Double] = [
        15.0 / 16, -15.0 / 16, -7.0 / 16, -7.0 / 16, 1.0 / 16, -1.0 / 16,
        3.0 / 2, 3.0 / 2, -9.0 / 16, 9.0 / 16, 1.0 / 16, 1.0 / 16,
        -5.0 / 8, 5.0 / 8, 5.0 / 8, 5.0 / 8, -1.0 / 8, 1.0 / 8,
        -3.0 / 2, -3.0 / 2, 7.0 / 8, -7.0 / 8, -1.0 / 8, -1.0 / 8,
        3.0 / 16, -3.0 / 16, -3.0 / 16, -3.0 / 16, 1.0 / 16, -1.0 / 16,
        1.0 / 2, 1.0 / 2, -5.0 / 16, 5.0 / 16, 1.0 / 16, 1.0 / 16,
    ]

    /// c_{i+1} = row i of A⁻¹ times b = [δ⁺−1, δ⁻−1, δ⁺ ln δ⁺, −δ⁻ ln δ⁻, δ⁺ ln²δ⁺, δ⁻ ln²δ⁻], for α₀ = 1: the one
    /// expression every code-4 evaluation (and `NormsysTable`, which stores the coefficients) uses, so all of them
    /// agree to the bit.
    @inline(__always)
    static func coefficient(_ i: Int, up: Double, down: Double, lnUp: Double, lnDown: Double) -> Double {
        let row = 6 * i
        return inverseA[row] * (up - 1) + inverseA[row + 1] * (down - 1) + inverseA[row + 2] * (up * lnUp)
            + inverseA[row + 3] * (-down * lnDown) + inverseA[row + 4] * (up * lnUp * lnUp)
            + inverseA[row + 5] * (down * lnDown * lnDown)
    }

    /// The six polynomial coefficients c₁…c₆.
    @inline(__always)
    public static func coefficients(lo: Double, nom: Double, hi: Double) -> [Double] {
        var c = [Double](repeating: 0, count: 6)
        let up = hi / nom
        let down = lo / nom
        let lnUp = log(up)
        let lnDown = log(down)
        let b = [up - 1, down - 1, up * lnUp, -down * lnDown, up * lnUp * lnUp, down * lnDown * lnDown]
        for i in 0..<6 {
            var sum = 0.0
            for j in 0..<6 { sum += inverseA[6 * i + j] * b[j] }
            c[i] = sum
        }
        return c
    }

    /// f(α), the multiplicative factor: exponential for |α| ≥ 1, the sixth-order polynomial inside.
    @inline(__always)
    public static func value(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        if alpha >= 1 { return pow(hi / nom, alpha) }
        if alpha <= -1 { return pow(lo / nom, -alpha) }
        let up = hi / nom
        let down = lo / nom
        let lnUp = log(up)
        let lnDown = log(down)
        var result = 1.0
        var power = 1.0
        for i in 0..<6 {
            let c = coefficient(i, up: up, down: down, lnUp: lnUp, lnDown: lnDown)
            power *= alpha
            result += c * power
        }
        return result
    }

    /// f(α) with pyhf's transition point α₀ > 0 (code4's `alpha0`; the model's code 4 is α₀ = 1): δ⁺^α for
    /// α ≥ α₀, δ⁻^(−α) for α ≤ −α₀, and in between 1 + Σ cᵢ tⁱ in t = α/α₀. Substituting α = α₀ t moves the six
    /// matching conditions at ±α₀ to ±1 with the slope rows scaled by α₀ and the curvature rows by α₀², so the
    /// α₀ = 1 matrix serves every α₀:
    ///
    ///     c = A⁻¹ [δ⁺^α₀ − 1, δ⁻^α₀ − 1, α₀ δ⁺^α₀ ln δ⁺, −α₀ δ⁻^α₀ ln δ⁻, α₀² δ⁺^α₀ ln²δ⁺, α₀² δ⁻^α₀ ln²δ⁻]
    ///
    /// (the same polynomial as pyhf's coefficients in powers of α, whose matrix carries the α₀ⁱ factors). For
    /// α₀ = 1 this is `value(alpha:lo:nom:hi:)`, bit for bit.
    public static func value(alpha: Double, lo: Double, nom: Double, hi: Double, alpha0: Double) -> Double {
        if alpha0 == 1 { return value(alpha: alpha, lo: lo, nom: nom, hi: hi) }
        if alpha >= alpha0 { return pow(hi / nom, alpha) }
        if alpha <= -alpha0 { return pow(lo / nom, -alpha) }
        let c = coefficients(lo: lo, nom: nom, hi: hi, alpha0: alpha0)
        let t = alpha / alpha0
        var result = 1.0
        var power = 1.0
        for i in 0..<6 {
            power *= t
            result += c[i] * power
        }
        return result
    }

    /// ∂f/∂α of `value(alpha:lo:nom:hi:alpha0:)`: the exponential branch's at ±α₀ (where that branch starts, as
    /// the value), (1/α₀) Σ i cᵢ tⁱ⁻¹ inside.
    public static func dAlpha(alpha: Double, lo: Double, nom: Double, hi: Double, alpha0: Double) -> Double {
        if alpha0 == 1 { return evaluate(alpha: alpha, lo: lo, nom: nom, hi: hi).dAlpha }
        if alpha >= alpha0 { return ExponentialBranch.up(alpha: alpha, nom: nom, hi: hi).dAlpha }
        if alpha <= -alpha0 { return ExponentialBranch.down(alpha: alpha, lo: lo, nom: nom).dAlpha }
        let c = coefficients(lo: lo, nom: nom, hi: hi, alpha0: alpha0)
        let t = alpha / alpha0
        var slope = 0.0
        var power = 1.0  // t^(i−1)
        for i in 0..<6 {
            slope += Double(i + 1) * c[i] * power
            power *= t
        }
        return slope / alpha0
    }

    /// The coefficients c₁…c₆ in powers of t = α/α₀ for transition point α₀ (see `value(alpha:lo:nom:hi:alpha0:)`).
    static func coefficients(lo: Double, nom: Double, hi: Double, alpha0: Double) -> [Double] {
        let up = hi / nom
        let down = lo / nom
        let lnUp = log(up)
        let lnDown = log(down)
        let upPower = pow(up, alpha0)
        let downPower = pow(down, alpha0)
        let alpha02 = alpha0 * alpha0
        let b = [
            upPower - 1, downPower - 1, alpha0 * (upPower * lnUp), -alpha0 * (downPower * lnDown),
            alpha02 * (upPower * lnUp * lnUp), alpha02 * (downPower * lnDown * lnDown),
        ]
        var c = [Double](repeating: 0, count: 6)
        for i in 0..<6 {
            var sum = 0.0
            for j in 0..<6 { sum += inverseA[6 * i + j] * b[j] }
            c[i] = sum
        }
        return c
    }

    /// f(α) with its α, input and mixed derivatives.
    @inline(__always)
    public static func evaluate(alpha: Double, lo: Double, nom: Double, hi: Double) -> MultiplicativeInterpolation {
        if alpha >= 1 { return ExponentialBranch.up(alpha: alpha, nom: nom, hi: hi) }
        if alpha <= -1 { return ExponentialBranch.down(alpha: alpha, lo: lo, nom: nom) }
        let up = hi / nom
        let down = lo / nom
        let lnUp = log(up)
        let lnDown = log(down)
        // ∂b/∂δ⁺ = [1, 0, ln δ⁺ + 1, 0, ln²δ⁺ + 2 ln δ⁺, 0]; ∂b/∂δ⁻ = [0, 1, 0, −(ln δ⁻ + 1), 0, ln²δ⁻ + 2 ln δ⁻]
        let u2 = lnUp + 1
        let u4 = lnUp * lnUp + 2 * lnUp
        let d3 = -(lnDown + 1)
        let d5 = lnDown * lnDown + 2 * lnDown
        var value = 1.0
        var dAlpha = 0.0
        var d2Alpha = 0.0
        var dUp = 0.0
        var dDown = 0.0
        var dAlphaUp = 0.0
        var dAlphaDown = 0.0
        var previous2 = 0.0  // α^(i−2)
        var previous1 = 1.0  // α^(i−1)
        for i in 0..<6 {
            let row = 6 * i
            let c = coefficient(i, up: up, down: down, lnUp: lnUp, lnDown: lnDown)
            let cUp = inverseA[row] + inverseA[row + 2] * u2 + inverseA[row + 4] * u4
            let cDown = inverseA[row + 1] + inverseA[row + 3] * d3 + inverseA[row + 5] * d5
            let n = Double(i + 1)
            let current = previous1 * alpha  // αⁿ
            value += c * current
            dAlpha += n * c * previous1
            d2Alpha += n * (n - 1) * c * previous2
            dUp += cUp * current
            dDown += cDown * current
            dAlphaUp += n * cUp * previous1
            dAlphaDown += n * cDown * previous1
            previous2 = previous1
            previous1 = current
        }
        // δ⁺ = hi/nom, δ⁻ = lo/nom
        let nom2 = nom * nom
        return MultiplicativeInterpolation(
            value: value, dAlpha: dAlpha, d2Alpha: d2Alpha,
            dLo: dDown / nom, dNom: -(dUp * hi + dDown * lo) / nom2, dHi: dUp / nom,
            dAlphaLo: dAlphaDown / nom, dAlphaNom: -(dAlphaUp * hi + dAlphaDown * lo) / nom2, dAlphaHi: dAlphaUp / nom)
    }
}
