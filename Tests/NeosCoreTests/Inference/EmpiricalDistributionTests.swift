import XCTest

@testable import NeosCore

/// pyhf's EmpiricalDistribution and ToyCalculator arithmetic on samples small enough to count by hand.
final class EmpiricalDistributionTests: XCTestCase {
    func testPvalueIsTheFractionAtOrAbove() throws {
        let distribution = try EmpiricalDistribution(samples: [3, 1, 2, 2, 5])
        XCTAssertEqual(distribution.samples, [3, 1, 2, 2, 5])  // kept as given
        // 1, 2, 2, 3, 5: "at or above" counts the ties
        XCTAssertEqual(distribution.pvalue(2), 0.8)
        XCTAssertEqual(distribution.pvalue(2.5), 0.4)
        XCTAssertEqual(distribution.pvalue(5), 0.2)
        XCTAssertEqual(distribution.pvalue(1), 1)
        XCTAssertEqual(distribution.pvalue(0.5), 1)
        XCTAssertEqual(distribution.pvalue(5.5), 0)
        XCTAssertEqual(distribution.pvalue(-.infinity), 1)
        XCTAssertEqual(distribution.pvalue(.infinity), 0)
        XCTAssertEqual(distribution.pvalue(.nan), 0)  // numpy: nothing is >= NaN
    }

    func testPercentilesInterpolateAsNumpyLinear() throws {
        let sorted: [Double] = [1, 2, 2, 3, 5]
        // virtual index (n - 1) q / 100: 2 at q = 50, 1 at 25, 0.4 at 10, 3.6 at 90
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 50), 2)
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 25), 2)
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 10), 1.4, accuracy: 1e-15)
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 90), 4.2, accuracy: 1e-15)
        // a weight of one half or more interpolates from the upper neighbour: 5 − 2 · (1 − 0.6…) in numpy's bits
        let weight = 3.6 - 3
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 90), 5 - 2 * (1 - weight))
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 0), 1)
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: sorted, 100), 5)
        XCTAssertEqual(EmpiricalDistribution.percentile(sorted: [7], 42), 7)
        let distribution = try EmpiricalDistribution(samples: [5, 3, 2, 1, 2])
        XCTAssertEqual(distribution.expectedValue(nsigma: 0), 2)
        XCTAssertEqual(distribution.expectedValue(nsigma: .infinity), 5)
        XCTAssertEqual(distribution.expectedValue(nsigma: -.infinity), 1)
        XCTAssertTrue(distribution.expectedValue(nsigma: .nan).isNaN)
        // +1σ: the 84.13…th percentile, index 4 Φ(1) = 3.365…, between 3 and 5
        XCTAssertEqual(distribution.expectedValue(nsigma: 1), 3 + 2 * (4 * Normal.cdf(1) - 3), accuracy: 1e-14)
    }

    func testRefusesEmptyAndNonFiniteSamples() {
        InvalidWorkspaces.assertError(.invalidArgument, ["at least one sample"]) {
            _ = try EmpiricalDistribution(samples: [])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["samples[1] is nan"]) {
            _ = try EmpiricalDistribution(samples: [1, .nan])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["samples[0] is inf"]) {
            _ = try EmpiricalDistribution(samples: [.infinity])
        }
    }

    func testToyPValuesAndBandByHand() throws {
        let signal = try EmpiricalDistribution(samples: [3, 0, 2, 1])
        let background = try EmpiricalDistribution(samples: [4, 1, 3, 2])
        let observed = ToyCalculator.pValues(teststat: 2, signal: signal, background: background)
        XCTAssertEqual(observed, ToyPValues(clsb: 0.5, clb: 0.75, cls: 0.5 / 0.75))
        // no background toy reaches 10: CLs is 0 / 0, NaN as in pyhf
        XCTAssertTrue(ToyCalculator.pValues(teststat: 10, signal: signal, background: background).cls.isNaN)
        // Each background toy t = 1, 2, 3, 4 gives (CLsb, CLb, CLs) = (3/4, 1, 3/4), (1/2, 3/4, 2/3),
        // (1/4, 1/2, 1/2), (0, 1/4, 0); each column is read at pyhf's five percentiles.
        let band = ToyCalculator.expectedPValues(signal: signal, background: background)
        XCTAssertEqual(band.count, 5)
        let columns: [[Double]] = [[0, 0.25, 0.5, 0.75], [0.25, 0.5, 0.75, 1], [0, 0.5, 2.0 / 3, 0.75]]
        for (k, q) in ToyCalculator.bandPercentiles.enumerated() {
            let expected = columns.map { EmpiricalDistribution.percentile(sorted: $0, q) }
            XCTAssertEqual([band[k].clsb, band[k].clb, band[k].cls], expected)
        }
        // the median: index 1.5 of each column, weight one half
        XCTAssertEqual(band[2], ToyPValues(clsb: 0.375, clb: 0.625, cls: 0.5 + (2.0 / 3 - 0.5) / 2))
        XCTAssertEqual(band[0].clsb, 0.25 * (3 * 0.0227501319), accuracy: 1e-16)
    }

    func testToyHypotestIsItsPartsAndRefusesBadSettings() throws {
        let model = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let data = [51.0, 48] + model.auxdata
        let result = try ToyCalculator.hypotest(poi: 1, data: data, model: model, count: 30, seed: 11, threads: 2)
        let again = try ToyCalculator.hypotest(poi: 1, data: data, model: model, count: 30, seed: 11, threads: 1)
        XCTAssertEqual(result.signal.samples, again.signal.samples)
        XCTAssertEqual(result.background.samples, again.background.samples)
        XCTAssertEqual(result.expected, again.expected)
        XCTAssertEqual(result.qObserved, try TestStatistic.qmuTilde.evaluate(poi: 1, data: data, model: model).value)
        // the signal toys at the fit with μ = 1 from the seed, the background ones at μ = 0 from seed + 1
        for (mu, seed, samples) in [(1.0, UInt64(11), result.signal.samples), (0, 12, result.background.samples)] {
            let pars = try MLE.fixedPOIFit(poi: mu, data: data, model: model).parameters
            let toys = try Toys.testStatistics(
                poi: 1, testStatistic: .qmuTilde, model: model, parameters: pars, count: 30, seed: seed)
            XCTAssertEqual(samples, toys)
        }
        XCTAssertEqual(
            result.observed,
            ToyCalculator.pValues(teststat: result.qObserved, signal: result.signal, background: result.background))
        XCTAssertEqual(result.expectedHeadline, result.expected.map(\.cls))
        InvalidWorkspaces.assertError(.invalidArgument, ["toy calculator", "tmu"]) {
            _ = try ToyCalculator.hypotest(poi: 1, data: data, model: model, testStatistic: .tmu, count: 3, seed: 0)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["at least one"]) {
            _ = try ToyCalculator.hypotest(poi: 1, data: data, model: model, count: 0, seed: 0)
        }
    }
}
