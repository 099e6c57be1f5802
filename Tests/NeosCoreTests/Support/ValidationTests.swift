import XCTest

@testable import NeosCore

/// The shared argument checks: each failure is `.invalidArgument` and reads the same way everywhere.
final class ValidationTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, .invalidArgument)
            return error.message
        } catch {
            XCTFail("\(error)")
            return nil
        }
    }

    func testFinite() {
        XCTAssertNil(message { try [1.0, -2].withUnsafeBufferPointer { try Validate.finite($0, "x") } })
        XCTAssertEqual(
            message { try [1.0, .nan].withUnsafeBufferPointer { try Validate.finite($0, "x") } },
            "x[1] is nan; every value must be finite")
        XCTAssertEqual(message { try Validate.finite(-.infinity, "slope") }, "slope is -inf; it must be finite")
        XCTAssertNil(message { try Validate.finite(0, "slope") })
    }

    func testLengthsAndCounts() {
        XCTAssertNil(message { try Validate.length(3, equals: 3, "data") })
        XCTAssertEqual(message { try Validate.length(2, equals: 3, "data") }, "data has length 2, expected 3")
        XCTAssertNil(message { try Validate.count(4, equals: 4, "n_pars") })
        // A negative Int is how a huge C size_t arrives; it is shown as the size_t the caller passed.
        XCTAssertEqual(message { try Validate.count(-1, equals: 4, "n_pars") }, "n_pars is \(UInt.max), expected 4")
    }

    func testStrictlyIncreasing() {
        func check(_ edges: [Double]) -> String? {
            message { try edges.withUnsafeBufferPointer { try Validate.strictlyIncreasing($0, "edges") } }
        }
        XCTAssertNil(check([0, 0.5, 1]))
        XCTAssertEqual(check([0]), "edges needs at least 2 edges, got 1")
        XCTAssertEqual(
            check([0, 1, 1]), "edges must be strictly increasing: edges[2] = 1.0 is not above edges[1] = 1.0")
        XCTAssertEqual(check([0, .nan]), "edges[1] is nan; every value must be finite")
    }
}
