import XCTest

@testable import NeosCore

final class TrainingPlotDataTests: XCTestCase {
    func array(_ value: JSON?) -> [JSON] {
        if case .array(let items)? = value { return items }
        return []
    }

    /// plot_data.json of a two-step recording on a tiny network: the 61-point grid over [−5, 5], one frame per
    /// recording (step −1, then the last step taken), each with a 61 × 61 output grid, and at most 500 test
    /// events per event set.
    func testRecordingLayout() throws {
        XCTAssertEqual(TrainingPlotData.grid.count, 61)
        XCTAssertEqual(TrainingPlotData.grid.first, -5)
        XCTAssertEqual(TrainingPlotData.grid.last, 5)
        XCTAssertEqual(TrainingPlotData.grid[30], 0)
        let trainer = try Trainer(
            configuration: TrainerConfiguration(
                json: #"{"hidden": [3], "points_per_blob": 800, "batch_size": 100, "seed": 2}"#))
        XCTAssertThrowsError(try trainer.plotDataJSON(), "nothing recorded yet")
        try trainer.recordPlotFrame()
        try trainer.step()
        try trainer.recordPlotFrame()
        let plot = try JSON.parse(try trainer.plotDataJSON())
        XCTAssertEqual(array(plot["grid"]?["x"]).count, 61)
        let frames = array(plot["frames"])
        XCTAssertEqual(frames.map { $0["step"] }, [.number(-1), .number(0)])
        for frame in frames {
            let zz = array(frame["zz"])
            XCTAssertEqual(zz.count, 61)
            XCTAssertTrue(zz.allSatisfy { array($0).count == 61 })
            XCTAssertEqual(array(frame["edges"]).count, 5)
        }
        guard case .object(let blobs)? = plot["blobs"] else { return XCTFail("no blobs") }
        XCTAssertEqual(blobs.map(\.key), trainer.pipeline.eventSetNames)
        for blob in blobs {
            XCTAssertEqual(array(blob.value).count, 200, "¼ of 800 test events, below the cap of 500")
            XCTAssertTrue(array(blob.value).allSatisfy { array($0).count == 2 })
        }
        guard case .object(let before)? = plot["before"] else { return XCTFail("no before") }
        XCTAssertEqual(before.map(\.key), trainer.pipeline.eventSetNames.sorted())
        XCTAssertEqual(plot["edges_before"], .array([0, 0.25, 0.5, 0.75, 1].map { .number($0) }))
        XCTAssertEqual(plot["edges_after"], .array(trainer.edges.map { .number($0) }))
    }
}
