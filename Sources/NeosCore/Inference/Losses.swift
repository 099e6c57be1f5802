#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loss value and its gradient with respect to the model's inputs (aligned with `model.inputs().values`).
public struct LossWithGradient: Sendable {
    /// The loss.
    public var value: Double
    /// d loss/dψ, one entry per model input.
    public var gradient: [Double]
}

/// neos's losses on Asimov data, with their total derivative with respect to every number the model was built
/// from (including how the Asimov data move with those numbers).
///
/// On Asimov data generated at θ_A the unconditional fit is θ_A itself, so each test statistic needs one fit,
/// θ̂̂ at the tested POI; by the envelope theorem its derivative needs only partial derivatives of the NLL at θ̂̂ and at
/// θ_A (∂NLL/∂θ vanishes at the optimum on the moving parameters, and parameters held on a bound or at a kink do not
/// move to first order).
public enum Losses {
    /// CLs of pyhf's "q" test at `testPOI` on the background-only Asimov data (every parameter at its init, POI at 0):
    /// q = 2[NLL(θ̂̂) − NLL(θ_A)], and, since the observed data are the Asimov data, CLs = 2Φ(−√q) = erfc(√(q/2)).
    public static func expectedCLs(model: Model, testPOI: Double = 1) throws -> LossWithGradient {
        try expectedCLs(of: model, testPOI: testPOI)
    }

    /// `expectedCLs(model:testPOI:)` for any differentiable model.
    static func expectedCLs(of model: some DifferentiableLikelihoodModel, testPOI: Double) throws -> LossWithGradient {
        let q = try asimovStatistic(model: model, asimovPOI: 0, testPOI: testPOI)
        let root = (0.5 * q.value).squareRoot()
        let cls = erfc(root)
        // d erfc(√(q/2))/dq = −exp(−q/2) / (2√π √(q/2)); at the clip q = 0 the one-sided derivative is taken as 0.
        let slope = q.value > 0 ? -exp(-0.5 * q.value) / (2 * Double.pi.squareRoot() * root) : 0
        return LossWithGradient(value: cls, gradient: q.gradient.map { slope * $0 })
    }

    /// The discovery p-value on the Asimov data at POI = 1: q0 = 2[NLL(θ̂̂(μ=0)) − NLL(θ_A)], p0 = Φ(−√q0).
    public static func discoveryP0(model: Model) throws -> LossWithGradient {
        try discoveryP0(of: model)
    }

    /// `discoveryP0(model:)` for any differentiable model.
    static func discoveryP0(of model: some DifferentiableLikelihoodModel) throws -> LossWithGradient {
        let q = try asimovStatistic(model: model, asimovPOI: 1, testPOI: 0)
        let root = (0.5 * q.value).squareRoot()
        let p0 = 0.5 * erfc(root)
        let slope = q.value > 0 ? -exp(-0.5 * q.value) / (4 * Double.pi.squareRoot() * root) : 0
        return LossWithGradient(value: p0, gradient: q.gradient.map { slope * $0 })
    }

    /// The median expected upper limit at CLs = level, with the background-only Asimov data (parameters at their
    /// init, POI at 0) as the observation; its gradient is the implicit derivative of CLs(μ*) = level, through the
    /// inputs directly and through the Asimov data.
    public static func expectedUpperLimit(model: Model, level: Double = 0.05) throws -> LossWithGradient {
        try expectedUpperLimit(of: model, level: level)
    }

    /// `expectedUpperLimit(model:level:)` for any differentiable model.
    static func expectedUpperLimit(of model: some DifferentiableLikelihoodModel, level: Double) throws
        -> LossWithGradient
    {
        guard let poi = model.poiIndex else { throw NeosError(.model, "the model has no parameter of interest") }
        var generating = model.suggestedInit
        generating[poi] = 0
        let asimov = try model.expectedData(generating, includeAuxdata: true)
        let (limits, inputRows, dataRows) = try UpperLimits.jacobian(
            data: asimov, of: model, level: level, configuration: .init(), absoluteTolerance: 2e-12,
            relativeTolerance: 1e-10)
        let median = 3  // row 0 is the observed limit, rows 1...5 the band; the median is the band's middle
        let inputCount = model.inputCount
        let dataCotangent = Array(dataRows[(median * asimov.count)..<((median + 1) * asimov.count)])
        let throughData = try model.expectedDataVJP(cotangent: dataCotangent, pars: generating, includeAuxdata: true)
        let gradient = (0..<inputCount).map { inputRows[median * inputCount + $0] + throughData.inputs[$0] }
        return LossWithGradient(value: limits[median], gradient: gradient)
    }

    /// neos's "poi_uncert": σ_μ = √[(I⁻¹)_μμ], with I the Fisher information at the nominal parameters (init,
    /// POI at `poiValue`) on their own Asimov data. Inverting the whole matrix profiles every free nuisance
    /// parameter (the Cramér–Rao bound of a profiled fit); fixed parameters are left out of I.
    public static func poiUncertainty(model: Model, poiValue: Double = 1) throws -> LossWithGradient {
        try poiUncertainty(of: model, poiValue: poiValue)
    }

    /// `poiUncertainty(model:poiValue:)` for any differentiable model.
    static func poiUncertainty(of model: some DifferentiableLikelihoodModel, poiValue: Double) throws
        -> LossWithGradient
    {
        let variance = try poiVariance(of: model, poiValue: poiValue)
        let sigma = variance.value.squareRoot()
        return LossWithGradient(value: sigma, gradient: variance.gradient.map { $0 / (2 * sigma) })
    }

    /// INFERNO's objective (de Castro & Dorigo 2019): the variance (I⁻¹)_μμ of the POI with all free nuisances
    /// profiled through the inverse Fisher matrix, at the nominal parameters on their Asimov data. Its gradient:
    /// d(I⁻¹)_μμ = −uᵀ dI u with u = I⁻¹ e_μ, where dI follows the inputs both directly and through the data.
    public static func poiVariance(model: Model, poiValue: Double = 1) throws -> LossWithGradient {
        try poiVariance(of: model, poiValue: poiValue)
    }

    /// `poiVariance(model:poiValue:)` for any differentiable model.
    static func poiVariance(of model: some DifferentiableLikelihoodModel, poiValue: Double) throws -> LossWithGradient {
        guard let poi = model.poiIndex else { throw NeosError(.model, "the model has no parameter of interest") }
        try Validate.finite(poiValue, "POI value")
        var nominal = model.suggestedInit
        nominal[poi] = poiValue
        let free = (0..<model.parameterCount).filter { !model.suggestedFixed[$0] || $0 == poi }
        let fisher = try model.fisherInformation(nominal)
        let reduced = DenseLinearAlgebra.submatrix(fisher, size: model.parameterCount, indices: free)
        guard let inverse = DenseLinearAlgebra.inverseSPD(reduced, size: free.count) else {
            throw NeosError(
                .numeric,
                "the Fisher information at the nominal parameters is not positive definite: some free parameter does not affect the expected data"
            )
        }
        let row = free.firstIndex(of: poi)!
        var direction = [Double](repeating: 0, count: model.parameterCount)
        for (column, parameter) in free.enumerated() { direction[parameter] = inverse[row * free.count + column] }
        let variance = inverse[row * free.count + row]
        guard variance > 0, variance.isFinite else {
            throw NeosError(.numeric, "the POI variance from the Fisher information is \(variance)")
        }
        let formGradient = try model.fisherFormInputGradient(nominal, direction: direction)
        return LossWithGradient(value: variance, gradient: formGradient.map { -$0 })
    }

    /// q = max(0, 2[NLL(θ̂̂(testPOI); n_A) − NLL(θ_A; n_A)]) with n_A the expected data at θ_A (init, POI at
    /// asimovPOI), and dq/d inputs.
    static func asimovStatistic(model: some DifferentiableLikelihoodModel, asimovPOI: Double, testPOI: Double) throws
        -> LossWithGradient
    {
        guard let poi = model.poiIndex else { throw NeosError(.model, "the model has no parameter of interest") }
        var generating = model.suggestedInit
        generating[poi] = asimovPOI
        let asimov = try model.expectedData(generating, includeAuxdata: true)
        let fit = try MLE.fixedPOIFit(poi: testPOI, data: asimov, model: model)
        let twiceNLLGenerating = try -2 * model.logpdf(generating, data: asimov)
        let twiceNLLFit = try -2 * model.logpdf(fit.parameters, data: asimov)
        let difference = TestStatistic.clipped(
            try 2 * model.logpdfDifference(generating, fit.parameters, data: asimov), twiceNLLFit, twiceNLLGenerating)
        guard difference > 0 else {
            return LossWithGradient(value: 0, gradient: [Double](repeating: 0, count: model.inputCount))
        }
        // dq = 2 [d NLL(θ̂̂) − d NLL(θ_A)], each through the inputs directly and through the Asimov data.
        let atFit = try model.logpdfVJP(fit.parameters, data: asimov)
        let atGenerating = try model.logpdfVJP(generating, data: asimov)
        let dataCotangent = zip(atGenerating.data, atFit.data).map { 2 * ($0 - $1) }
        let throughData = try model.expectedDataVJP(cotangent: dataCotangent, pars: generating, includeAuxdata: true)
        var gradient = [Double](repeating: 0, count: model.inputCount)
        for k in 0..<gradient.count {
            gradient[k] = 2 * (atGenerating.inputs[k] - atFit.inputs[k]) + throughData.inputs[k]
        }
        return LossWithGradient(value: difference, gradient: gradient)
    }
}
