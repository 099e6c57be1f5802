#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of a maximum-likelihood fit. Values are on pyhf's scale: the objective is twice the NLL.
public struct FitResult: Sendable {
    /// The fitted parameters (all slots, fixed ones at their fixed values).
    public var parameters: [Double]
    /// Twice the NLL at `parameters`, the minimised objective.
    public var twiceNLL: Double
    /// Whether the minimiser met its convergence criterion (`reason` says which or why not).
    public var converged: Bool
    /// How the minimiser ended, in words.
    public var reason: String
    /// The iterations of the descent that ended at `parameters`.
    public var iterations: Int
    /// Estimated distance to the minimum, ½ gᵀH⁻¹g of twice the NLL over the free parameters.
    public var edm: Double
    /// Which parameters were held fixed.
    public var fixed: [Bool]
    /// Which free parameters the optimum holds in place: on a bound that the gradient pushes them against, or at a
    /// kink of the likelihood where it rises to first order on both sides. Under small changes of the other parameters they stay
    /// where they are (as they do not move to first order in `ImplicitDifferentiation`), so the profile likelihood
    /// of the others curves as the Hessian without them: `covariance` treats them as fixed for the others. MINUIT
    /// does the same for a parameter at a limit, whose internal (sin-transformed) coordinate has a vanishing
    /// Jacobian there.
    public var held: [Bool]
    /// Observed Fisher information −∇² log L at the fitted point (all parameters, row-major). Fits of models with
    /// many bin-local parameters keep it in block-arrow form (`information`) and make this dense matrix only when
    /// it is asked for.
    public var fisherInformation: [Double] {
        get { information.denseMatrix }
        set { information = .dense(newValue, size: parameters.count) }
    }
    /// The Fisher information as the fit computed it (FitHessian.swift).
    var information: FitHessian

    /// A result from its parts; `held` defaults to none held.
    public init(
        parameters: [Double], twiceNLL: Double, converged: Bool, reason: String, iterations: Int, edm: Double,
        fixed: [Bool], held: [Bool]? = nil, fisherInformation: [Double]
    ) {
        self.init(
            parameters: parameters, twiceNLL: twiceNLL, converged: converged, reason: reason, iterations: iterations,
            edm: edm, fixed: fixed, held: held ?? [Bool](repeating: false, count: parameters.count),
            information: .dense(fisherInformation, size: parameters.count))
    }

    /// A result whose Fisher information is in the form the fit computed it.
    init(
        parameters: [Double], twiceNLL: Double, converged: Bool, reason: String, iterations: Int, edm: Double,
        fixed: [Bool], held: [Bool], information: FitHessian
    ) {
        self.parameters = parameters
        self.twiceNLL = twiceNLL
        self.converged = converged
        self.reason = reason
        self.iterations = iterations
        self.edm = edm
        self.fixed = fixed
        self.held = held
        self.information = information
    }

    /// Covariance: the inverse Fisher information over the free parameters that are not held, and for each held
    /// parameter the variance of its own profile likelihood towards the side it can move to (the parabolic error
    /// at its bound or kink: the inverse Fisher information over it and the moving parameters), uncorrelated with
    /// the others, which do not follow it. Zero rows and columns for fixed parameters; nil if a Hessian there is
    /// not positive definite.
    public var covariance: [Double]? {
        let n = parameters.count
        let fisherInformation = fisherInformation
        let moving = (0..<n).filter { !fixed[$0] && !held[$0] }
        guard
            let inverse = DenseLinearAlgebra.inverseSPD(
                DenseLinearAlgebra.submatrix(fisherInformation, size: n, indices: moving), size: moving.count)
        else { return nil }
        var full = [Double](repeating: 0, count: n * n)
        for (a, i) in moving.enumerated() {
            for (b, j) in moving.enumerated() { full[i * n + j] = inverse[a * moving.count + b] }
        }
        for i in 0..<n where held[i] && !fixed[i] {
            let withIt = moving + [i]
            guard
                let profile = DenseLinearAlgebra.inverseSPD(
                    DenseLinearAlgebra.submatrix(fisherInformation, size: n, indices: withIt), size: withIt.count)
            else { return nil }
            full[i * n + i] = profile[withIt.count * withIt.count - 1]
        }
        return full
    }

    /// √diag(covariance) (0 for fixed parameters), the Cramér–Rao / HESSE uncertainties.
    public func uncertainties() throws -> [Double] {
        guard let covariance else {
            throw NeosError(.numeric, "the Hessian at the best fit is not positive definite: no uncertainties")
        }
        let n = parameters.count
        return (0..<n).map { covariance[$0 * n + $0].squareRoot() }
    }

    /// Correlation matrix (row-major; 0 off-diagonal and 1 on the diagonal for fixed and held parameters, as MINUIT).
    public func correlations() throws -> [Double] {
        guard let covariance else {
            throw NeosError(.numeric, "the Hessian at the best fit is not positive definite: no correlations")
        }
        let n = parameters.count
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                if i == j {
                    result[i * n + j] = 1
                } else if !fixed[i] && !fixed[j] && !held[i] && !held[j] {
                    result[i * n + j] =
                        covariance[i * n + j] / (covariance[i * n + i] * covariance[j * n + j]).squareRoot()
                }
            }
        }
        return result
    }
}

/// Settings shared by every fit: pyhf's `init_pars`, `par_bounds`, `fixed_params` (nil = the model's suggestion).
public struct FitConfiguration: Sendable {
    /// Initial parameters, pyhf's `init_pars` (nil: the model's `suggestedInit`).
    public var initialParameters: [Double]?
    /// Box bounds, pyhf's `par_bounds` (nil: the model's `suggestedBounds`).
    public var bounds: [(lower: Double, upper: Double)]?
    /// Which parameters are held at their initial values, pyhf's `fixed_params` (nil: `suggestedFixed`).
    public var fixed: [Bool]?
    /// The most iterations (Newton steps, see FitOptions.swift) each descent may take; pyhf's `maxiter` (nil: the
    /// model's, see `options(for:)`).
    public var maxIterations: Int?
    /// The EDM below which a fit has converged, on the twice-NLL scale (as MINUIT with errordef 1); pyhf's
    /// `tolerance` through the mapping of FitOptions.swift (nil: the model's, see `options(for:)`).
    public var edmTolerance: Double?

    /// A configuration; every argument defaults to pyhf's behaviour (the fit options to the model's).
    public init(
        initialParameters: [Double]? = nil, bounds: [(lower: Double, upper: Double)]? = nil, fixed: [Bool]? = nil,
        maxIterations: Int? = nil, edmTolerance: Double? = nil
    ) {
        self.initialParameters = initialParameters
        self.bounds = bounds
        self.fixed = fixed
        self.maxIterations = maxIterations
        self.edmTolerance = edmTolerance
    }
}

/// Maximum-likelihood fits with pyhf's conventions (`pyhf.infer.mle`), minimising twice the NLL with exact
/// gradients and Hessians.
public enum MLE {
    /// The global fit. Throws `.fitFailed` when the fit does not converge, like pyhf's `FailedMinimization` (when
    /// it ran out of iterations, the message says "iteration limit reached", see FitOptions.swift).
    public static func fit(data: [Double], model: some LikelihoodModel, configuration: FitConfiguration = .init())
        throws -> FitResult
    {
        let result = try minimize(data: data, model: model, configuration: configuration)
        guard result.converged else {
            throw NeosError(.fitFailed, "the fit did not converge: \(result.reason)")
        }
        return result
    }

    /// The fit with the POI fixed at `poi` (pyhf's `fixed_poi_fit`).
    public static func fixedPOIFit(
        poi: Double, data: [Double], model: some LikelihoodModel, configuration: FitConfiguration = .init()
    ) throws -> FitResult {
        guard let poiIndex = model.poiIndex else {
            throw NeosError(.model, "the model has no parameter of interest")
        }
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        var configuration = configuration
        var initial = configuration.initialParameters ?? model.suggestedInit
        var fixed = configuration.fixed ?? model.suggestedFixed
        guard initial.count == model.parameterCount, fixed.count == model.parameterCount else {
            throw NeosError.invalidArgument(
                "init_pars/fixed_params have lengths \(initial.count)/\(fixed.count), expected \(model.parameterCount)")
        }
        initial[poiIndex] = poi
        fixed[poiIndex] = true
        configuration.initialParameters = initial
        configuration.fixed = fixed
        return try fit(data: data, model: model, configuration: configuration)
    }

    /// Whether the kink at `kink` holds parameter i: the twice NLL rises to first order on both sides (one-sided
    /// slopes of opposite signs, each worth more than the fit's precision, ½ g² / H > EDM tolerance), so small
    /// changes of the other parameters leave it there. A minimum that merely sits on the breakpoint with level
    /// slopes (a sample whose Poisson weight vanishes) moves off it with the others and is not held.
    private static func isHeldByKink(
        _ i: Int, at kink: Double, _ parameters: [Double], curvature: Double, data: [Double],
        model: some LikelihoodModel, edmTolerance: Double
    ) throws -> Bool {
        var point = parameters
        point[i] = kink.nextUp
        let right = 2 * (try model.nllGradient(point, data: data)[i])
        point[i] = kink.nextDown
        let left = 2 * (try model.nllGradient(point, data: data)[i])
        func worthMoreThanPrecision(_ slope: Double) -> Bool {
            curvature <= 0 || 0.5 * slope * slope / curvature > edmTolerance
        }
        return right > 0 && left < 0 && worthMoreThanPrecision(right) && worthMoreThanPrecision(left)
    }

    /// Runs the minimiser and reports whatever it reached, converged or not.
    public static func minimize(data: [Double], model: some LikelihoodModel, configuration: FitConfiguration)
        throws -> FitResult
    {
        // A HistFactory model with many bin-local parameters gives its Hessian in block-arrow form, so that each
        // iteration costs time and memory linear in the bins (FitHessian.swift); other models give dense ones.
        try minimize(
            data: data, model: model, configuration: configuration,
            arrowLayout: (model as? Model)?.arrowHessianLayout())
    }

    /// `minimize` with the Hessian in the block-arrow form of `arrowLayout` (dense when nil); tests choose it.
    static func minimize(
        data: [Double], model: some LikelihoodModel, configuration: FitConfiguration,
        arrowLayout: ArrowHessianLayout?
    ) throws -> FitResult {
        let options = configuration.options(for: model)
        try options.validate()
        let n = model.parameterCount
        let initial = configuration.initialParameters ?? model.suggestedInit
        let bounds = configuration.bounds ?? model.suggestedBounds
        let fixed = configuration.fixed ?? model.suggestedFixed
        try Validate.length(initial.count, equals: n, "init_pars")
        try Validate.length(bounds.count, equals: n, "par_bounds")
        try Validate.length(fixed.count, equals: n, "fixed_params")
        for i in 0..<n {
            guard initial[i].isFinite else { throw NeosError.invalidArgument("init_pars[\(i)] is \(initial[i])") }
            guard bounds[i].lower <= bounds[i].upper, !bounds[i].lower.isNaN, !bounds[i].upper.isNaN else {
                throw NeosError.invalidArgument("par_bounds[\(i)] = [\(bounds[i].lower), \(bounds[i].upper)] is empty")
            }
            // pyhf refuses an init outside its bounds, even for a fixed parameter.
            guard initial[i] >= bounds[i].lower, initial[i] <= bounds[i].upper else {
                let name = i < model.parameterNames.count ? " (\(model.parameterNames[i]))" : ""
                throw NeosError.invalidArgument(
                    "init_pars[\(i)]\(name) = \(initial[i]) is outside its bounds [\(bounds[i].lower), \(bounds[i].upper)]"
                )
            }
        }
        for (index, value) in data.enumerated() where !value.isFinite {
            throw NeosError.invalidArgument("data[\(index)] is \(value); every value must be finite")
        }
        func nllHessian(_ pars: [Double]) throws -> FitHessian {
            if let arrowLayout, let model = model as? Model {
                return .arrow(try model.nllHessianArrow(pars, data: data, layout: arrowLayout))
            }
            return .dense(try model.nllHessian(pars, data: data), size: n)
        }
        let objective = BoundedNewton.Objective(
            value: { pars in -2 * (try model.logpdf(pars, data: data)) },
            derivatives: { pars in
                if let histFactory = model as? Model {
                    // One pass over the bins for both (the same numbers as the two calls below).
                    if let arrowLayout {
                        let (gradient, matrix) = try histFactory.nllGradientAndHessianArrow(
                            pars, data: data, layout: arrowLayout)
                        return (gradient.map { 2 * $0 }, .arrow(matrix.scaled(by: 2)))
                    }
                    let (gradient, values) = try histFactory.nllGradientAndHessian(pars, data: data)
                    return (gradient.map { 2 * $0 }, .dense(values.map { 2 * $0 }, size: n))
                }
                let hessian: FitHessian
                switch try nllHessian(pars) {
                case .dense(let values, let size): hessian = .dense(values.map { 2 * $0 }, size: size)
                case .arrow(let matrix): hessian = .arrow(matrix.scaled(by: 2))
                }
                return (try model.nllGradient(pars, data: data).map { 2 * $0 }, hessian)
            }, breakpoints: model.parameterBreakpoints,
            valuesAlongCoordinates: { pars, values in
                try model.logpdfAlongCoordinates(pars, data: data, values: values).map { $0.map { -2 * $0 } }
            })
        let minimizer = BoundedNewton(
            objective: objective, lower: bounds.map(\.lower), upper: bounds.map(\.upper), fixed: fixed,
            options: .init(maxIterations: options.maxIterations, edmTolerance: options.edmTolerance))
        // The likelihood need not be convex: lowestMinimum restarts the descent where another basin may lie.
        let outcome = try minimizer.lowestMinimum(from: initial)
        let information = try nllHessian(outcome.parameters)
        let breakpoints = model.parameterBreakpoints
        var held = [Bool](repeating: false, count: n)
        for i in 0..<n where !fixed[i] {
            if minimizer.isHeldByBound(i, in: outcome) {
                held[i] = true
            } else if outcome.heldAtKink.indices.contains(i) && outcome.heldAtKink[i], i < breakpoints.count,
                let kink = breakpoints[i].min(by: { abs($0 - outcome.parameters[i]) < abs($1 - outcome.parameters[i]) })
            {
                held[i] = try isHeldByKink(
                    i, at: kink, outcome.parameters, curvature: 2 * information.diagonal(i), data: data, model: model,
                    edmTolerance: options.edmTolerance)
            }
        }
        return FitResult(
            parameters: outcome.parameters, twiceNLL: outcome.value, converged: outcome.converged,
            reason: outcome.reason, iterations: outcome.iterations, edm: outcome.edm, fixed: fixed, held: held,
            information: information)
    }
}
