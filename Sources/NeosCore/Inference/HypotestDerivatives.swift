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

extension Hypotest {
    public static func jacobian(
        poi: Double, data: [Double], model: Model, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init()
    ) throws -> (result: HypotestResult, jacobian: HypotestJacobian) {
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
                result.asimovFit, model: model, data: data, bounds: configuration.bounds)
            let n = model.parameterCount
            for i in 0..<n where throughExpected.pars[i] != 0 {
                let weight = throughExpected.pars[i]
                for k in 0..<inputCount { qAInputs[k] += weight * fitJacobian.inputs[i * inputCount + k] }
                for k in 0..<dataCount { qAData[k] += weight * fitJacobian.data[i * dataCount + k] }
            }
        }

        // The p-values as functions of (q_obs, q_A).
        let sensitivities = pValueSensitivities(result)
        var inputRows: [Double] = []
        var dataRows: [Double] = []
        for (dObs, dAsimov) in sensitivities {
            inputRows += (0..<inputCount).map { dObs * qObsInputs[$0] + dAsimov * qAInputs[$0] }
            dataRows += (0..<dataCount).map { dObs * qObsData[$0] + dAsimov * qAData[$0] }
        }
        return (
            result,
            HypotestJacobian(
                outputs: [result.headline] + result.expectedHeadline, inputs: inputRows, data: dataRows)
        )
    }

    /// −φ(x)/Φ(−x) = d log Φ(−x)/dx, from log-space tails so it stays finite far out.
    static func logTailSlope(_ x: Double) -> Double {
        -exp(Normal.logPDF(x) - log(Normal.survival(x)))
    }

    /// For each output (observed, then the band), (∂/∂q_obs, ∂/∂q_A).
    static func pValueSensitivities(_ result: HypotestResult) -> [(Double, Double)] {
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
        var rows: [(Double, Double)] = []
        if result.testStatistic == .q0 {
            let p0 = result.observed.clsb
            rows.append((p0 * slopeSB * dtObs, p0 * slopeSB * (dtA + dSqrtA)))
            for (index, n) in Asymptotics.bandSigmas.enumerated() {
                let clsb = result.expected[index].clsb
                rows.append((0, clsb * logTailSlope(n + sqrtA) * dSqrtA))
            }
            return rows
        }
        let cls = result.observed.cls
        rows.append((cls * (slopeSB - slopeB) * dtObs, cls * (slopeSB * (dtA + dSqrtA) - slopeB * dtA)))
        for (index, n) in Asymptotics.bandSigmas.enumerated() {
            let bandCLs = result.expected[index].cls
            rows.append((0, bandCLs * logTailSlope(n + sqrtA) * dSqrtA))
        }
        return rows
    }
}
