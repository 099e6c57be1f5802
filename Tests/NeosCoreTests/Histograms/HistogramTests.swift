import XCTest

@testable import NeosCore

final class HistogramTests: XCTestCase {
    let data = [0.1, 0.4, 0.45, 0.8]
    let edges = [0, 0.25, 0.5, 0.75, 1]

    /// Spot values recomputed from the bKDE formula (neos.md §7.5); tolerance 1e-9 absolute.
    func testSpotValues() throws {
        let cases: [(Double, Bool, [Double])] = [
            (0.1, false, [0.8640598281, 1.5113752832, 0.7728295774, 0.6702948365]),
            (0.1, true, [1.0227501509, 1.5113752832, 0.7728295774, 0.6930449884]),
            (0.05, false, [0.9772815393, 1.8185629439, 0.3400606378, 0.8413130758]),
            (0.3, false, [0.7545789034, 0.9783174815, 0.8741717422, 0.5516726560]),
            (0.3, true, [1.2858690451, 0.9783174815, 0.8741717422, 0.8616417311]),
            (1e-8, false, [1, 2, 0, 1]),
        ]
        for (bandwidth, reflect, expected) in cases {
            let counts = try Histogram.counts(
                data: data, edges: edges, bandwidth: bandwidth,
                options: HistogramOptions(reflectInfinities: reflect))
            for (value, reference) in zip(counts, expected) {
                XCTAssertEqual(value, reference, accuracy: 1e-9, "h=\(bandwidth) reflect=\(reflect)")
            }
        }
    }

    /// bandwidth 0 is numpy.histogram: half-open bins, the last one closed, outside events dropped.
    func testHardHistogramFollowsNumpyBinning() throws {
        let values = [-1, 0, 0.25, 0.2499, 0.5, 0.75, 1, 1.5]
        XCTAssertEqual(try Histogram.counts(data: values, edges: edges, bandwidth: 0), [2, 1, 1, 2])
        XCTAssertEqual(
            try Histogram.counts(
                data: values, edges: edges, bandwidth: 0, options: HistogramOptions(reflectInfinities: true)),
            [3, 1, 1, 3])
        XCTAssertEqual(
            try Histogram.counts(data: values, edges: edges, bandwidth: 0, weights: [1, 2, 3, 4, 5, 6, 7, 8]),
            [2 + 4, 3, 5, 6 + 7])
    }

    /// Far-tail masses keep full relative precision (no 1 − Φ cancellation): an event 9σ below the range.
    func testTailMassIsAccurate() throws {
        let counts = try Histogram.counts(data: [-0.9], edges: [0, 1], bandwidth: 0.1)
        // Φ(−9) − Φ(−19), Φ(−9) = 1.1285884059538408e-19 (refdata README); Φ(−19) is negligible.
        XCTAssertEqual(counts[0], 1.1285884059538408e-19, accuracy: 1e-8 * 1.1285884059538408e-19)
    }

    func testDensityIntegratesToOne() throws {
        for reflect in [false, true] {
            let counts = try Histogram.counts(
                data: data, edges: [0, 0.1, 0.5, 1], bandwidth: 0.2,
                options: HistogramOptions(density: true, reflectInfinities: reflect))
            let integral = zip(counts, [0.1, 0.4, 0.5]).map(*).reduce(0, +)
            XCTAssertEqual(integral, 1, accuracy: 1e-14)
        }
    }

    /// Every gradient of ⟨cotangent, counts⟩ against central finite differences, 1e-6 relative.
    func testVJPMatchesFiniteDifferences() throws {
        let cotangent = [0.3, -1.2, 0.7, 2.0]
        let weights = [1.5, 0.5, -0.25, 2.0]
        let edges = [0, 0.2, 0.55, 0.7, 1.1]
        for density in [false, true] {
            for reflect in [false, true] {
                let options = HistogramOptions(density: density, reflectInfinities: reflect)
                func objective(_ data: [Double], _ edges: [Double], _ weights: [Double], _ bandwidth: Double) -> Double
                {
                    let counts = try! Histogram.counts(
                        data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options)
                    return zip(cotangent, counts).map(*).reduce(0, +)
                }
                let bandwidth = 0.13
                let gradients = try Histogram.vjp(
                    cotangent: cotangent, data: data, edges: edges, bandwidth: bandwidth, weights: weights,
                    options: options)
                let label = "density=\(density) reflect=\(reflect)"
                assertGradient(
                    gradients.data, centralDifferences(data) { objective($0, edges, weights, bandwidth) }, label)
                assertGradient(
                    gradients.edges, centralDifferences(edges) { objective(data, $0, weights, bandwidth) }, label)
                assertGradient(
                    gradients.weights, centralDifferences(weights) { objective(data, edges, $0, bandwidth) }, label)
                assertGradient(
                    [gradients.bandwidth], centralDifferences([bandwidth]) { objective(data, edges, weights, $0[0]) },
                    label)
            }
        }
    }

    func testVJPWithoutWeightsUsesOnes() throws {
        let gradients = try Histogram.vjp(cotangent: [1, 2, 3, 4], data: data, edges: edges, bandwidth: 0.1)
        let weighted = try Histogram.vjp(
            cotangent: [1, 2, 3, 4], data: data, edges: edges, bandwidth: 0.1, weights: [1, 1, 1, 1])
        XCTAssertEqual(gradients, weighted)
    }

    func testHardHistogramVJP() throws {
        let gradients = try Histogram.vjp(cotangent: [1, 2, 3, 4], data: data, edges: edges, bandwidth: 0)
        XCTAssertEqual(gradients.weights, [1, 2, 2, 4])
        XCTAssertEqual(gradients.data, [0, 0, 0, 0])
        XCTAssertEqual(gradients.edges, [0, 0, 0, 0, 0])
        XCTAssertEqual(gradients.bandwidth, 0)
    }

    /// Large inputs are split over threads; the result must equal the sum over small (single-threaded) batches.
    func testThreadedChunksAgreeWithSequentialBatches() throws {
        var generator = SplitMix64(seed: 7)
        let events = (0..<20_000).map { _ in generator.nextUniform() * 1.4 - 0.2 }
        let weights = (0..<20_000).map { _ in generator.nextUniform() + 0.5 }
        let edges = [0, 0.3, 0.45, 0.8, 1]
        let cotangent = [1.0, -2, 0.5, 3]
        let whole = try Histogram.counts(data: events, edges: edges, bandwidth: 0.09, weights: weights)
        let wholeVJP = try Histogram.vjp(
            cotangent: cotangent, data: events, edges: edges, bandwidth: 0.09, weights: weights)
        var summed = [Double](repeating: 0, count: 4)
        var edgeGradient = [Double](repeating: 0, count: 5)
        var bandwidthGradient = 0.0
        var dataGradient: [Double] = []
        for start in stride(from: 0, to: events.count, by: 1000) {
            let batch = Array(events[start..<(start + 1000)])
            let batchWeights = Array(weights[start..<(start + 1000)])
            let counts = try Histogram.counts(data: batch, edges: edges, bandwidth: 0.09, weights: batchWeights)
            let vjp = try Histogram.vjp(
                cotangent: cotangent, data: batch, edges: edges, bandwidth: 0.09, weights: batchWeights)
            for j in 0..<4 { summed[j] += counts[j] }
            for i in 0..<5 { edgeGradient[i] += vjp.edges[i] }
            bandwidthGradient += vjp.bandwidth
            dataGradient += vjp.data
        }
        for j in 0..<4 { XCTAssertEqual(whole[j], summed[j], accuracy: 1e-12 * summed[j]) }
        for i in 0..<5 { XCTAssertEqual(wholeVJP.edges[i], edgeGradient[i], accuracy: 1e-10 * abs(edgeGradient[i])) }
        XCTAssertEqual(wholeVJP.bandwidth, bandwidthGradient, accuracy: 1e-10 * abs(bandwidthGradient))
        XCTAssertEqual(wholeVJP.data, dataGradient)
    }

    func testBadInputsAreRefused() {
        func message(_ body: () throws -> Any) -> String? {
            do {
                _ = try body()
                return nil
            } catch let error as NeosError {
                XCTAssertEqual(error.kind, .invalidArgument)
                return error.message
            } catch { return "\(error)" }
        }
        XCTAssertEqual(
            message { try Histogram.counts(data: [.nan], edges: self.edges, bandwidth: 0.1) },
            "data[0] is nan; every value must be finite")
        XCTAssertEqual(
            message { try Histogram.counts(data: [0.5], edges: [0, 0.5, 0.5, 1], bandwidth: 0.1) },
            "bins must be strictly increasing: bins[2] = 0.5 is not above bins[1] = 0.5")
        XCTAssertEqual(
            message { try Histogram.counts(data: [0.5], edges: [0], bandwidth: 0.1) },
            "bins needs at least 2 edges, got 1")
        XCTAssertEqual(
            message { try Histogram.counts(data: [0.5], edges: self.edges, bandwidth: -1) },
            "bandwidth is -1.0; it must be finite and >= 0")
        XCTAssertEqual(
            message { try Histogram.counts(data: [0.5], edges: self.edges, bandwidth: 0.1, weights: [1, 2]) },
            "weights has length 2, expected 1")
        XCTAssertEqual(
            message { try Histogram.vjp(cotangent: [1], data: [0.5], edges: self.edges, bandwidth: 0.1) },
            "cotangent has length 1, expected 4")
    }
}

/// Central differences of a scalar function, one coordinate at a time, with a step scaled to each value.
func centralDifferences(_ point: [Double], relativeStep: Double = 1e-6, _ function: ([Double]) -> Double) -> [Double] {
    (0..<point.count).map { index in
        let step = relativeStep * max(1, abs(point[index]))
        var plus = point
        var minus = point
        plus[index] += step
        minus[index] -= step
        return (function(plus) - function(minus)) / (2 * step)
    }
}

/// Compares an analytic gradient to finite differences: relative 1e-6 of the larger magnitude, with an absolute
/// floor of 1e-9 for components that vanish.
func assertGradient(
    _ analytic: [Double], _ numeric: [Double], _ label: String = "", relative: Double = 1e-6, absolute: Double = 1e-9,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(analytic.count, numeric.count, label, file: file, line: line)
    for (index, (a, n)) in zip(analytic, numeric).enumerated() {
        let tolerance = max(absolute, relative * max(abs(a), abs(n)))
        XCTAssertEqual(a, n, accuracy: tolerance, "\(label) component \(index)", file: file, line: line)
    }
}
