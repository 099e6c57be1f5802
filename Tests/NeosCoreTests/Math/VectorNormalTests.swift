import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The SIMD exp, erfc, Φ-tail and φ of the binned KDE against the scalar functions (the C library's exp and
/// erfc through ``Normal``) on dense grids, the far tails and the special values.
final class VectorNormalTests: XCTestCase {
    /// Applies a vector function to scalars, eight at a time.
    func lanes(_ values: [Double], _ function: (DoubleVector) -> DoubleVector) -> [Double] {
        var out: [Double] = []
        for start in stride(from: 0, to: values.count, by: 8) {
            var vector = DoubleVector(repeating: values[start])
            for lane in 0..<min(8, values.count - start) { vector[lane] = values[start + lane] }
            let result = function(vector)
            for lane in 0..<min(8, values.count - start) { out.append(result[lane]) }
        }
        return out
    }

    /// The largest |ours − reference| / |reference| over the grid, for references above the smallest normal.
    func largestRelativeError(_ ours: [Double], _ reference: [Double]) -> Double {
        zip(ours, reference).filter { $0.1 >= Double.leastNormalMagnitude }.map { abs($0.0 - $0.1) / $0.1 }.max() ?? 0
    }

    /// exp on [−745, 0] (step 1e-3, plus the reduction's boundaries): within 2 ulp (4.5e-16 relative) of the
    /// C library where the result is normal, within one subnormal step below that.
    func testExponentialMatchesTheCLibrary() {
        let grid = (0...745_000).map { -Double($0) * 1e-3 } + [-0.5 * log(2.0), -1.5 * log(2.0), -708.39, -744.4]
        let ours = lanes(grid) { VectorNormal.exponential($0) }
        let reference = grid.map { exp($0) }
        XCTAssertLessThanOrEqual(largestRelativeError(ours, reference), 4.5e-16)
        for (value, expected) in zip(ours, reference) where expected < Double.leastNormalMagnitude {
            XCTAssertEqual(value, expected, accuracy: 2 * Double.leastNonzeroMagnitude)
        }
        XCTAssertEqual(lanes([0, -800, -.infinity]) { VectorNormal.exponential($0) }, [1, 0, 0])
        XCTAssertTrue(lanes([.nan]) { VectorNormal.exponential($0) }[0].isNaN)
    }

    /// erfc on [0, 27.3] (step 1e-4): within 1.5e-15 relative (about 7 ulp; the measured worst case is 1.25e-15,
    /// from rounding in the degree-10/11 rational) of the C library's erfc wherever that is normal.
    func testErfcMatchesTheCLibrary() {
        let grid = (0...273_000).map { Double($0) * 1e-4 }
        let ours = lanes(grid) { VectorNormal.erfc($0) }
        let reference = grid.map { erfc($0) }
        XCTAssertLessThanOrEqual(largestRelativeError(ours, reference), 1.5e-15)
        XCTAssertEqual(lanes([0, 27.5, .infinity]) { VectorNormal.erfc($0) }, [1, 0, 0])
    }

    /// Q(|z|) against ``Normal/survival(_:)`` for z ∈ [−38.6, 38.6] (step 1e-4, both signs): within 1.5e-15
    /// relative (measured worst 1.35e-15) wherever Q is normal; exactly 0 from ``VectorNormal/zeroBeyond`` on; Q(±0) = ½, Q(±∞) = 0, NaN → NaN.
    func testTailMatchesTheScalarNormal() {
        let positive = (0...386_000).map { Double($0) * 1e-4 }
        let grid = positive + positive.map { -$0 }
        let ours = lanes(grid) { VectorNormal.tail($0) }
        let reference = grid.map { Normal.survival(abs($0)) }
        XCTAssertLessThanOrEqual(largestRelativeError(ours, reference), 1.5e-15)
        for (value, expected) in zip(ours, reference) where expected < Double.leastNormalMagnitude {
            XCTAssertEqual(value, expected, accuracy: Double.leastNormalMagnitude)
        }
        XCTAssertEqual(
            lanes([0, -0.0, .infinity, -.infinity, 38.625, -38.625, 40, 1e300]) { VectorNormal.tail($0) },
            [0.5, 0.5, 0, 0, 0, 0, 0, 0])
        XCTAssertTrue(lanes([.nan]) { VectorNormal.tail($0) }[0].isNaN)
    }

    /// φ against ``Normal/pdf(_:)`` (same rounded exponent −z²/2, so only exp differs): within 4.5e-16 relative;
    /// ``VectorNormal/tailAndDensity(_:)`` gives the same bits for φ as ``VectorNormal/density(_:)`` (the data
    /// gradient must not depend on whether the weights gradient was asked for).
    func testDensityMatchesTheScalarNormal() {
        let positive = (0...386_000).map { Double($0) * 1e-4 }
        let grid = positive + positive.map { -$0 }
        let ours = lanes(grid) { VectorNormal.density($0) }
        XCTAssertLessThanOrEqual(largestRelativeError(ours, grid.map { Normal.pdf($0) }), 4.5e-16)
        XCTAssertEqual(lanes(grid) { VectorNormal.tailAndDensity($0).density }, ours)
        XCTAssertEqual(lanes([.infinity, -.infinity, 38.625, -39]) { VectorNormal.density($0) }, [0, 0, 0, 0])
        XCTAssertEqual(lanes([0]) { VectorNormal.density($0) }[0], Normal.inverseSqrt2Pi, accuracy: 1e-16)
        XCTAssertTrue(lanes([.nan]) { VectorNormal.density($0) }[0].isNaN)
    }
}
