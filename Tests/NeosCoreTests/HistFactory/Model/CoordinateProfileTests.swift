import XCTest

@testable import NeosCore

/// The likelihood along coordinates against full evaluations, on the non-convex workspaces of BasinSearchTests.
final class CoordinateProfileTests: XCTestCase {
    /// The cheap evaluation along coordinates that the probes use equals full evaluations.
    func testLogpdfAlongCoordinatesMatchesLogpdf() throws {
        for name in ["seed33", "seed50", "seed91"] {
            let fixture = try BasinSearchTests.nonconvexCase(name)
            let model = fixture.model
            var generator = SplitMix64(seed: 7)
            let bounds = model.suggestedBounds
            let point = (0..<model.parameterCount).map { i in
                model.suggestedFixed[i]
                    ? model.suggestedInit[i]
                    : model.suggestedInit[i] + 0.3 * (generator.nextUniform() - 0.5)
                        * min(1, bounds[i].upper - bounds[i].lower)
            }
            let values = (0..<model.parameterCount).map { i -> [Double] in
                i % 3 == 2 ? [] : [bounds[i].lower, point[i], 0.5 * (point[i] + bounds[i].upper)]
            }
            let along = try model.logpdfAlongCoordinates(point, data: fixture.data, values: values)
            for (i, list) in values.enumerated() {
                XCTAssertEqual(along[i].count, list.count)
                for (value, result) in zip(list, along[i]) {
                    var moved = point
                    moved[i] = value
                    let full = try model.logpdf(moved, data: fixture.data)
                    XCTAssertEqual(
                        result, full, accuracy: 1e-12 * max(1, abs(full)), "\(name) parameter \(i) at \(value)")
                }
            }
        }
    }
}
