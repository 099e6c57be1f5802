import XCTest

@testable import NeosCore

final class NeosErrorTests: XCTestCase {
    /// The message is the whole description; the shorthand builds an `.invalidArgument` error.
    func testDescriptionIsTheMessage() {
        let error = NeosError.invalidArgument("bad thing")
        XCTAssertEqual(error, NeosError(.invalidArgument, "bad thing"))
        XCTAssertEqual(error.kind, .invalidArgument)
        XCTAssertEqual("\(error)", "bad thing")
        XCTAssertNotEqual(error, NeosError(.parse, "bad thing"))
    }

    /// Errors thrown by the core carry their kind through `throws`, so callers can map them to status codes.
    func testKindSurvivesThrowing() {
        XCTAssertThrowsError(try JSON.parse("[")) { XCTAssertEqual(($0 as? NeosError)?.kind, .parse) }
        XCTAssertThrowsError(try RootFinding.brent({ $0 * $0 + 1 }, lower: 0, upper: 1)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .numeric)
        }
    }
}
