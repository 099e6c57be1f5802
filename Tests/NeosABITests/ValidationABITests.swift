import CNeos
import NeosCore
import XCTest

@testable import Neos

#if canImport(Glibc)
    import Glibc
#endif

/// The validation layer (Buffers.swift): lengths the call fixes are checked before anything is read, claimed
/// lengths are bounded by the machine, and implied sizes are refused with what they would need.
final class ValidationABITests: XCTestCase {
    func lastError() -> String { String(cString: neos_last_error_message()) }

    /// `values` at the very end of a mapping whose next page is unmapped: reading past them faults.
    func guarded(_ values: [Double]) -> UnsafePointer<Double> {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (8 * values.count + page - 1) / page + 1
        let base = mmap(nil, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        XCTAssertNotEqual(base, MAP_FAILED)
        let guardPage = base + (pages - 1) * page
        XCTAssertEqual(mprotect(guardPage, page, PROT_NONE), 0)
        let start = (guardPage - 8 * values.count).assumingMemoryBound(to: Double.self)
        for (index, value) in values.enumerated() { start[index] = value }
        return UnsafePointer(start)
    }

    func makeModel() -> OpaquePointer? {
        var model: OpaquePointer?
        XCTAssertEqual(neos_simplemodels_uncorrelated_background([5, 10], [50, 60], [5, 8], 2, &model), NEOS_OK)
        return model
    }

    func testLengthsTheModelFixesAreCheckedBeforeAnyRead() {
        let model = makeModel()
        defer { neos_model_free(model) }
        let data = guarded([55, 70, 100, 56.25])
        let cotangent = guarded([1, 1, 1, 1])
        var value = -7.0
        var gradient = [Double](repeating: -7, count: 3)
        for claimed in [1 << 20, 5, Int(bitPattern: UInt.max)] {
            XCTAssertEqual(neos_model_logpdf(model, [1, 1, 1], 3, data, claimed, &value), NEOS_ERR_INVALID_ARGUMENT)
            XCTAssertTrue(lastError().contains("n_data is \(UInt(bitPattern: claimed)), expected 4"), lastError())
            XCTAssertEqual(
                neos_model_expected_data_vjp(model, [1, 1, 1], 3, false, cotangent, claimed, &gradient, 3, nil, 0),
                NEOS_ERR_INVALID_ARGUMENT)
            XCTAssertTrue(lastError().contains("n_cotangent"), lastError())
        }
        XCTAssertEqual(value, -7)
        XCTAssertEqual(gradient, [-7, -7, -7])
        XCTAssertEqual(neos_model_logpdf(model, [1, 1, 1], 3, data, 4, &value), NEOS_OK)
        XCTAssertTrue(value.isFinite)
    }

    func testImpliedSizesAreRefusedWithWhatTheyWouldNeed() {
        var trainer: OpaquePointer?
        XCTAssertEqual(neos_trainer_create(#"{"hidden": [10000000]}"#, &trainer), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertNil(trainer)
        XCTAssertTrue(lastError().contains("would need") && lastError().contains("hidden [10000000]"), lastError())
        let bins = MemoryBudget.physicalBytes / 1024 + 1
        let values = [Double](repeating: 1, count: 2)
        var model: OpaquePointer?
        XCTAssertEqual(
            neos_simplemodels_uncorrelated_background(values, values, values, bins, &model), NEOS_ERR_INVALID_ARGUMENT)
        XCTAssertNil(model)
        XCTAssertTrue(lastError().contains("n_bins") && lastError().contains("would need"), lastError())
    }

    func testAvailableMemoryRespectsTheAddressSpaceLimit() {
        XCTAssertLessThanOrEqual(Memory.available, Memory.systemAvailable)
        XCTAssertLessThanOrEqual(Memory.available, Memory.addressSpaceLeft)
        XCTAssertEqual(Memory.physical, MemoryBudget.physicalBytes)
        XCTAssertEqual(MemoryBudget.describe(512), "512 bytes")
        XCTAssertEqual(MemoryBudget.describe(1_073_741_824), "1073741824 bytes (1.0 GiB)")
    }
}
