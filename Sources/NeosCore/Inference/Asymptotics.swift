/// The asymptotic calculator of pyhf (`AsymptoticCalculator`, Cowan et al. 2011), with every tail probability
/// computed through erfc so that CLs of 1e-12 and below keep full precision.
public enum Asymptotics {
    /// The five expected-band points, in pyhf's order: +2σ, +1σ, 0, −1σ, −2σ of the background-only
    /// distribution, which gives CLs in ascending order (index 0 is the "−2σ" band edge, index 2 the median).
    public static let bandSigmas: [Double] = [2, 1, 0, -1, -2]

    /// Asimov data as pyhf builds them: the nuisance parameters profiled on the observed data with the POI fixed
    /// at `asimovPOI`, then the model's expected data there, auxiliary data included (replaced by their fitted
    /// expectations).
    public static func asimovData(
        asimovPOI: Double, data: [Double], model: some LikelihoodModel, configuration: FitConfiguration = .init()
    ) throws -> (data: [Double], fit: FitResult) {
        let fit = try MLE.fixedPOIFit(poi: asimovPOI, data: data, model: model, configuration: configuration)
        return (try model.expectedData(fit.parameters, includeAuxdata: true), fit)
    }

    /// The test statistic in √q space and the p-values that follow from it.
    public struct PValues: Sendable, Equatable {
        public var clsb: Double
        public var clb: Double
        public var cls: Double
    }

    /// t = √q_obs − √q_A (q, q0, and q̃ when √q_obs ≤ √q_A), otherwise (q_obs − q_A)/(2√q_A) for q̃. √q_A = 0 never
    /// divides (pyhf issues #1992 and #2722).
    public static func sqrtSpaceStatistic(qObserved: Double, qAsimov: Double, testStatistic: TestStatistic) -> Double {
        let sqrtObserved = qObserved.squareRoot()
        let sqrtAsimov = qAsimov.squareRoot()
        if testStatistic == .qmuTilde && sqrtObserved > sqrtAsimov && sqrtAsimov > 0 {
            return (qObserved - qAsimov) / (2 * sqrtAsimov)
        }
        return sqrtObserved - sqrtAsimov
    }

    /// CLsb = Φ(−(t + √q_A)), CLb = Φ(−t), CLs = CLsb / CLb.
    public static func pValues(statistic t: Double, qAsimov: Double) -> PValues {
        let clsb = Normal.survival(t + qAsimov.squareRoot())
        let clb = Normal.survival(t)
        return PValues(clsb: clsb, clb: clb, cls: clsb / clb)
    }

    /// The expected p-values at the five band points (see ``bandSigmas``).
    public static func expectedPValues(qAsimov: Double) -> [PValues] {
        bandSigmas.map { pValues(statistic: $0, qAsimov: qAsimov) }
    }
}

/// The full result of an asymptotic hypothesis test (`pyhf.infer.hypotest` with every return option).
public struct HypotestResult: Sendable {
    public var testStatistic: TestStatistic
    public var poi: Double
    public var observed: Asymptotics.PValues
    /// Five entries, ordered as pyhf's expected set.
    public var expected: [Asymptotics.PValues]
    public var qObserved: Double
    public var qAsimov: Double
    /// The statistic in √q space.
    public var statistic: Double
    public var asimovData: [Double]
    public var observedStatistic: TestStatisticResult
    public var asimovStatistic: TestStatisticResult
    public var asimovFit: FitResult

    /// What pyhf's hypotest returns first: CLs, or for q0 the discovery p-value p0 = CLsb.
    public var headline: Double { testStatistic == .q0 ? observed.clsb : observed.cls }
    /// The expected set pyhf returns: CLs, or for q0 the CLsb band.
    public var expectedHeadline: [Double] { expected.map { testStatistic == .q0 ? $0.clsb : $0.cls } }
    /// Observed discovery significance √q0 (meaningful for q0).
    public var significance: Double { qObserved.squareRoot() }
    /// Median expected significance √q_A (meaningful for q0).
    public var expectedSignificance: Double { qAsimov.squareRoot() }
}

public enum Hypotest {
    /// `pyhf.infer.hypotest(poi, data, model, ..., test_stat=...)` with the asymptotic calculator: five fits
    /// (two on the data, one for the Asimov data, two on the Asimov data).
    public static func run(
        poi: Double, data: [Double], model: some LikelihoodModel, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init()
    ) throws -> HypotestResult {
        guard [.qmu, .qmuTilde, .q0].contains(testStatistic) else {
            throw NeosError.invalidArgument(
                "the asymptotic calculator supports the test statistics q, qtilde and q0, not \(testStatistic.rawValue)"
            )
        }
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        let observed = try testStatistic.evaluate(poi: poi, data: data, model: model, configuration: configuration)
        let asimovPOI: Double = testStatistic == .q0 ? 1 : 0
        let asimov = try Asymptotics.asimovData(
            asimovPOI: asimovPOI, data: data, model: model, configuration: configuration)
        let onAsimov = try testStatistic.evaluate(
            poi: poi, data: asimov.data, model: model, configuration: configuration)
        let t = Asymptotics.sqrtSpaceStatistic(
            qObserved: observed.value, qAsimov: onAsimov.value, testStatistic: testStatistic)
        return HypotestResult(
            testStatistic: testStatistic, poi: poi,
            observed: Asymptotics.pValues(statistic: t, qAsimov: onAsimov.value),
            expected: Asymptotics.expectedPValues(qAsimov: onAsimov.value), qObserved: observed.value,
            qAsimov: onAsimov.value, statistic: t, asimovData: asimov.data, observedStatistic: observed,
            asimovStatistic: onAsimov, asimovFit: asimov.fit)
    }
}
