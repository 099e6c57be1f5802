import XCTest

@testable import NeosCore

/// An upper limit over a scan does not depend on the order of its values or on repeats, refuses what cannot be
/// interpolated, and says which limits lie beyond the scan (on ShapesysToyModel, whose limits are 0.66 … 2.09).
final class UpperLimitScanTests: ShapesysToyTestCase {
    static let sorted = (0...10).map { Double($0) * 0.5 }

    func testOrderAndRepeatsDoNotChangeTheLimits() throws {
        let reference = try UpperLimits.scan(Self.sorted, data: data, model: model)
        XCTAssertEqual(reference.positions, [ScanPosition](repeating: .inside, count: 6))
        let shuffled = [2.5, 0.0, 5.0, 1.5, 4.0, 0.5, 3.5, 1.0, 4.5, 2.0, 3.0]
        let repeated = Self.sorted + [1.0, 2.5, 2.5, -0.0]
        for points in [shuffled, Array(Self.sorted.reversed()), repeated] {
            let result = try UpperLimits.scan(points, data: data, model: model)
            // Bit-identical: the same hypotests at the same sorted values, interpolated the same way.
            XCTAssertEqual([result.observed] + result.expected, [reference.observed] + reference.expected)
            XCTAssertEqual(result.scanned.map(\.poi), Self.sorted)  // each distinct value once, ascending
        }
    }

    func testFewerThanTwoDistinctValuesAreRefused() {
        for points in [[1.0], [1.0, 1.0, 1.0], [Double]()] {
            XCTAssertThrowsError(try UpperLimits.scan(points, data: data, model: model)) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
                XCTAssertTrue("\(error)".contains("at least two distinct POI values"), "\(error)")
            }
        }
    }

    func testLimitsBeyondTheScanAreFlagged() throws {
        // Up to μ = 1: CLs is still above 0.05 for the observed (1.03) and the upper expected limits (1.12, 1.50,
        // 2.09), which are returned as 1.0, the scan's end (numpy.interp's clamping, pyhf's value).
        let low = try UpperLimits.scan([0.0, 0.25, 0.5, 0.75, 1.0], data: data, model: model)
        XCTAssertEqual(low.positions, [.above, .inside, .inside, .above, .above, .above])
        XCTAssertEqual(low.observed, 1.0)
        XCTAssertEqual(low.expected[3], 1.0)
        // From μ = 1.2: CLs is already below 0.05 for the −2σ, −1σ and median (0.66, 0.88, 1.12) limits.
        let high = try UpperLimits.scan([1.2, 2.0, 3.0], data: data, model: model)
        XCTAssertEqual(high.positions, [.below, .below, .below, .below, .inside, .inside])
        XCTAssertEqual(high.expected[0], 1.2)
    }

    func testPositionAtTheEndsOfTheScan() {
        // CLs at ascending μ: a level equal to an end's CLs is inside (the limit is that end exactly).
        let cls = [0.9, 0.5, 0.1]
        XCTAssertEqual(UpperLimits.position(of: 0.05, along: cls), .above)
        XCTAssertEqual(UpperLimits.position(of: 0.1, along: cls), .inside)
        XCTAssertEqual(UpperLimits.position(of: 0.9, along: cls), .inside)
        XCTAssertEqual(UpperLimits.position(of: 0.95, along: cls), .below)
        XCTAssertEqual(UpperLimits.sortedDistinct([3, -0.0, 1, 0, 3, 2]), [-0.0, 1, 2, 3])
    }
}
