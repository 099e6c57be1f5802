import CNeos
import XCTest

@testable import Neos

/// The C ABI called the way a C program calls it: statuses, messages, and untouched outputs on failure.
final class HistogramABITests: XCTestCase {
    let data = [0.1, 0.4, 0.45, 0.8]
    let edges = [0, 0.25, 0.5, 0.75, 1]

    func lastError() -> String { String(cString: neos_last_error_message()) }

    func testHistSpotValues() {
        var out = [Double](repeating: 0, count: 4)
        XCTAssertEqual(neos_hist(data, 4, nil, edges, 5, 0.1, UInt32(NEOS_HIST_REFLECT_INFINITIES), &out, 4), NEOS_OK)
        for (value, reference) in zip(out, [1.0227501509, 1.5113752832, 0.7728295774, 0.6930449884]) {
            XCTAssertEqual(value, reference, accuracy: 1e-9)
        }
    }

    func testFailuresLeaveOutputsUntouched() {
        let sentinel = [Double](repeating: -7, count: 4)
        var out = sentinel
        XCTAssertEqual(neos_hist(nil, 4, nil, edges, 5, 0.1, 0, &out, 4), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(lastError(), "neos_hist: data is NULL")
        XCTAssertEqual(neos_hist(data, 4, nil, edges, 5, 0.1, 0, &out, 3), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(lastError(), "neos_hist: out_counts has length 3, expected 4")
        XCTAssertEqual(neos_hist(data, 4, nil, edges, 5, .nan, 0, &out, 4), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(neos_hist(data, 4, nil, [0, 1, 0.5, 2, 3], 5, 0.1, 0, &out, 4), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(neos_hist(data, 4, nil, edges, 5, 0.1, 64, &out, 4), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(lastError(), "neos_hist: flags has unknown bits: 64")
        XCTAssertEqual(neos_hist(data, -1, nil, edges, 5, 0.1, 0, &out, 4), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(out, sentinel)

        var gradData = [Double](repeating: -7, count: 4)
        var gradBandwidth = -7.0
        XCTAssertEqual(
            neos_hist_vjp(data, 4, nil, edges, 5, 0.1, 0, [1, 1, 1], 3, &gradData, 4, nil, 0, nil, 0, &gradBandwidth),
            NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(lastError(), "neos_hist_vjp: cotangent has length 3, expected 4")
        XCTAssertEqual(gradData, sentinel)
        XCTAssertEqual(gradBandwidth, -7)

        var weights = [Double](repeating: -7, count: 3)
        XCTAssertEqual(neos_cut([1, 2, 3], 3, 2, 1, 7, &weights, 3), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(lastError(), "neos_cut: keep must be NEOS_KEEP_ABOVE (0) or NEOS_KEEP_BELOW (1), not 7")
        XCTAssertEqual(weights, [-7, -7, -7])
    }

    func testVJPOutputsAreOptional() {
        var gradEdges = [Double](repeating: 0, count: 5)
        XCTAssertEqual(
            neos_hist_vjp(data, 4, nil, edges, 5, 0.1, 0, [1, 0, 0, 0], 4, nil, 0, nil, 0, &gradEdges, 5, nil), NEOS_OK)
        XCTAssertNotEqual(gradEdges, [0, 0, 0, 0, 0])
        var gradCut = 0.0
        XCTAssertEqual(
            neos_cut_vjp([1, 2, 3], 3, 2, 1, NEOS_KEEP_BELOW, [1, 1, 1], 3, nil, 0, &gradCut, nil), NEOS_OK)
        XCTAssertGreaterThan(gradCut, 0)
    }

    func testErrorMessagesAreThreadLocal() {
        var out = [Double](repeating: 0, count: 4)
        XCTAssertNotEqual(neos_hist(data, 4, nil, edges, 5, -1, 0, &out, 4), NEOS_OK)
        let mainMessage = lastError()
        let thread = Thread {
            var other = [Double](repeating: 0, count: 3)
            _ = neos_cut([1, 2, 3], 3, .nan, 1, NEOS_KEEP_ABOVE, &other, 3)
            XCTAssertEqual(String(cString: neos_last_error_message()), "neos_cut: cut_val is nan; it must be finite")
        }
        thread.start()
        while !thread.isFinished { usleep(1000) }
        XCTAssertEqual(lastError(), mainMessage)
        XCTAssertEqual(mainMessage, "neos_hist: bandwidth is -1.0; it must be finite and >= 0")
    }

    func testVersionsAndStatusNames() {
        XCTAssertEqual(neos_version_number(), NEOS_VERSION_NUMBER)
        XCTAssertEqual(
            NEOS_VERSION_NUMBER, NEOS_VERSION_MAJOR * 1_000_000 + NEOS_VERSION_MINOR * 1000 + NEOS_VERSION_PATCH)
        XCTAssertEqual(
            String(cString: neos_version()), "\(NEOS_VERSION_MAJOR).\(NEOS_VERSION_MINOR).\(NEOS_VERSION_PATCH)")
        XCTAssertEqual(String(cString: neos_status_name(NEOS_ERR_PARSE)), "NEOS_ERR_PARSE")
        XCTAssertNil(neos_status_name(99))
    }
}
