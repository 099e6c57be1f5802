#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Derivatives of a hypothesis test's outputs (CLs observed, then the five expected-band values; for q0 the
/// p-values pyhf returns instead) with respect to the model's inputs and the data.
///
/// The test statistics differentiate by the envelope theorem at each fit's optimum; the Asimov data move with the
/// inputs and the data both directly and through the fit that generates them, which is differentiated implicitly;
/// the p-values differentiate in log space (d log Φ(−x) = −φ(x)/Φ(−x) dx), so tiny CLs keep accurate gradients.
/// Where a statistic is clipped at 0 its one-sided derivative, 0, is used.
public struct HypotestJacobian: Sendable {
    /// CLs observed then the band (q0: p0 then the CLsb band), as `HypotestResult.headline` and `expectedHeadline`.
    public var outputs: [Double]
    /// Row-major, outputs.count × model.inputCount.
    public var inputs: [Double]
    /// Row-major, outputs.count × data.count.
    public var data: [Double]
}

/// Every output of an asymptotic hypothesis test with its derivatives: the rows of `HypotestDerivatives.rowNames`.
public struct HypotestDerivatives: Sendable {
    /// q_obs, q_A, Z_obs = √q_obs, Z_A = √q_A, CLsb, CLb, CLs (observed), then the expected band in pyhf's order
    /// (CLs; for q0 the CLsb band, i.e. the expected p0). For q0, CLsb is p0 and Z_obs, Z_A the observed and median
    /// expected discovery significances.
    public static let rowNames = [
        "q_observed", "q_asimov", "z_observed", "z_asimov", "clsb", "clb", "cls",
        "expected_m2", "expected_m1", "expected_0", "expected_p1", "expected_p2",
    ]
    static let clsbRow = 4
    static let clsRow = 6
    static let bandRows = 7..<12

    /// The rows of pyhf's hypotest outputs: CLs observed (q0: p0 = CLsb), then the band.
    static func headlineRows(_ testStatistic: TestStatistic) -> [Int] {
        [testStatistic == .q0 ? clsbRow : clsRow] + Array(bandRows)
    }
    /// The value of each row of `rowNames`.
    public var values: [Double]
    /// Row-major, rowNames.count × model.inputCount.
    public var inputs: [Double]
    /// Row-major, rowNames.count × data.count.
    public var data: [Double]
}

extension Hypotest {
    /// CLs observed and the band (q0: p0 and the CLsb band), the six outputs pyhf's hypotest returns first.
    public static func jacobian(
        poi: Double, data: [Double], model: Model, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init()
    ) throws -> (result: HypotestResult, jacobian: HypotestJacobian) {
        try jacobian(poi: poi, data: data, of: model, testStatistic: testStatistic, configuration: configuration)
    }

    /// `jacobian(poi:data:model:testStatistic:configuration:)` for any differentiable model.
    static func jacobian(
        poi: Double, data: [Double], of model: some DifferentiableLikelihoodModel, testStatistic: TestStatistic,
        configuration: FitConfiguration
    ) throws -> (result: HypotestResult, jacobian: HypotestJacobian) {
        let (result, statistics) = try statisticDerivatives(
            poi: poi, data: data, model: model, testStatistic: testStatistic, configuration: configuration)
        let all = outputSensitivities(result)
        let (inputRows, dataRows) = statistics.rows(HypotestDerivatives.headlineRows(testStatistic).map { all[$0] })
        return (
            result,
            HypotestJacobian(
                outputs: [result.headline] + result.expectedHeadline, inputs: inputRows, data: dataRows)
        )
    }

    /// Every output of `HypotestDerivatives.rowNames` and its derivatives, from one set of fits.
    public static func derivatives(
        poi: Double, data: [Double], model: Model, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init()
    ) throws -> (result: HypotestResult, derivatives: HypotestDerivatives) {
        try derivatives(poi: poi, data: data, of: model, testStatistic: testStatistic, configuration: configuration)
    }

    /// `derivatives(poi:data:model:testStatistic:configuration:)` for any differentiable model.
    static func derivatives(
        poi: Double, data: [Double], of model: some DifferentiableLikelihoodModel, testStatistic: TestStatistic,
        configuration: FitConfiguration
    ) throws -> (result: HypotestResult, derivatives: HypotestDerivatives) {
        let (result, statistics) = try statisticDerivatives(
            poi: poi, data: data, model: model, testStatistic: testStatistic, configuration: configuration)
        let (inputRows, dataRows) = statistics.rows(outputSensitivities(result))
        let values =
            [
                result.qObserved, result.qAsimov, result.significance, result.expectedSignificance,
                result.observed.clsb, result.observed.clb, result.observed.cls,
            ] + result.expectedHeadline
        return (result, HypotestDerivatives(values: values, inputs: inputRows, data: dataRows))
    }

    /// dq_obs and dq_A with respect to the inputs and the data: every output is a function of the two.
    struct StatisticDerivatives {
        var observedInputs: [Double]
        var observedData: [Double]
        var asimovInputs: [Double]
        var asimovData: [Double]

        /// Rows of the outputs whose (∂/∂q_obs, ∂/∂q_A) are given, by the chain rule.
        func rows(_ sensitivities: [(Double, Double)]) -> (inputs: [Double], data: [Double]) {
            var inputRows: [Double] = []
            var dataRows: [Double] = []
            inputRows.reserveCapacity(sensitivities.count * observedInputs.count)
            dataRows.reserveCapacity(sensitivities.count * observedData.count)
            for (dObs, dAsimov) in sensitivities {
                inputRows += zip(observedInputs, asimovInputs).map { dObs * $0 + dAsimov * $1 }
                dataRows += zip(observedData, asimovData).map { dObs * $0 + dAsimov * $1 }
            }
            return (inputRows, dataRows)
        }
    }

    static func statisticDerivatives(
        poi: Double, data: [Double], model: some DifferentiableLikelihoodModel, testStatistic: TestStatistic,
        configuration: FitConfiguration
    ) throws -> (HypotestResult, StatisticDerivatives) {
        let result = try run(
            poi: poi, data: data, model: model, testStatistic: testStatistic, configuration: configuration)
        let inputCount = model.inputCount
        let dataCount = data.count

        // q_obs on the data.
        var qObsInputs = [Double](repeating: 0, count: inputCount)
        var qObsData = [Double](repeating: 0, count: dataCount)
        if result.qObserved > 0 {
            let conditional = try model.logpdfVJP(result.observedStatistic.conditionalFit.parameters, data: data)
            let unconditional = try model.logpdfVJP(result.observedStatistic.unconditionalFit.parameters, data: data)
            for k in 0..<inputCount { qObsInputs[k] = -2 * (conditional.inputs[k] - unconditional.inputs[k]) }
            for k in 0..<dataCount { qObsData[k] = -2 * (conditional.data[k] - unconditional.data[k]) }
        }

        // q_A on the Asimov data n_A = expected(θ_A(ψ, n); ψ).
        var qAInputs = [Double](repeating: 0, count: inputCount)
        var qAData = [Double](repeating: 0, count: dataCount)
        if result.qAsimov > 0 {
            let asimov = result.asimovData
            let conditional = try model.logpdfVJP(result.asimovStatistic.conditionalFit.parameters, data: asimov)
            let unconditional = try model.logpdfVJP(result.asimovStatistic.unconditionalFit.parameters, data: asimov)
            for k in 0..<inputCount { qAInputs[k] = -2 * (conditional.inputs[k] - unconditional.inputs[k]) }
            let asimovCotangent = (0..<asimov.count).map { -2 * (conditional.data[$0] - unconditional.data[$0]) }
            let throughExpected = try model.expectedDataVJP(
                cotangent: asimovCotangent, pars: result.asimovFit.parameters, includeAuxdata: true)
            for k in 0..<inputCount { qAInputs[k] += throughExpected.inputs[k] }
            let fitJacobian = try ImplicitDifferentiation.fitJacobian(
                result.asimovFit, of: model, data: data, bounds: configuration.bounds)
            let n = model.parameterCount
            for i in 0..<n where throughExpected.pars[i] != 0 {
                let weight = throughExpected.pars[i]
                for k in 0..<inputCount { qAInputs[k] += weight * fitJacobian.inputs[i * inputCount + k] }
                for k in 0..<dataCount { qAData[k] += weight * fitJacobian.data[i * dataCount + k] }
            }
        }
        return (
            result,
            StatisticDerivatives(
                observedInputs: qObsInputs, observedData: qObsData, asimovInputs: qAInputs, asimovData: qAData)
        )
    }

    /// −φ(x)/Φ(−x) = d log Φ(−x)/dx, from log-space tails so it stays finite far out.
    static func logTailSlope(_ x: Double) -> Double {
        -exp(Normal.logPDF(x) - log(Normal.survival(x)))
    }

    /// (∂/∂q_obs, ∂/∂q_A) of each row of `HypotestDerivatives.rowNames`. p-values differentiate as
    /// p · d log p, so a CLs of 1e-12 keeps a relative-accurate gradient.
    static func outputSensitivities(_ result: HypotestResult) -> [(Double, Double)] {
        let qObs = result.qObserved
        let qA = result.qAsimov
        let sqrtObs = qObs.squareRoot()
        let sqrtA = qA.squareRoot()
        // d√q/dq, one-sided 0 at the clip q = 0.
        let dSqrtObs = qObs > 0 ? 0.5 / sqrtObs : 0
        let dSqrtA = qA > 0 ? 0.5 / sqrtA : 0
        // t and its partials.
        var dtObs = dSqrtObs
        var dtA = -dSqrtA
        if result.testStatistic == .qmuTilde && sqrtObs > sqrtA && sqrtA > 0 {
            dtObs = 0.5 / sqrtA
            dtA = -0.5 / sqrtA - (qObs - qA) * 0.25 / (qA * sqrtA)
        }
        let t = result.statistic
        let slopeSB = logTailSlope(t + sqrtA)  // d log CLsb / d(t + √q_A)
        let slopeB = logTailSlope(t)  // d log CLb / dt
        let observed = result.observed
        var rows: [(Double, Double)] = [
            (1, 0), (0, 1), (dSqrtObs, 0), (0, dSqrtA),
            (observed.clsb * slopeSB * dtObs, observed.clsb * slopeSB * (dtA + dSqrtA)),
            (observed.clb * slopeB * dtObs, observed.clb * slopeB * dtA),
            (observed.cls * (slopeSB - slopeB) * dtObs, observed.cls * (slopeSB * (dtA + dSqrtA) - slopeB * dtA)),
        ]
        // Expected: CLb = Φ(−n) is fixed at band point n, so CLs and CLsb have the same relative derivative.
        for (index, n) in Asymptotics.bandSigmas.enumerated() {
            let value = result.testStatistic == .q0 ? result.expected[index].clsb : result.expected[index].cls
            rows.append((0, value * logTailSlope(n + sqrtA) * dSqrtA))
        }
        return rows
    }
}

extension Hypotest {
    /// ∂output/∂μ for the six outputs at the tested POI. By the envelope theorem ∂q/∂μ = 2 ∂NLL/∂μ at the
    /// conditional optimum (μ is the fixed coordinate there); the Asimov data are built at a fixed POI and do not
    /// move with μ.
    static func poiSensitivity(_ result: HypotestResult, model: some LikelihoodModel, data: [Double]) throws -> [Double]
    {
        guard let poiIndex = model.poiIndex, result.testStatistic != .q0 else {
            throw NeosError.invalidArgument("derivatives with respect to the tested POI need a q or qtilde test")
        }
        let qObsSlope =
            result.qObserved > 0
            ? 2 * (try model.nllGradient(result.observedStatistic.conditionalFit.parameters, data: data))[poiIndex] : 0
        let qASlope =
            result.qAsimov > 0
            ? 2
                * (try model.nllGradient(result.asimovStatistic.conditionalFit.parameters, data: result.asimovData))[
                    poiIndex] : 0
        let all = outputSensitivities(result)
        return HypotestDerivatives.headlineRows(result.testStatistic).map {
            all[$0].0 * qObsSlope + all[$0].1 * qASlope
        }
    }
}
