import XCTest

@testable import NeosCore

final class CutTests: XCTestCase {
    /// relaxed's test values (neos.md §7.5), 1e-8 absolute.
    func testSpotValues() throws {
        let above = try Cut.weights(data: [1, 2, 3], cutValue: 2, slope: 1, keep: .above)
        let below = try Cut.weights(data: [1, 2, 3], cutValue: 2, slope: 1, keep: .below)
        for (value, reference) in zip(above, [0.26894142, 0.5, 0.73105858]) {
            XCTAssertEqual(value, reference, accuracy: 1e-8)
        }
        for (value, reference) in zip(below, [0.73105858, 0.5, 0.26894142]) {
            XCTAssertEqual(value, reference, accuracy: 1e-8)
        }
    }

    /// A steep slope is a hard cut and never overflows.
    func testSteepSlopeIsHardCut() throws {
        XCTAssertEqual(try Cut.weights(data: [1.9, 2.1, -1e300, 1e300], cutValue: 2, slope: 1e5), [0, 1, 0, 1])
    }

    func testVJPMatchesFiniteDifferences() throws {
        let data = [0.3, 1.7, 2.2, 4.0]
        let cotangent = [1.0, -0.5, 2.0, 0.25]
        for keep in CutSide.allCases {
            func objective(_ data: [Double], _ cutValue: Double, _ slope: Double) -> Double {
                let weights = try! Cut.weights(data: data, cutValue: cutValue, slope: slope, keep: keep)
                return zip(cotangent, weights).map(*).reduce(0, +)
            }
            let gradients = try Cut.vjp(cotangent: cotangent, data: data, cutValue: 2, slope: 1.3, keep: keep)
            assertGradient(gradients.data, centralDifferences(data) { objective($0, 2, 1.3) }, "\(keep)")
            assertGradient([gradients.cutValue], centralDifferences([2]) { objective(data, $0[0], 1.3) }, "\(keep)")
            assertGradient([gradients.slope], centralDifferences([1.3]) { objective(data, 2, $0[0]) }, "\(keep)")
        }
    }

    func testKeepMustBeAboveOrBelow() {
        XCTAssertThrowsError(try CutSide(keep: "left")) { error in
            XCTAssertEqual(error as? NeosError, .invalidArgument("keep must be one of 'above' or 'below', not 'left'"))
        }
        XCTAssertEqual(try CutSide(keep: "below"), .below)
    }

    func testNonFiniteInputsAreRefused() {
        XCTAssertThrowsError(try Cut.weights(data: [1, .infinity], cutValue: 0)) { error in
            XCTAssertEqual(error as? NeosError, .invalidArgument("data[1] is inf; every value must be finite"))
        }
        XCTAssertThrowsError(try Cut.weights(data: [1], cutValue: .nan))
        XCTAssertThrowsError(try Cut.weights(data: [1], cutValue: 0, slope: .infinity))
    }

    /// Finite data and cut whose difference overflows (the fuzzer's input: DBL_MAX above a cut at −DBL_MAX, slope 0,
    /// gave a NaN weight): refused by the value and the VJP, naming the event.
    func testDifferencesThatOverflowAreRefused() {
        for call in [
            {
                _ = try Cut.weights(
                    data: [.greatestFiniteMagnitude, 0.5], cutValue: -.greatestFiniteMagnitude, slope: 0)
            },
            {
                _ = try Cut.vjp(
                    cotangent: [1, 1], data: [.greatestFiniteMagnitude, 0.5], cutValue: -.greatestFiniteMagnitude,
                    slope: 0)
            },
        ] {
            XCTAssertThrowsError(try call()) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
                XCTAssertTrue("\(error)".contains("data[0]"), "\(error)")
            }
        }
    }
}
