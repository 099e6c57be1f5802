import CNeos
import Dispatch
import Foundation
import NeosCore
import XCTest

@testable import Neos

/// neos_last_error_reason: the failing call's reason, per thread, through abiCall.
final class ErrorReasonABITests: XCTestCase {
    func reason() -> String { Self.reason() }
    static func reason() -> String { String(cString: neos_last_error_reason()) }

    /// What the other thread saw; the semaphore orders its writes before the reads.
    final class Seen: @unchecked Sendable {
        var before = "?"
        var after = "?"
    }

    /// A model spec whose staterror has one number for two bins.
    let shortStaterror = """
        {"channels": [{"name": "c", "samples": [{"name": "s", "data": [5, 6], "modifiers": [
          {"name": "mu", "type": "normfactor", "data": null}, {"name": "st", "type": "staterror", "data": [1]}]}]}]}
        """

    func testEveryThrownReasonMapsToItsIdentifier() {
        for reason in NeosError.Reason.allCases {
            let status = abiCall("test_function") { throw NeosError(.model, "failed", reason: reason) }
            XCTAssertEqual(status, NEOS_ERR_MODEL)
            XCTAssertEqual(self.reason(), reason.rawValue)
            XCTAssertEqual(String(cString: neos_last_error_message()), "test_function: failed")
        }
        _ = abiCall("test_function") { throw NeosError(.model, "no reason") }
        XCTAssertEqual(reason(), "")
    }

    /// Each thread sees only its own last failure's reason.
    func testTheReasonIsThreadLocal() {
        var model: OpaquePointer?
        XCTAssertEqual(neos_model_from_json(shortStaterror, "mu", nil, &model), NEOS_ERR_MODEL)
        XCTAssertEqual(reason(), "invalid_modifier")
        // A new thread (DispatchQueue.sync may run its block on the calling thread, so a Thread it is).
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            seen.before = ErrorReasonABITests.reason()
            var other: OpaquePointer?
            _ = neos_model_from_json(
                #"{"channels": [{"name": "c", "samples": [{"name": "s", "data": [5], "modifiers": [{"name": "p", "type": "normfactor", "data": null}]}, {"name": "b", "data": [5], "modifiers": [{"name": "p", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]}]}"#,
                "p", nil, &other)
            seen.after = ErrorReasonABITests.reason()
            done.signal()
        }
        thread.start()
        done.wait()
        let (before, after) = (seen.before, seen.after)
        XCTAssertEqual(before, "")
        XCTAssertEqual(after, "name_reuse")
        XCTAssertEqual(reason(), "invalid_modifier")
    }
}
