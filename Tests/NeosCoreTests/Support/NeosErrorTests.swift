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

    /// A reason is optional (nil unless given), part of equality, and its identifiers are the stable strings the
    /// C ABI reports (neos_last_error_reason).
    func testReason() {
        XCTAssertNil(NeosError(.model, "m").reason)
        let reused = NeosError(.model, "m", reason: .nameReuse)
        XCTAssertEqual(reused.reason, .nameReuse)
        XCTAssertNotEqual(reused, NeosError(.model, "m"))
        XCTAssertEqual(NeosError.Reason.allCases.map(\.rawValue), ["invalid_modifier", "name_reuse"])
    }

    /// Errors thrown by the core carry their kind through `throws`, so callers can map them to status codes.
    func testKindSurvivesThrowing() {
        XCTAssertThrowsError(try JSON.parse("[")) { XCTAssertEqual(($0 as? NeosError)?.kind, .parse) }
        XCTAssertThrowsError(try RootFinding.brent({ $0 * $0 + 1 }, lower: 0, upper: 1)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .numeric)
        }
    }
}
