import XCTest

@testable import NeosCore

final class SimpleModelsMemoryTests: XCTestCase {
    /// A simple model of more bins than this machine's memory holds is refused with the size it would need, before
    /// it is built; a small one is built.
    func testModelsBeyondMemoryAreRefused() throws {
        let tooMany = MemoryBudget.physicalBytes / 1024 + 1
        XCTAssertGreaterThan(SimpleModels.bytesNeeded(bins: tooMany), Double(MemoryBudget.physicalBytes))
        XCTAssertThrowsError(try SimpleModels.requireMemory(bins: tooMany)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("would need") && "\(error)".contains("n_bins"), "\(error)")
        }
        XCTAssertNoThrow(try SimpleModels.requireMemory(bins: 1000))
        let model = try SimpleModels.uncorrelatedBackground(
            signal: [1, 2], background: [10, 20], uncertainty: [1, 2])
        XCTAssertEqual(model.parameterCount, 3)
    }
}
