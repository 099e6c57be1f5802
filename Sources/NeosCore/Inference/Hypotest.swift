/// The full result of an asymptotic hypothesis test (`pyhf.infer.hypotest` with every return option).
public struct HypotestResult: Sendable {
    /// The test statistic used (q, q̃ or q0).
    public var testStatistic: TestStatistic
    /// The tested POI value (μ = 0 for q0).
    public var poi: Double
    /// CLsb, CLb and CLs of the observed data.
    public var observed: Asymptotics.PValues
    /// Five entries, ordered as pyhf's expected set.
    public var expected: [Asymptotics.PValues]
    /// The test statistic on the observed data.
    public var qObserved: Double
    /// The test statistic on the Asimov data.
    public var qAsimov: Double
    /// The statistic in √q space.
    public var statistic: Double
    /// The Asimov data (main bins then auxdata) the expected results are computed on.
    public var asimovData: [Double]
    /// q on the observed data with its two fits.
    public var observedStatistic: TestStatisticResult
    /// q on the Asimov data with its two fits.
    public var asimovStatistic: TestStatisticResult
    /// The fit that generated the Asimov data (POI fixed at 0, or 1 for q0, on the observed data).
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

/// Asymptotic hypothesis tests (`pyhf.infer.hypotest`).
public enum Hypotest {
    /// `pyhf.infer.hypotest(poi, data, model, ..., test_stat=...)` with the asymptotic calculator: five fits
    /// (two on the data, one for the Asimov data, two on the Asimov data).
    public static func run(
        poi: Double, data: [Double], model: some LikelihoodModel, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init()
    ) throws -> HypotestResult {
        try checkSupported(testStatistic, by: "asymptotic")
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

    /// Refuses a statistic other than q, q̃ and q0, the ones pyhf's calculators (asymptotic and toy-based, named
    /// by `calculator` in the message) define p-values for; grids check it before any point runs.
    static func checkSupported(_ testStatistic: TestStatistic, by calculator: String) throws {
        guard [.qmu, .qmuTilde, .q0].contains(testStatistic) else {
            throw NeosError.invalidArgument(
                "the \(calculator) calculator supports the test statistics q, qtilde and q0, not "
                    + testStatistic.rawValue)
        }
    }
}
