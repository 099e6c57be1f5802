import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-bin counting model λ = μs + b without constraints, whose likelihood refuses data above `refuseAbove`:
/// it makes chosen toys fail, to check which failure a toy run reports.
private struct RefusingCountingModel: ToyGeneratingModel {
    var signal = 10.0
    var background = 50.0
    var refuseAbove = Double.infinity
    var parameterCount: Int { 1 }
    var poiIndex: Int? { 0 }
    var suggestedInit: [Double] { [1] }
    var suggestedBounds: [(lower: Double, upper: Double)] { [(0, 20)] }
    var suggestedFixed: [Bool] { [false] }
    func rate(_ pars: [Double]) -> Double { pars[0] * signal + background }
    func check(_ data: [Double]) throws {
        if data[0] > refuseAbove { throw NeosError(.numeric, "refused n = \(data[0])") }
    }
    func logpdf(_ pars: [Double], data: [Double]) throws -> Double {
        try check(data)
        return data[0] * log(rate(pars)) - rate(pars) - lgamma(data[0] + 1)
    }
    func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        try check(data)
        return [-(data[0] / rate(pars) - 1) * signal]
    }
    func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        try check(data)
        return [data[0] * signal * signal / (rate(pars) * rate(pars))]
    }
    func expectedData(_ pars: [Double], includeAuxdata: Bool) throws -> [Double] { [rate(pars)] }
    func dataDistribution(_ pars: [Double]) throws -> DataDistribution {
        try DataDistribution(mainRates: [rate(pars)], auxdata: [], gaussian: [], poisson: [])
    }
}

/// Pseudo-experiments: the streams they draw from, the distribution of their data, their test statistics (the
/// same fits as on observed data), independence from threads, errors, and toy p-values against asymptotics where
/// the asymptotic formulas hold.
final class ToysTests: XCTestCase {
    /// pyhf's uncorrelated_background from its docs (shapesys: a Poisson constraint).
    func shapesysModel() throws -> Model {
        try SimpleModels.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
    }

    /// Gaussian constraints: a normsys and a two-bin staterror (relative widths 4/40 = 0.1 and 3/30 = 0.1).
    func gaussianModel() throws -> Model {
        try Model(
            spec: """
                {"channels": [{"name": "c", "samples": [
                  {"name": "signal", "data": [5.0, 8.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
                  {"name": "bkg", "data": [40.0, 30.0], "modifiers": [
                    {"name": "syst", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                    {"name": "stat", "type": "staterror", "data": [4.0, 3.0]}]}]}]}
                """)
    }

    /// Toy i's generator is seeded with output i of SplitMix64(seed), so each toy's stream is fixed by (seed, i).
    func testToyStreamIsTheSeedsOutput() {
        for seed: UInt64 in [0, 42, .max] {
            var root = SplitMix64(seed: seed)
            for toy in 0..<5 {
                XCTAssertEqual(Toys.generator(seed: seed, toy: toy).state, root.next(), "seed \(seed), toy \(toy)")
            }
        }
    }

    /// Sample means and variances of every datum against the distributions of pyhf's make_pdf: Poisson main
    /// bins (mean = variance = λ), a normsys auxdatum N(α, 1), staterror auxdata N(γ, 0.1). Means within 5
    /// standard errors; variances within 5 standard errors of a sample variance (√((μ4 − σ⁴)/n) with μ4 = 3σ⁴ for
    /// normals and 3λ² + λ for Poissons).
    func testGaussianConstraintsAndMainBinsFollowTheModel() throws {
        let model = try gaussianModel()
        let names = model.parameterNames
        var pars = model.suggestedInit
        pars[names.firstIndex(of: "mu")!] = 0.5
        pars[names.firstIndex(of: "syst")!] = 0.3
        pars[names.firstIndex(of: "stat[0]")!] = 1.05
        pars[names.firstIndex(of: "stat[1]")!] = 0.95
        let n = 20_000
        let toys = try Toys.data(model: model, parameters: pars, count: n, seed: 7)
        XCTAssertEqual(toys.count, n)
        let rates = try model.expectedActualData(pars)
        let distribution = try model.dataDistribution(pars)
        var expectations = rates.map { (mean: $0, variance: $0, fourth: 3 * $0 * $0 + $0) }
        var aux = model.auxdata.map { (mean: $0, variance: 0.0, fourth: 0.0) }
        XCTAssertEqual(distribution.gaussian.count, 3)
        for g in distribution.gaussian {
            aux[g.index] = (g.mean, g.sigma * g.sigma, 3 * pow(g.sigma, 4))
        }
        expectations += aux
        let sorted = distribution.gaussian.sorted { $0.mean < $1.mean }
        XCTAssertEqual(sorted.map(\.mean), [0.3, 0.95, 1.05])
        XCTAssertEqual(sorted[0].sigma, 1, accuracy: 1e-15)
        XCTAssertEqual(sorted[1].sigma, 0.1, accuracy: 1e-15)
        for (slot, expected) in expectations.enumerated() {
            let values = toys.map { $0[slot] }
            let mean = values.reduce(0, +) / Double(n)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            XCTAssertEqual(mean, expected.mean, accuracy: 5 * (expected.variance / Double(n)).squareRoot(), "\(slot)")
            let varianceError = ((expected.fourth - expected.variance * expected.variance) / Double(n)).squareRoot()
            XCTAssertEqual(variance, expected.variance, accuracy: 5 * varianceError, "variance of slot \(slot)")
        }
    }

    /// Shapesys auxdata are Poisson counts around γτ (τ = (ν/σ)², here (50/3)² and (52/7)²): integer draws with
    /// mean and variance γτ within 5 standard errors.
    func testPoissonConstraintsFollowTheModel() throws {
        let model = try shapesysModel()
        var pars = model.suggestedInit
        pars[1] = 1.1
        pars[2] = 0.9
        let taus = [(50.0 / 3) * (50.0 / 3), (52.0 / 7) * (52.0 / 7)]
        let n = 20_000
        let toys = try Toys.data(model: model, parameters: pars, count: n, seed: 11)
        for (k, rate) in [1.1 * taus[0], 0.9 * taus[1]].enumerated() {
            let values = toys.map { $0[2 + k] }
            XCTAssertTrue(values.allSatisfy { $0 == $0.rounded() && $0 >= 0 })
            let mean = values.reduce(0, +) / Double(n)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            XCTAssertEqual(mean, rate, accuracy: 5 * (rate / Double(n)).squareRoot())
            XCTAssertEqual(variance, rate, accuracy: 5 * ((2 * rate * rate + rate) / Double(n)).squareRoot())
        }
    }

    /// Each toy's statistic is the statistic of that toy's data (the toys of `Toys.data`), fitted by the same code
    /// as observed data: equal to the last bit, for q̃, q and q0.
    func testToyStatisticsAreTheStatisticsOfTheToyData() throws {
        let model = try shapesysModel()
        let pars = model.suggestedInit
        let toys = try Toys.data(model: model, parameters: pars, count: 12, seed: 3)
        for statistic in [TestStatistic.qmuTilde, .qmu, .q0] {
            var configuration = FitConfiguration()
            if statistic == .qmu { configuration.bounds = [(-10, 10), (1e-10, 10), (1e-10, 10)] }
            let values = try Toys.testStatistics(
                poi: 1, testStatistic: statistic, model: model, parameters: pars, count: 12, seed: 3,
                configuration: configuration)
            let direct = try toys.map {
                try statistic.evaluate(poi: 1, data: $0, model: model, configuration: configuration).value
            }
            XCTAssertEqual(values, direct, "\(statistic)")
            XCTAssertTrue(values.contains { $0 > 0 }, "\(statistic): some toys must disfavour the tested value")
        }
    }

    /// Acceptance: the same seed gives bit-identical statistics on 1 thread, 2 threads and every core, and a
    /// block of toys a..<b equals the first b − a toys of the seed advanced by a·γ (what batched callers use).
    func testThreadsDoNotChangeTheToys() throws {
        let model = try shapesysModel()
        let pars = model.suggestedInit
        let run = { (threads: Int?, count: Int, seed: UInt64) in
            try Toys.testStatistics(
                poi: 1, testStatistic: .qmuTilde, model: model, parameters: pars, count: count, seed: seed,
                threads: threads)
        }
        let one = try run(1, 41, 2026)
        XCTAssertEqual(one.map(\.bitPattern), try run(2, 41, 2026).map(\.bitPattern))
        XCTAssertEqual(one.map(\.bitPattern), try run(nil, 41, 2026).map(\.bitPattern))
        XCTAssertEqual(one.map(\.bitPattern), try run(64, 41, 2026).map(\.bitPattern), "more threads than toys")
        let block = try run(2, 11, 2026 &+ 30 &* 0x9E37_79B9_7F4A_7C15)
        XCTAssertEqual(Array(one[30..<41]), block)
        XCTAssertNotEqual(one, try run(2, 41, 2027), "another seed gives other toys")
        XCTAssertEqual(try run(2, 0, 1), [])
    }

    /// Where the asymptotic formulas hold (a one-bin model with ~1000 events), the toys' CLsb and CLb, the
    /// fractions of signal-plus-background and background-only toys at or above q̃_obs, agree with the asymptotic
    /// ones: within 4 binomial standard errors √(p(1 − p)/n) of the 1000 toys plus 0.01 for the asymptotic
    /// approximation itself at these counts.
    func testToyPValuesAgreeWithAsymptoticsAtHighCounts() throws {
        let model = try SimpleModels.uncorrelatedBackground(signal: [60], background: [1000], uncertainty: [10])
        let data = [1020] + model.auxdata
        let poi = 1.0
        let asymptotic = try Hypotest.run(poi: poi, data: data, model: model)
        let n = 1000
        let signalPars = try MLE.fixedPOIFit(poi: poi, data: data, model: model).parameters
        let backgroundPars = try MLE.fixedPOIFit(poi: 0, data: data, model: model).parameters
        let signal = try Toys.testStatistics(
            poi: poi, testStatistic: .qmuTilde, model: model, parameters: signalPars, count: n, seed: 100)
        let background = try Toys.testStatistics(
            poi: poi, testStatistic: .qmuTilde, model: model, parameters: backgroundPars, count: n, seed: 101)
        let q = asymptotic.qObserved
        XCTAssertGreaterThan(q, 0.5, "the data must disfavour μ = 1 for a non-trivial check")
        for (label, values, reference) in [
            ("CLsb", signal, asymptotic.observed.clsb), ("CLb", background, asymptotic.observed.clb),
        ] {
            let p = Double(values.filter { $0 >= q }.count) / Double(n)
            let tolerance = 4 * (reference * (1 - reference) / Double(n)).squareRoot() + 0.01
            XCTAssertEqual(p, reference, accuracy: tolerance, label)
        }
    }

    /// Failing toys: the error is the lowest-numbered failing toy's, with its number, whatever the threads.
    func testTheLowestFailingToyIsReported() throws {
        let model = RefusingCountingModel(refuseAbove: 64)
        let pars = [1.0]
        let counts = try Toys.data(model: model, parameters: pars, count: 200, seed: 9).map { $0[0] }
        let first = try XCTUnwrap(counts.firstIndex { $0 > 64 }, "some toys must exceed 64 (λ = 60)")
        XCTAssertGreaterThan(counts.filter { $0 > 64 }.count, 1)
        for threads in [1, 2, 5] {
            XCTAssertThrowsError(
                try Toys.testStatistics(
                    poi: 1, testStatistic: .qmuTilde, model: model, parameters: pars, count: 200, seed: 9,
                    threads: threads)
            ) { error in
                let error = error as? NeosError
                XCTAssertEqual(error?.kind, .numeric)
                XCTAssertEqual(
                    error?.message, "toy \(first) of 200 (seed 9): refused n = \(counts[first])", "\(threads) threads")
            }
        }
        let passing = RefusingCountingModel()
        XCTAssertEqual(
            try Toys.testStatistics(
                poi: 1, testStatistic: .qmuTilde, model: passing, parameters: pars, count: 200, seed: 9
            ).count, 200)
    }

    /// Arguments outside the domain are refused before any toy runs.
    func testInvalidArguments() throws {
        let model = try shapesysModel()
        let pars = model.suggestedInit
        func kind(_ body: () throws -> Any) -> NeosError.Kind? {
            do {
                _ = try body()
                return nil
            } catch { return (error as? NeosError)?.kind }
        }
        let statistics = { (count: Int, pars: [Double], poi: Double, threads: Int?, fixed: [Bool]?) in
            try Toys.testStatistics(
                poi: poi, testStatistic: .qmuTilde, model: model, parameters: pars, count: count, seed: 0,
                configuration: FitConfiguration(fixed: fixed), threads: threads)
        }
        XCTAssertEqual(kind { try statistics(-1, pars, 1, nil, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(Toys.maximumCount + 1, pars, 1, nil, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(3, [1, 1], 1, nil, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(3, [1, .nan, 1], 1, nil, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(3, pars, .nan, nil, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(3, pars, 1, 0, nil) }, .invalidArgument)
        XCTAssertEqual(kind { try statistics(3, pars, 1, nil, [true, false, false]) }, .model, "a fixed POI")
        XCTAssertEqual(kind { try Toys.data(model: model, parameters: pars, count: -1, seed: 0) }, .invalidArgument)
        // A negative expected rate cannot be sampled (numpy refuses it too): the first toy fails.
        var negative = pars
        negative[0] = -10
        XCTAssertThrowsError(try statistics(3, negative, 1, nil, nil)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            XCTAssertTrue((error as? NeosError)?.message.hasPrefix("toy 0 of 3") ?? false, "\(error)")
        }
    }
}
