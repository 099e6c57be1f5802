import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The samplers against the moments and probabilities of the distributions they claim to draw. Each check uses a
/// fixed seed, so it is deterministic; its tolerance is stated in standard errors of the statistic checked, so a
/// correct sampler fails it only for an unlucky seed (probability below 1e-4 per check for 5σ or χ² at p = 1e-4),
/// while a wrong shape (a biased mean, a wrong variance, a missing tail) fails it by far more.
final class RandomVariatesTests: XCTestCase {
    /// Mean and variance of n Poisson draws: the mean within 5 standard errors √(λ/n), the sample variance within
    /// 5 standard errors √((2λ² + λ)/n) (the Poisson's fourth central moment is 3λ² + λ). Means on both sides of
    /// the inversion/rejection switch at 10 and far into the rejection branch.
    func testPoissonMoments() throws {
        let n = 100_000
        for (index, mean) in [0.05, 0.7, 3.2, 9.99, 10.0, 17.5, 240, 1e6].enumerated() {
            var generator = SplitMix64(seed: 1000 + UInt64(index))
            var sum = 0.0
            var squares = 0.0
            for _ in 0..<n {
                let k = try RandomVariates.poisson(mean: mean, &generator)
                XCTAssertEqual(k, k.rounded(), "a Poisson draw is an integer")
                XCTAssertGreaterThanOrEqual(k, 0)
                sum += k
                squares += k * k
            }
            let sampleMean = sum / Double(n)
            let sampleVariance = (squares - Double(n) * sampleMean * sampleMean) / Double(n - 1)
            XCTAssertEqual(sampleMean, mean, accuracy: 5 * (mean / Double(n)).squareRoot(), "mean at λ = \(mean)")
            XCTAssertEqual(
                sampleVariance, mean, accuracy: 5 * ((2 * mean * mean + mean) / Double(n)).squareRoot(),
                "variance at λ = \(mean)")
        }
    }

    /// The whole distribution, not only two moments: Pearson's χ² of the counts of each k against n·p(k), pooling
    /// the tails into cells with at least 20 expected; χ² must stay below the chi-square 1 − 1e-4 quantile for its
    /// degrees of freedom (Wilson–Hilferty approximation, accurate to a few percent there).
    func testPoissonFrequenciesMatchTheProbabilities() throws {
        let n = 200_000
        for (index, mean) in [2.5, 9.5, 10.5, 60.0].enumerated() {
            var generator = SplitMix64(seed: 77 + UInt64(index))
            var counts: [Int: Int] = [:]
            for _ in 0..<n { counts[Int(try RandomVariates.poisson(mean: mean, &generator)), default: 0] += 1 }
            let probability = { (k: Int) in exp(Double(k) * log(mean) - mean - lgamma(Double(k) + 1)) }
            // Cells: [0, low], low+1 ... high-1, [high, ∞), with low and high the first ks from either side of the
            // mode whose tail holds 20 expected draws.
            var low = 0
            var lowMass = probability(0)
            while Double(n) * lowMass < 20 {
                low += 1
                lowMass += probability(low)
            }
            let tail = { (h: Int) in 1 - (0..<h).reduce(0) { $0 + probability($1) } }
            var high = Int(mean) + 1
            while Double(n) * tail(high + 1) >= 20 { high += 1 }
            let highMass = tail(high)
            var expected = [Double(n) * lowMass]
            var observed = [Double((0...low).reduce(0) { $0 + (counts[$1] ?? 0) })]
            for k in (low + 1)..<high {
                expected.append(Double(n) * probability(k))
                observed.append(Double(counts[k] ?? 0))
            }
            expected.append(Double(n) * highMass)
            observed.append(Double(counts.filter { $0.key >= high }.reduce(0) { $0 + $1.value }))
            let chiSquare = zip(observed, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) / $1.1 }
            let dof = Double(expected.count - 1)
            let z = 3.719  // the unit normal's 1 − 1e-4 quantile
            let quantile = dof * pow(1 - 2 / (9 * dof) + z * (2 / (9 * dof)).squareRoot(), 3)
            XCTAssertLessThan(chiSquare, quantile, "χ² at λ = \(mean) with \(dof) degrees of freedom")
        }
    }

    /// A mean of 0 gives 0 without consuming the stream's meaning (always 0); invalid means are `.numeric` errors.
    func testPoissonEdgeCasesAndErrors() throws {
        var generator = SplitMix64(seed: 5)
        XCTAssertEqual(try RandomVariates.poisson(mean: 0, &generator), 0)
        for bad in [-1e-300, -3, .nan, .infinity, 0x1p53] {
            XCTAssertThrowsError(try RandomVariates.poisson(mean: bad, &generator), "mean \(bad)") { error in
                XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            }
        }
        // The largest accepted mean still gives a draw within 10 standard deviations of it.
        let huge = RandomVariates.poissonMeanLimit
        XCTAssertEqual(try RandomVariates.poisson(mean: huge, &generator), huge, accuracy: 10 * huge.squareRoot())
    }

    /// Normal draws: mean within 5 standard errors σ/√n, variance within 5 standard errors σ²√(2/n), and the
    /// fraction inside ±1σ within 5 binomial standard errors of 0.682689.
    func testNormalMomentsAndCoverage() throws {
        let n = 200_000
        var generator = SplitMix64(seed: 31)
        let (mean, sigma) = (1.5, 0.25)
        var sum = 0.0
        var squares = 0.0
        var inside = 0
        for _ in 0..<n {
            let x = try RandomVariates.normal(mean: mean, sigma: sigma, &generator)
            sum += x
            squares += (x - mean) * (x - mean)
            if abs(x - mean) <= sigma { inside += 1 }
        }
        XCTAssertEqual(sum / Double(n), mean, accuracy: 5 * sigma / Double(n).squareRoot())
        XCTAssertEqual(squares / Double(n), sigma * sigma, accuracy: 5 * sigma * sigma * (2 / Double(n)).squareRoot())
        let p = 0.682_689_492
        XCTAssertEqual(Double(inside) / Double(n), p, accuracy: 5 * (p * (1 - p) / Double(n)).squareRoot())
    }

    /// A width that is not positive and finite, or a non-finite mean, is `.numeric`.
    func testNormalErrors() {
        var generator = SplitMix64(seed: 1)
        for (mean, sigma) in [(0.0, 0.0), (0, -1), (0, .nan), (.infinity, 1), (0, .infinity)] {
            XCTAssertThrowsError(try RandomVariates.normal(mean: mean, sigma: sigma, &generator)) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            }
        }
    }

    /// The draws depend only on the stream: two generators with one seed give identical sequences of mixed
    /// Poisson (both branches) and normal draws.
    func testDrawsDependOnlyOnTheStream() throws {
        var a = SplitMix64(seed: 99)
        var b = SplitMix64(seed: 99)
        for step in 0..<1000 {
            let mean = [0.5, 4, 12, 300][step % 4]
            XCTAssertEqual(try RandomVariates.poisson(mean: mean, &a), try RandomVariates.poisson(mean: mean, &b))
            XCTAssertEqual(RandomVariates.standardNormal(&a), RandomVariates.standardNormal(&b))
        }
        XCTAssertEqual(a.state, b.state)
    }
}
