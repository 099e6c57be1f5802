/// The profile-likelihood test statistics of `pyhf.infer.test_statistics` (pyhf 0.7.6 definitions).
///
/// All share t_μ = max(2NLL(θ̂̂_μ) − 2NLL(θ̂), 0), from a fit with the POI fixed at μ and a free fit, both from the
/// same init, bounds and fixed parameters. The "tilde" variants differ only through the POI's lower bound (0)
/// in the free fit, which the caller's bounds decide; the functions themselves are identical to the plain ones.
public enum TestStatistic: String, Sendable, CaseIterable {
    case q0
    case qmu
    case qmuTilde = "qmu_tilde"
    case tmu
    case tmuTilde = "tmu_tilde"

    /// Accepts pyhf's names: hypotest's "q", "qtilde", "q0", and the function names of `pyhf.infer.test_statistics`.
    public init(name: String) throws {
        switch name {
        case "q0": self = .q0
        case "q", "qmu": self = .qmu
        case "qtilde", "qmu_tilde": self = .qmuTilde
        case "tmu": self = .tmu
        case "tmu_tilde", "ttilde": self = .tmuTilde
        default:
            throw NeosError.invalidArgument(
                "unknown test statistic '\(name)'; expected one of q0, q, qtilde, tmu, tmu_tilde")
        }
    }
}

/// A test statistic's value together with the two fits behind it.
public struct TestStatisticResult: Sendable {
    /// The statistic: the twice-NLL difference clipped at 0, with the one-sided rules applied (q, q̃: 0 when
    /// μ̂ > μ; q0: 0 when μ̂ < 0).
    public var value: Double
    /// Twice-NLL difference before clipping at 0 and before the one-sided rule.
    public var unclipped: Double
    /// The fit with the POI fixed at the tested value (μ = 0 for q0).
    public var conditionalFit: FitResult
    /// The global fit (restarted from the conditional optimum when that one is lower).
    public var unconditionalFit: FitResult
}

extension TestStatistic {
    /// max(difference, 0), where a difference within the rounding of the two twice-NLL values (64 ulp of the
    /// larger) also counts as 0: when the true statistic is 0 (the data favour the tested value, or the POI is
    /// degenerate with other parameters), the computed one is rounding noise of either sign, and √q would turn
    /// noise of 1e-14 into CLs changes of 1e-7.
    static func clipped(_ difference: Double, _ a: Double, _ b: Double) -> Double {
        let rounding = 64 * Double.ulpOfOne * max(abs(a), abs(b), 1)
        return difference > rounding ? difference : 0
    }

    /// Evaluates the statistic at `poi` (ignored for q0, which always tests μ = 0).
    public func evaluate(
        poi: Double, data: [Double], model: some LikelihoodModel, configuration: FitConfiguration = .init()
    ) throws -> TestStatisticResult {
        guard let poiIndex = model.poiIndex else {
            throw NeosError(.model, "the model has no parameter of interest, so no test statistic is defined")
        }
        if let fixed = configuration.fixed ?? Optional(model.suggestedFixed), fixed[poiIndex] {
            throw NeosError(.model, "the parameter of interest is fixed; it must be free to be tested")
        }
        let tested = self == .q0 ? 0 : poi
        let conditional = try MLE.fixedPOIFit(poi: tested, data: data, model: model, configuration: configuration)
        var unconditional = try MLE.fit(data: data, model: model, configuration: configuration)
        if unconditional.twiceNLL > conditional.twiceNLL {
            // The free fit can always do at least as well as the conditional one; if it did not, it found another
            // local minimum (discontinuous code2 interpolation makes those real). Restart it from the conditional
            // optimum.
            var restart = configuration
            var start = conditional.parameters
            start[poiIndex] = tested
            restart.initialParameters = start
            let second = try MLE.fit(data: data, model: model, configuration: restart)
            if second.twiceNLL < unconditional.twiceNLL { unconditional = second }
        }
        let difference =
            try 2
            * model.logpdfDifference(
                unconditional.parameters, conditional.parameters, data: data)
        let muHat = unconditional.parameters[poiIndex]
        var value = TestStatistic.clipped(difference, conditional.twiceNLL, unconditional.twiceNLL)
        switch self {
        case .qmu, .qmuTilde: if muHat > tested { value = 0 }
        case .q0: if muHat < 0 { value = 0 }
        case .tmu, .tmuTilde: break
        }
        return TestStatisticResult(
            value: value, unclipped: difference, conditionalFit: conditional, unconditionalFit: unconditional)
    }
}
