import XCTest

@testable import NeosCore

/// INFERNO's softmax summary: counts that keep the events' total weight, the hard histogram as τ → 0, and the VJP
/// against central finite differences (fourth order, step 1e-3 relative; tolerance 1e-5 of the largest entry).
final class SoftmaxHistogramTests: XCTestCase {
    static let bins = 4
    /// 25 events of 4 outputs, spread over about ±3.
    static let logits: [Double] = (0..<100).map { 3 * sin(Double($0) * 1.7 + 0.3) }
    static let weights: [Double] = (0..<25).map { 0.5 + 0.04 * Double($0) }
    static let cotangent: [Double] = [0.7, -1.2, 0.4, 2.1]

    func testCountsKeepTheTotalWeightAndTendToTheHardHistogram() throws {
        for temperature in [0.1, 1, 10] {
            let counts = try SoftmaxHistogram.counts(
                logits: Self.logits, bins: Self.bins, temperature: temperature, weights: Self.weights)
            XCTAssertEqual(counts.reduce(0, +), Self.weights.reduce(0, +), accuracy: 1e-12)
        }
        let hard = try SoftmaxHistogram.hardCounts(logits: Self.logits, bins: Self.bins, weights: Self.weights)
        let cold = try SoftmaxHistogram.counts(
            logits: Self.logits, bins: Self.bins, temperature: 1e-3, weights: Self.weights)
        // The closest pair of outputs in these events differs by more than 0.05, so at τ = 1e-3 every assignment
        // is one-hot to within exp(−50).
        for j in 0..<Self.bins { XCTAssertEqual(cold[j], hard[j], accuracy: 1e-12) }
        // Large logits do not overflow: the largest output is taken out before the exponentials.
        let huge = try SoftmaxHistogram.counts(logits: [1e300, 0, -1e300, 5], bins: 4, temperature: 0.1)
        XCTAssertEqual(huge, [1, 0, 0, 0])
    }

    func testVJPAgreesWithFiniteDifferences() throws {
        for temperature in [0.1, 0.7, 3] {
            let gradients = try SoftmaxHistogram.vjp(
                cotangent: Self.cotangent, logits: Self.logits, bins: Self.bins, temperature: temperature,
                weights: Self.weights)
            func loss(_ logits: [Double], _ weights: [Double], _ temperature: Double) throws -> Double {
                let counts = try SoftmaxHistogram.counts(
                    logits: logits, bins: Self.bins, temperature: temperature, weights: weights)
                return zip(counts, Self.cotangent).map(*).reduce(0, +)
            }
            let byLogits = try FiniteDifferences.gradient(Self.logits) { try loss($0, Self.weights, temperature) }
            let byWeights = try FiniteDifferences.gradient(Self.weights) { try loss(Self.logits, $0, temperature) }
            let byTemperature = try FiniteDifferences.derivative(at: temperature) {
                try loss(Self.logits, Self.weights, $0)
            }
            func assertClose(_ analytic: [Double], _ numeric: [Double], _ label: String) {
                let scale = max(1, numeric.map(abs).max() ?? 0)
                let worst = zip(analytic, numeric).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(label) at τ = \(temperature)")
            }
            assertClose(gradients.logits, byLogits, "∂/∂logits")
            assertClose(gradients.weights, byWeights, "∂/∂weights")
            assertClose([gradients.temperature], [byTemperature], "∂/∂τ")
        }
    }

    func testInvalidArgumentsAreRefused() {
        XCTAssertThrowsError(try SoftmaxHistogram.counts(logits: [1, 2, 3], bins: 2, temperature: 1))
        XCTAssertThrowsError(try SoftmaxHistogram.counts(logits: [1, 2], bins: 2, temperature: 0))
        XCTAssertThrowsError(try SoftmaxHistogram.counts(logits: [1, .nan], bins: 2, temperature: 1))
        XCTAssertThrowsError(try SoftmaxHistogram.counts(logits: [1, 2], bins: 0, temperature: 1))
        XCTAssertThrowsError(try SoftmaxHistogram.counts(logits: [1, 2], bins: 2, temperature: 1, weights: [1, 2]))
        XCTAssertThrowsError(
            try SoftmaxHistogram.vjp(cotangent: [1], logits: [1, 2], bins: 2, temperature: 1))
    }
}
