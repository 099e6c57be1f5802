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

    @inline(__always)
    static func logPoisson(_ n: Double, _ lambda: Double) -> Double {
        xlogy(n, lambda) - lambda - SpecialFunctions.logGamma(n + 1)
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

    /// ∂NLL_b/∂λ_b = 1 − n/λ, with the xlogy convention (n = 0 contributes no n·ln λ, so 1 even at λ = 0).
    @inline(__always)
    static func weight(_ n: Double, _ lambda: Double) -> Double { n == 0 ? 1 : 1 - n / lambda }

    /// ∂²NLL_b/∂λ_b² = n/λ² (0 for n = 0, even at λ = 0).
    @inline(__always)
    static func curvature(_ n: Double, _ lambda: Double) -> Double { n == 0 ? 0 : n / (lambda * lambda) }

    @inline(__always)
    static func logNormal(_ x: Double, _ mean: Double, _ sigma: Double) -> Double {
        let z = (x - mean) / (1.4142135623730951 * sigma)
        return -z * z - log(2.5066282746310002 * sigma)
    }
}
