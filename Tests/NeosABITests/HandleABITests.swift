import CNeos
import Dispatch
import NeosCore
import XCTest

@testable import Neos

/// Handles, out-of-memory and the merged hypotest export, called as a C program calls them.
final class HandleABITests: XCTestCase {
    func lastError() -> String { String(cString: neos_last_error_message()) }

    /// A two-bin model made through the C ABI.
    func makeModel() -> OpaquePointer? {
        var model: OpaquePointer?
        XCTAssertEqual(neos_simplemodels_uncorrelated_background([5, 10], [50, 60], [5, 8], 2, &model), NEOS_OK)
        return model
    }

    func sizes(_ model: OpaquePointer?) -> neos_status {
        var n = 0
        return neos_model_sizes(model, &n, nil, nil, nil, nil)
    }

    func testFreedHandlesAreRefusedAndDoubleFreeIsHarmless() {
        let before = HandleRegistry.shared.count(.model)
        let model = makeModel()
        XCTAssertEqual(HandleRegistry.shared.count(.model), before + 1)
        XCTAssertEqual(sizes(model), NEOS_OK)
        neos_model_free(model)
        XCTAssertEqual(HandleRegistry.shared.count(.model), before)
        XCTAssertEqual(sizes(model), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(
            lastError(), "neos_model_sizes: model is not a live handle (already freed, or not made by libneos)")
        neos_model_free(model)
        XCTAssertEqual(HandleRegistry.shared.count(.model), before)
    }

    func testHandlesAreNeverReused() {
        let first = makeModel()
        neos_model_free(first)
        let second = makeModel()
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(sizes(first), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(sizes(second), NEOS_OK)
        neos_model_free(second)
    }

    func testForeignHandlesAreRefusedWithoutReadingThem() {
        let model = makeModel()
        var json = 0
        XCTAssertEqual(neos_workspace_metadata_json(model, nil, 0, &json), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(
            lastError(), "neos_workspace_metadata_json: workspace is a neos_model handle, not a neos_workspace")
        neos_workspace_free(model)  // ignored: not a workspace
        XCTAssertEqual(sizes(model), NEOS_OK)
        // Pointers libneos never made, including one into ordinary memory: refused, not dereferenced.
        let local = UnsafeMutablePointer<Double>.allocate(capacity: 4)
        defer { local.deallocate() }
        let pointers = [
            OpaquePointer(bitPattern: 0x10)!, OpaquePointer(bitPattern: 0x7fff_dead_bee0)!, OpaquePointer(local),
        ]
        for pointer in pointers { XCTAssertEqual(sizes(pointer), NEOS_ERR_INVALID_ARGUMENT) }
        neos_model_free(model)
    }

    func testHandlesAreSafeUnderConcurrentUseAndFree() {
        let before = HandleRegistry.shared.count(.model)
        let shared = makeModel()
        nonisolated(unsafe) let sharedModel = shared
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            var own: OpaquePointer?
            _ = neos_simplemodels_uncorrelated_background([5, 10], [50, 60], [5, 8], 2, &own)
            var n = 0
            XCTAssertEqual(neos_model_sizes(own, &n, nil, nil, nil, nil), NEOS_OK)
            let status = neos_model_sizes(sharedModel, &n, nil, nil, nil, nil)
            XCTAssertTrue(status == NEOS_OK || status == NEOS_ERR_INVALID_ARGUMENT)
            if index == 32 { neos_model_free(sharedModel) }
            neos_model_free(own)
        }
        XCTAssertEqual(sizes(shared), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(HandleRegistry.shared.count(.model), before)
    }

    func testOutOfMemoryIsReportedBeforeAnythingIsRead() {
        let model = makeModel()
        defer { neos_model_free(model) }
        var limits = [Double](repeating: -7, count: Int(NEOS_UPPER_LIMIT_ROWS))
        let data = [55.0, 70, 100, 56.25]
        let scan = [1.0]
        // A length of the machine's whole memory is a possible buffer, but its copy cannot be allocated.
        let status = neos_upper_limit(
            model, 0.05, scan, Memory.physical / 8, data, 4, nil, nil, nil, 3, &limits, limits.count, nil, 0, nil, 0,
            nil)
        XCTAssertEqual(status, NEOS_ERR_OUT_OF_MEMORY)
        XCTAssertTrue(lastError().hasPrefix("neos_upper_limit: copying scan would need \(Memory.physical) bytes"))
        XCTAssertEqual(limits, [Double](repeating: -7, count: limits.count))
        // One byte more than the machine has is no buffer at all: an invalid length.
        XCTAssertEqual(
            neos_upper_limit(
                model, 0.05, scan, Memory.physical / 8 + 1, data, 4, nil, nil, nil, 3, &limits, limits.count, nil, 0,
                nil, 0, nil),
            NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertThrowsError(try Memory.reserve(Int.max / 4, for: "a test")) { XCTAssertTrue($0 is OutOfMemory) }
        XCTAssertNoThrow(try Memory.reserve(1024, for: "a test"))
        XCTAssertGreaterThan(Memory.available, 0)
        XCTAssertLessThanOrEqual(Memory.available, Memory.physical)
    }

    func testHypotestRowsAreTheCoresWithAndWithoutJacobians() throws {
        let model = makeModel()
        defer { neos_model_free(model) }
        let data = [55.0, 70, 100, 56.25]
        let rows = Int(NEOS_HYPOTEST_ROWS)
        XCTAssertEqual(rows, HypotestDerivatives.rowNames.count)
        for (row, name) in HypotestDerivatives.rowNames.enumerated() {
            XCTAssertEqual(String(cString: neos_hypotest_row_name(Int32(row))), name)
        }
        for statistic in ["qtilde", "q", "q0"] {
            var plain = [Double](repeating: 0, count: rows)
            var full = [Double](repeating: 0, count: rows)
            var jacobian = [Double](repeating: 0, count: rows * 4)
            XCTAssertEqual(
                neos_hypotest(model, 1, statistic, data, 4, nil, nil, nil, 3, &plain, rows, nil, 0, nil, 0), NEOS_OK)
            XCTAssertEqual(
                neos_hypotest(model, 1, statistic, data, 4, nil, nil, nil, 3, &full, rows, nil, 0, &jacobian, rows * 4),
                NEOS_OK)
            XCTAssertEqual(plain, full, statistic)
            let core = try Hypotest.derivatives(
                poi: 1, data: data, model: borrowModel(model), testStatistic: TestStatistic(name: statistic))
            XCTAssertEqual(full, core.derivatives.values, statistic)
            XCTAssertEqual(jacobian, core.derivatives.data, statistic)
        }
    }

    func testBooleanArraysReadAnyNonZeroByteAsTrue() {
        var bytes: [UInt8] = [0, 1, 2, 255]
        let flags = bytes.withUnsafeMutableBytes { raw in
            booleans(raw.baseAddress!.assumingMemoryBound(to: Bool.self), 4)
        }
        XCTAssertEqual(flags, [false, true, true, true])
        bytes[0] = 0
    }
}
