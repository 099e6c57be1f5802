/// The two settings that control how far a fit's descent goes, pyhf's optimizer options `maxiter` and
/// `tolerance` in the core's own units. A fit takes them from its `FitConfiguration` where that sets them, else
/// from its model (`Model.withFitOptions`, C: neos_model_with_fit_options), else the defaults below.
///
/// - One iteration is one step of `BoundedNewton`: the gradient and Hessian of twice the NLL at the current point,
///   the convergence test on the EDM and, when not converged, one accepted damped Newton step (a few evaluations
///   of the objective) or one crossing of a breakpoint. A descent converged after k iterations
///   (`FitResult.iterations == k`) succeeds with any cap ≥ k: the point after the last allowed step is still
///   tested. One that has not converged then fails with `.fitFailed` and a message that contains
///   ``FitConfiguration/iterationLimitMessage``.
///   Each descent of the basin search (BasinSearch.swift) has the cap to itself: the first descent must converge
///   within it, a restart that reaches it is discarded (it cannot replace a converged minimum), so the search
///   costs at most (1 + restarts) × cap iterations and a cap never turns a converged fit into a failure.
/// - The tolerance is on the EDM, ½ gᵀH⁻¹g of twice the NLL over the moving parameters: the decrease of the
///   objective the quadratic model still expects before the minimum. A fit that stops there has a twice NLL
///   within about the tolerance of the minimum's (and then one more Newton step polishes it, see
///   `BoundedNewton`). It also sets the precision below which a parameter on a bound or at a kink does not count
///   as held there (½ g²/H ≤ tolerance).
///
/// pyhf's optimizers map onto these as follows (python/neos_swift/optimize does the mapping):
/// - scipy (SLSQP): `maxiter` counts iterations, one per SLSQP major iteration; `tolerance` is SLSQP's `ftol`, a
///   change of the objective (twice the NLL) between iterations, so the EDM tolerance is `tolerance` itself;
///   `tolerance=None` keeps ``defaultEDMTolerance``.
/// - minuit (Migrad): `maxiter` is Migrad's call budget, charged one call for the start (Migrad's seed) and one
///   per iteration (Migrad calls the function at least once a step), so the cap is `maxiter` − 1, never tighter
///   than MINUIT's, and `maxiter` = 1 leaves no iteration (the fit fails, as Migrad's does); `tolerance` sets
///   MINUIT's goal EDM < 0.002 · tolerance · errordef, with the EDM of the same objective (twice the NLL,
///   errordef 1 in pyhf).
/// Python derives a model with these options (`Model.withFitOptions`) for the calculations that fit in the core
/// (hypotest, test statistics, toys, upper limits) when the optimizer's options are not its defaults.
public struct FitOptions: Sendable, Equatable {
    /// The most iterations each descent may take (see above); pyhf's `maxiter` through its optimizer's mapping.
    public var maxIterations: Int
    /// The EDM below which a descent has converged, on the twice-NLL scale; pyhf's `tolerance` mapped.
    public var edmTolerance: Double

    /// Options; each argument defaults to the fit as it was before options existed.
    public init(
        maxIterations: Int = FitConfiguration.defaultMaxIterations,
        edmTolerance: Double = FitConfiguration.defaultEDMTolerance
    ) {
        self.maxIterations = maxIterations
        self.edmTolerance = edmTolerance
    }

    /// ``FitConfiguration/defaultMaxIterations`` and ``FitConfiguration/defaultEDMTolerance``: the options of
    /// every model not made by `Model.withFitOptions`.
    public static let defaults = FitOptions()

    /// Throws `invalidArgument` unless `maxIterations` is in 1...``FitConfiguration/maxIterationsLimit`` and
    /// `edmTolerance` is finite and positive.
    public func validate() throws {
        guard maxIterations >= 1 && maxIterations <= FitConfiguration.maxIterationsLimit else {
            throw NeosError.invalidArgument(
                "the iteration cap is \(maxIterations); it must be in 1...\(FitConfiguration.maxIterationsLimit)")
        }
        guard edmTolerance.isFinite && edmTolerance > 0 else {
            throw NeosError.invalidArgument("the EDM tolerance is \(edmTolerance); it must be finite and positive")
        }
    }
}

extension FitConfiguration {
    /// The iteration cap of a fit that is not given one (every fit before options existed).
    public static let defaultMaxIterations = 1000
    /// The largest iteration cap a caller may set (C: NEOS_FIT_MAX_ITERATIONS), far above any fit's needs and
    /// above pyhf's default `maxiter` of 100000; a larger one is a caller's error (a wrapped negative size).
    public static let maxIterationsLimit = 100_000_000
    /// The EDM tolerance of a fit that is not given one: on twice the NLL, a few ulps of a typical value, so the
    /// fit (with its polishing step) converges to rounding level, as implicit differentiation needs.
    public static let defaultEDMTolerance = 1e-14
    /// How the message of a fit that ran out of iterations starts, whatever follows (the Python layer reports it
    /// as scipy's "Iteration limit reached").
    public static let iterationLimitMessage = "iteration limit reached"

    /// The options a fit of `model` with this configuration runs with, the one place they are decided: each one
    /// this configuration sets, else the model's (`LikelihoodModel.fitOptions`: the defaults, or those of
    /// `Model.withFitOptions`). So every fit a calculation makes through a model with options (hypotest's, the
    /// test statistics', the Asimov fits, toys, upper limits, losses) obeys them, and only a caller that names
    /// options for one fit (neos_fit_with_options) overrides them.
    public func options(for model: some LikelihoodModel) -> FitOptions {
        let modelOptions = model.fitOptions
        return FitOptions(
            maxIterations: maxIterations ?? modelOptions.maxIterations,
            edmTolerance: edmTolerance ?? modelOptions.edmTolerance)
    }
}

extension LikelihoodModel {
    /// The defaults: a model that does not carry options of its own fits as every fit did before options existed.
    public var fitOptions: FitOptions { .defaults }
}

extension Model {
    /// The same model whose fits, every one any calculation makes through it, run with `options` unless a fit's
    /// configuration names its own (``FitConfiguration/options(for:)``). The derived models of `withInputs` and
    /// `withClipping` keep them; evaluation (values, gradients, Hessians) does not depend on them. Throws
    /// `invalidArgument` for options outside their ranges (`FitOptions.validate`).
    public func withFitOptions(_ options: FitOptions) throws -> Model {
        try options.validate()
        return Model(structure: structure, numbers: numbers, fitOptions: options)
    }
}
