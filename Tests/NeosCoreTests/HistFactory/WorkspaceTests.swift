import XCTest

@testable import NeosCore

final class WorkspaceTests: XCTestCase {
    func testChannelOrderIsByCodePointAndDataFollowsIt() throws {
        // "Z" < "a" < "b" by code point; the data vector follows the sorted channels
        let text = """
            {"channels": [
              {"name": "b", "samples": [{"name": "s", "data": [1], "modifiers": [{"name": "mu", "type": "normfactor", "data": null},
                                                                              {"name": "zn", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]},
              {"name": "a", "samples": [{"name": "s", "data": [2, 3], "modifiers": [{"name": "an", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]},
              {"name": "Z", "samples": [{"name": "t", "data": [4], "modifiers": []}]}],
             "observations": [{"name": "a", "data": [20, 30]}, {"name": "b", "data": [10]}, {"name": "Z", "data": [40]}],
             "measurements": [{"name": "m1", "config": {"poi": "mu", "parameters": []}}, {"name": "m2", "config": {"poi": "", "parameters": []}}],
             "version": "1.0.0"}
            """
        let workspace = try Workspace(json: text)
        XCTAssertEqual(workspace.channelNames, ["Z", "a", "b"])
        XCTAssertEqual(workspace.measurementNames, ["m1", "m2"])
        let model = try workspace.model()
        XCTAssertEqual(model.channels, ["Z", "a", "b"])
        XCTAssertEqual(model.channelBinCounts, [1, 2, 1])
        XCTAssertEqual(model.samples, ["s", "t"])
        // normsys order is first met over sorted channels: "an" (channel a) before "zn" (channel b)
        XCTAssertEqual(model.parameterOrder, ["mu", "an", "zn"])
        XCTAssertEqual(model.poiIndex, 0)
        XCTAssertEqual(try workspace.data(model: model), [40, 20, 30, 10, 0, 0])
        XCTAssertEqual(try workspace.data(model: model, includeAuxdata: false), [40, 20, 30, 10])
        XCTAssertNil(try workspace.model(measurementName: "m2").poiIndex)
    }

    func testPatchsetPatchAppliesToItsWorkspace() throws {
        let workspace = try Workspace(
            json: PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json"))
        let patchset = try Patchset(json: PyhfReferenceTests.refText("tests_data/test_patchset__example_patchset.json"))
        let patch = try patchset.patch(named: "patch_channel1_signal_syst1")
        let model = try workspace.model(patches: [patch])
        let unpatched = try workspace.model()
        XCTAssertEqual(model.parameterOrder, unpatched.parameterOrder)
        let names = model.inputs().names
        let hi = names.firstIndex(of: "channel1/signal/normsys/syst1/hi")!
        XCTAssertEqual(model.inputs().values[hi], 1.2)
        XCTAssertNotEqual(unpatched.inputs().values[hi], 1.2)
    }
}
