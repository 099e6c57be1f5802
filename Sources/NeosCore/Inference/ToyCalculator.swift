/// CLsb, CLb and CLs of toy-based distributions of a test statistic.
public struct ToyPValues: Sendable, Equatable {
    /// CL_{s+b}: the fraction of signal-plus-background toys at or above the statistic.
    public var clsb: Double
    /// CL_b: the fraction of background-only toys at or above the statistic.
    public var clb: Double
    /// CL_s = CL_{s+b} / CL_b, in IEEE arithmetic as pyhf computes it: NaN or infinite where no background-only toy
    /// reaches the statistic (CL_b = 0).
    public var cls: Double
}

/// A toy-based hypothesis test (`pyhf.infer.hypotest(..., calctype="toybased")`): the observed statistic, its two
/// distributions from pseudo-experiments and the p-values they give.
public struct ToyHypotestResult: Sendable {
    /// The test statistic used (q, q̃ or q0).
    public var testStatistic: TestStatistic
    /// The tested POI value.
    public var poi: Double
    /// The test statistic on the observed data (q itself, not the asymptotic calculator's √q-space value).
    public var qObserved: Double
    /// The statistic's distribution under signal plus background.
    public var signal: EmpiricalDistribution
    /// The statistic's distribution under background only.
    public var background: EmpiricalDistribution
    /// CLsb, CLb and CLs of `qObserved`.
    public var observed: ToyPValues
    /// The expected band, pyhf's order (ascending percentiles of each p-value over the background-only toys).
    public var expected: [ToyPValues]

    /// What pyhf's hypotest returns first: CLs, or for q0 the discovery p-value p0 = CLsb.
    public var headline: Double { testStatistic == .q0 ? observed.clsb : observed.cls }
    /// The expected set pyhf returns: CLs, or for q0 the CLsb band.
    public var expectedHeadline: [Double] { expected.map { testStatistic == .q0 ? $0.clsb : $0.cls } }
}

/// pyhf 0.7.6's `ToyCalculator`: p-values from the distributions of a test statistic over pseudo-experiments
/// (``Toys``), and the hypothesis test built from them.
public enum ToyCalculator {
    /// The percentiles the expected band is read at, exactly as pyhf writes them (the −2σ … +2σ points of the unit
    /// normal rounded to 8 decimals), so that the band is pyhf's to the last bit, not Φ's.
    public static let bandPercentiles: [Double] = [2.27501319, 15.86552539, 50.0, 84.13447461, 97.72498681]

    /// pyhf's `pvalues(teststat, ...)`: the fractions of each distribution at or above `teststat`, and their ratio.
    public static func pValues(
        teststat: Double, signal: EmpiricalDistribution, background: EmpiricalDistribution
    ) -> ToyPValues {
        let clsb = signal.pvalue(teststat)
        let clb = background.pvalue(teststat)
        return ToyPValues(clsb: clsb, clb: clb, cls: clsb / clb)
    }

    /// pyhf's `expected_pvalues`: the p-values of every background-only toy's statistic, then, for CLsb, CLb and
    /// CLs separately, their percentiles at ``bandPercentiles``. Each toy is its own sample, so CL_b ≥ 1/n and
    /// every value is finite.
    public static func expectedPValues(
        signal: EmpiricalDistribution, background: EmpiricalDistribution
    ) -> [ToyPValues] {
        let each = background.samples.map { pValues(teststat: $0, signal: signal, background: background) }
        let columns = [each.map(\.clsb).sorted(), each.map(\.clb).sorted(), each.map(\.cls).sorted()]
        return bandPercentiles.map { q in
            let band = columns.map { EmpiricalDistribution.percentile(sorted: $0, q) }
            return ToyPValues(clsb: band[0], clb: band[1], cls: band[2])
        }
    }

    /// `pyhf.infer.hypotest(poi, data, model, calctype="toybased", ntoys=count)` with the toys of `seed`: the
    /// statistic of the data; the signal-plus-background toys drawn at the fit of the data with the POI fixed at
    /// `poi`, from `seed`; the background-only ones at the fit with it fixed at 0 (for q0 at 1), from `seed + 1`
    /// (mod 2⁶⁴); every toy fitted as the data are (``Toys/testStatistics(poi:testStatistic:model:parameters:count:seed:configuration:threads:)``
    /// on up to `threads` threads; the values do not depend on them). These are the toys of neos_swift's
    /// `ToyCalculator(seed=seed)`.
    ///
    /// - Throws: `.invalidArgument` for a statistic other than q, q̃ and q0 or fewer than one toy; what the fits
    ///   and toys throw.
    public static func hypotest(
        poi: Double, data: [Double], model: some ToyGeneratingModel, testStatistic: TestStatistic = .qmuTilde,
        count: Int, seed: UInt64, configuration: FitConfiguration = .init(), threads: Int? = nil
    ) throws -> ToyHypotestResult {
        try Hypotest.checkSupported(testStatistic, by: "toy")
        guard count >= 1 else {
            throw NeosError.invalidArgument("the number of toys is \(count); a p-value needs at least one")
        }
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        let observed = try testStatistic.evaluate(poi: poi, data: data, model: model, configuration: configuration)
        let backgroundPOI: Double = testStatistic == .q0 ? 1 : 0
        var distributions: [EmpiricalDistribution] = []
        for (hypothesis, stream) in [(poi, seed), (backgroundPOI, seed &+ 1)] {
            let fit = try MLE.fixedPOIFit(poi: hypothesis, data: data, model: model, configuration: configuration)
            let values = try Toys.testStatistics(
                poi: poi, testStatistic: testStatistic, model: model, parameters: fit.parameters, count: count,
                seed: stream, configuration: configuration, threads: threads)
            distributions.append(try EmpiricalDistribution(samples: values))
        }
        let (signal, background) = (distributions[0], distributions[1])
        return ToyHypotestResult(
            testStatistic: testStatistic, poi: poi, qObserved: observed.value, signal: signal, background: background,
            observed: pValues(teststat: observed.value, signal: signal, background: background),
            expected: expectedPValues(signal: signal, background: background))
    }
}
