#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HistFactory likelihood (pyhf.md §3) and its exact derivatives:
///
///     log L = Σ_b logPois(n_b | λ_b) + Σ_gauss logN(a_j | θ_j, σ_j) + Σ_pois logPois(a_j | θ_j τ_j)
///     logPois(n | λ) = xlogy(n, λ) − λ − lnΓ(n + 1),  logN(a | θ, σ) = −½((a − θ)/σ)² − ln(√(2π) σ)
///
/// With NLL = −log L and w_b = 1 − n_b/λ_b:
///
///     ∇NLL   = Σ_b w_b ∇λ_b + constraint terms
///     ∇²NLL  = Jᵀ diag(n/λ²) J + Σ_b w_b ∇²λ_b + constraint terms        (J = ∂λ/∂θ, sparse per bin)
///     ∂²NLL/∂θ∂ψ = Σ_b [ (n_b/λ_b²) ∇_θλ_b ∇_ψλ_bᵀ + w_b ∂²λ_b/∂θ∂ψ ] + constraint terms (σ(ψ), τ(ψ))
enum Likelihood {
    @inline(__always)
    static func xlogy(_ x: Double, _ y: Double) -> Double {
        if x == 0 && !y.isNaN { return 0 }
        return x * log(y)
    }

    /// log Pois(n | λ) for n ≥ 0 (continuous in n through lnΓ, as pyhf). λ < 0 is outside the Poisson's domain:
    /// NaN for every n, so that a fit steps back from a negative rate (pyhf's xlogy gives NaN only for n > 0 and a
    /// finite, meaningless −λ for n = 0). λ = 0 gives 0 for n = 0 and −∞ for n > 0, the exact values.
    @inline(__always)
    static func logPoisson(_ n: Double, _ lambda: Double) -> Double {
        if lambda < 0 { return .nan }
        return xlogy(n, lambda) - lambda - SpecialFunctions.logGamma(n + 1)
    }

    /// logPois(n | λa) − logPois(n | λb) without forming either: n·ln(1 + d/λb) − d, d = λa − λb.
    @inline(__always)
    static func logPoissonDifference(_ n: Double, _ lambdaA: Double, _ lambdaB: Double) -> Double {
        guard lambdaA > 0, lambdaB > 0, lambdaA.isFinite, lambdaB.isFinite else {
            return logPoisson(n, lambdaA) - logPoisson(n, lambdaB)
        }
        let d = lambdaA - lambdaB
        return n == 0 ? -d : n * log1p(d / lambdaB) - d
    }

    /// ∂NLL_b/∂λ_b = 1 − n/λ, with the xlogy convention (n = 0 contributes no n·ln λ, so 1 even at λ = 0); NaN
    /// for λ < 0, where `logPoisson` is undefined.
    @inline(__always)
    static func weight(_ n: Double, _ lambda: Double) -> Double {
        if lambda < 0 { return .nan }
        return n == 0 ? 1 : 1 - n / lambda
    }

    /// ∂²NLL_b/∂λ_b² = n/λ² (0 for n = 0, even at λ = 0); NaN for λ < 0.
    @inline(__always)
    static func curvature(_ n: Double, _ lambda: Double) -> Double {
        if lambda < 0 { return .nan }
        return n == 0 ? 0 : n / (lambda * lambda)
    }

    /// The weight of a bin's rate derivatives: `weight`, or 0 where the bin clip holds the rate at its bound (no
    /// parameter moves it); NaN for λ < 0 either way.
    @inline(__always)
    static func weight(_ n: Double, _ lambda: Double, passes: Bool) -> Double {
        passes || lambda < 0 ? weight(n, lambda) : 0
    }

    /// `curvature`, or 0 where the bin clip holds the rate; NaN for λ < 0.
    @inline(__always)
    static func curvature(_ n: Double, _ lambda: Double, passes: Bool) -> Double {
        passes || lambda < 0 ? curvature(n, lambda) : 0
    }

    @inline(__always)
    static func logNormal(_ x: Double, _ mean: Double, _ sigma: Double) -> Double {
        let z = (x - mean) / (1.4142135623730951 * sigma)
        return -z * z - log(2.5066282746310002 * sigma)
    }
}
