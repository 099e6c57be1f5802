#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exact samplers for the two distributions a HistFactory model's data follow, drawing from a `SplitMix64`
/// stream. Each variate consumes a sequence of uniforms that depends only on the stream, so a seeded stream
/// reproduces its variates on any platform and under any threading.
public enum RandomVariates {
    /// The mean above which `poisson` switches from inversion to transformed rejection (both are exact; the switch
    /// only bounds the cost: inversion walks about λ terms of the distribution function).
    public static let poissonInversionLimit = 10.0
    /// The largest Poisson mean accepted: 2⁵², below which every integer near the mean is a distinct Double.
    public static let poissonMeanLimit = 0x1p52

    /// A uniform in (0, 1]: 1 − [0, 1), so that logarithms are finite.
    @inline(__always)
    static func openUniform(_ generator: inout SplitMix64) -> Double { 1 - generator.nextUniform() }

    /// A standard normal variate by the Box–Muller transform: √(−2 ln u₁) cos(2π u₂) with u₁ in (0, 1] and u₂ in
    /// [0, 1). Two uniforms per variate (the sine partner is not kept, so no state lives outside the stream).
    public static func standardNormal(_ generator: inout SplitMix64) -> Double {
        let radius = (-2 * log(openUniform(&generator))).squareRoot()
        let angle = 2 * Double.pi * generator.nextUniform()
        return radius * cos(angle)
    }

    /// A normal variate with mean `mean` and standard deviation `sigma`: mean + sigma · `standardNormal`.
    public static func normal(mean: Double, sigma: Double, _ generator: inout SplitMix64) throws -> Double {
        guard mean.isFinite else { throw NeosError(.numeric, "the normal mean is \(mean); it must be finite") }
        guard sigma.isFinite && sigma > 0 else {
            throw NeosError(.numeric, "the normal width is \(sigma); it must be positive and finite")
        }
        return mean + sigma * standardNormal(&generator)
    }

    /// A Poisson variate with mean `mean` (0 when the mean is 0), exact for every mean up to `poissonMeanLimit`.
    ///
    /// Below `poissonInversionLimit`: inversion, one uniform u and the smallest k with F(k) ≥ u, the distribution
    /// function summed upwards from e^−λ. From there on: Hörmann's transformed rejection with squeeze ("PTRS",
    /// W. Hörmann, The transformed rejection method for generating Poisson random variables, Insurance:
    /// Mathematics and Economics 12 (1993) 39–45), two uniforms per trial, accepting about 90% of trials at λ = 10
    /// and more above; its hat and squeeze constants are the paper's. Exactness of PTRS rests on the final test
    /// against log p(k) = k ln λ − λ − ln k!, evaluated with `lgamma`.
    public static func poisson(mean: Double, _ generator: inout SplitMix64) throws -> Double {
        guard mean.isFinite && mean >= 0 else {
            throw NeosError(.numeric, "the Poisson mean is \(mean); it must be finite and not negative")
        }
        guard mean <= poissonMeanLimit else {
            throw NeosError(.numeric, "the Poisson mean is \(mean); the sampler accepts means up to 2^52")
        }
        if mean == 0 { return 0 }
        return mean < poissonInversionLimit
            ? poissonByInversion(mean: mean, &generator) : poissonByTransformedRejection(mean: mean, &generator)
    }

    /// Inversion: the smallest k with Σ_{j ≤ k} p(j) ≥ u. The walk also stops when the terms underflow (the sum
    /// then equals 1 to rounding, and u < 1 always lies below it unless rounding left the sum short by an ulp).
    static func poissonByInversion(mean: Double, _ generator: inout SplitMix64) -> Double {
        let u = generator.nextUniform()
        var k = 0.0
        var term = exp(-mean)
        var cumulative = term
        while u > cumulative && term > 0 {
            k += 1
            term *= mean / k
            cumulative += term
        }
        return k
    }

    /// PTRS (see `poisson`): k = ⌊(2a/u_s + b) u + λ + 0.43⌋ from u uniform in [−½, ½) and u_s = ½ − |u|;
    /// accepted at once inside the squeeze (u_s ≥ 0.07, v ≤ v_r), otherwise when
    /// ln(v · α⁻¹ / (a/u_s² + b)) ≤ k ln λ − λ − ln k!.
    static func poissonByTransformedRejection(mean: Double, _ generator: inout SplitMix64) -> Double {
        let logMean = log(mean)
        let b = 0.931 + 2.53 * mean.squareRoot()
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let squeeze = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = generator.nextUniform() - 0.5
            let v = generator.nextUniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= squeeze { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let logHat = log(v) + log(inverseAlpha) - log(a / (us * us) + b)
            if logHat <= -mean + k * logMean - lgamma(k + 1) { return k }
        }
    }
}
