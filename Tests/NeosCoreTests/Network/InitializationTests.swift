import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class InitializationTests: XCTestCase {
    /// The standard deviation of N(0, 1) truncated to ±2, scipy 1.17.1 `truncnorm(-2, 2).std()`.
    static let truncatedStandardDeviation = 0.879_625_661_034_239_8

    /// σ of the untruncated draw, chosen so that the truncated draw has variance 2/(in + out) (glorot) or 2/in
    /// (he): σ·0.8796… = the target standard deviation, to 1 ulp.
    func testStandardDeviations() {
        for (fanIn, fanOut) in [(2, 3), (1024, 1024), (7, 1)] {
            let glorot = WeightInitialization.glorot.standardDeviation(fanIn: fanIn, fanOut: fanOut)
            let he = WeightInitialization.he.standardDeviation(fanIn: fanIn, fanOut: fanOut)
            XCTAssertEqual(
                glorot * Self.truncatedStandardDeviation, (2 / Double(fanIn + fanOut)).squareRoot(),
                accuracy: 2 * Double.ulpOfOne)
            XCTAssertEqual(
                he * Self.truncatedStandardDeviation, (2 / Double(fanIn)).squareRoot(), accuracy: 2 * Double.ulpOfOne)
        }
    }

    /// Box–Muller pairs: the first draw is r·cos θ and the second r·sin θ of the same two uniforms.
    func testDrawsComeInBoxMullerPairs() {
        var uniforms = SplitMix64(seed: 11)
        let u1 = uniforms.nextUniform()
        let u2 = uniforms.nextUniform()
        let radius = (-2 * log(1 - u1)).squareRoot()
        var sampler = NormalSampler(seed: 11)
        XCTAssertEqual(sampler.next(), radius * cos(2 * Double.pi * u2))
        XCTAssertEqual(sampler.next(), radius * sin(2 * Double.pi * u2))
    }

    /// 200,000 draws: mean within 5 standard errors (5/√n ≈ 0.011) of 0, variance within 2% of 1, and the
    /// share beyond ±1.96 within 0.5 percentage points of 5%; truncated draws never leave ±2 and have the
    /// truncated normal's standard deviation (scipy's value above) within 1%.
    func testDrawStatistics() {
        let n = 200_000
        var sampler = NormalSampler(seed: 5)
        var sum = 0.0
        var squares = 0.0
        var outside = 0
        for _ in 0..<n {
            let z = sampler.next()
            sum += z
            squares += z * z
            if abs(z) > 1.96 { outside += 1 }
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 5 / Double(n).squareRoot())
        XCTAssertEqual(squares / Double(n), 1, accuracy: 0.02)
        XCTAssertEqual(Double(outside) / Double(n), 0.05, accuracy: 0.005)
        var truncated = NormalSampler(seed: 6)
        var truncatedSquares = 0.0
        for _ in 0..<n {
            let z = truncated.nextTruncated()
            XCTAssertLessThanOrEqual(abs(z), 2)
            truncatedSquares += z * z
        }
        XCTAssertEqual(
            (truncatedSquares / Double(n)).squareRoot(), Self.truncatedStandardDeviation,
            accuracy: 0.01 * Self.truncatedStandardDeviation)
    }

    /// Stream seeds are the first SplitMix64 output of seed ⊕ k·0xD1B54A32D192ED03: distinct across streams and
    /// seeds, and a sampler's stream depends on its seed only.
    func testStreamSeeds() {
        var mixer = SplitMix64(seed: 99 ^ (3 &* 0xD1B5_4A32_D192_ED03))
        XCTAssertEqual(NormalSampler.streamSeed(99, stream: 3), mixer.next())
        let seeds = (0..<4).flatMap { seed in (0..<8).map { NormalSampler.streamSeed(UInt64(seed), stream: $0) } }
        XCTAssertEqual(Set(seeds).count, seeds.count)
        var a = NormalSampler(seed: 123)
        var b = NormalSampler(seed: 123)
        XCTAssertEqual((0..<7).map { _ in a.next() }, (0..<7).map { _ in b.next() })
    }
}
