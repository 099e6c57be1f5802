/// The log-densities of pyhf's `pyhf.probability` (`Poisson.log_prob`, `Normal.log_prob`), one value at a time,
/// in pyhf's formulas and IEEE arithmetic: the same terms the HistFactory likelihood (Likelihood.swift) is made
/// of, without its domain choices, so that a caller gets exactly what pyhf's tensor helpers give.
public enum Densities {
    /// pyhf's continuous Poisson log-density xlogy(n, λ) − λ − lnΓ(n + 1): defined for non-integer n through
    /// lnΓ (ln |Γ| for negative n); xlogy(0, λ) = 0 for every λ that is not NaN, as scipy's. Unlike the model's
    /// `Likelihood.logPoisson` a negative λ is not turned into NaN: n = 0 gives −λ, n ≠ 0 NaN (n · ln λ), as pyhf.
    /// λ = 0 with n > 0 gives −∞, a NaN input NaN.
    public static func poissonLogPDF(_ n: Double, rate: Double) -> Double {
        Likelihood.xlogy(n, rate) - rate - SpecialFunctions.logGamma(n + 1)
    }

    /// pyhf's Normal log-density −ln(σ √(2π)) − ((x − μ) / (√2 σ))²; σ ≤ 0 gives NaN (or ±∞ at σ = 0), as pyhf.
    public static func normalLogPDF(_ x: Double, mean: Double, sigma: Double) -> Double {
        Likelihood.logNormal(x, mean, sigma)
    }
}
