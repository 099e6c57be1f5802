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

/// Workspace documents that are malformed, unsupported or inconsistent with their observations and measurements.
final class WorkspaceErrorTests: XCTestCase {
    func testBaseWorkspaceIsValid() throws {
        let workspace = try Workspace(json: InvalidWorkspaces.base)
        let model = try workspace.model()
        XCTAssertEqual(model.channels, ["CR", "SR"])
        XCTAssertEqual(try workspace.data(model: model).prefix(3), [101, 55, 66])
    }

    func testMalformedJSONNamesThePosition() {
        InvalidWorkspaces.assertError(.parse, ["malformed JSON", "line 2, column 17"]) {
            _ = try Workspace(json: "{\"channels\": [\n  {\"name\": \"SR\" \"samples\": []}]}")
        }
        InvalidWorkspaces.assertError(.parse, ["unterminated string"]) { _ = try JSON.parse("{\"a\": \"abc") }
        InvalidWorkspaces.assertError(.parse, ["after the end of the JSON value"]) { _ = try JSON.parse("[1, 2] 3") }
        InvalidWorkspaces.assertError(.parse, ["the text is empty"]) { _ = try JSON.parse("  ") }
    }

    func testNonFiniteYields() {
        InvalidWorkspaces.assertError(.parse, ["non-finite numbers (NaN, Infinity) are not allowed"]) {
            _ = try JSON.parse("[1, NaN]")
        }
        InvalidWorkspaces.assertError(.parse, ["non-finite numbers"]) { _ = try JSON.parse("[-Infinity]") }
        InvalidWorkspaces.assertError(.model, ["channels[0].samples[0].data[1]: non-finite number inf"]) {
            _ = try Workspace(json: InvalidWorkspaces.base.replacingOccurrences(of: "[5, 6]", with: "[5, 1e999]"))
        }
    }

    func testUnknownVersion() {
        InvalidWorkspaces.assertError(.parse, ["version: unsupported workspace version \"2.0.0\""]) {
            _ = try Workspace(
                json: try InvalidWorkspaces.variant(#"[{"op": "replace", "path": "/version", "value": "2.0.0"}]"#))
        }
    }

    func testObservationsMissingForAChannel() {
        InvalidWorkspaces.assertError(.model, ["observations: no observation for channel \"CR\""]) {
            _ = try Workspace(json: try InvalidWorkspaces.variant(#"[{"op": "remove", "path": "/observations/1"}]"#))
        }
    }

    func testObservationOfWrongLengthIsRefusedWhenTheDataAreUsed() throws {
        // pyhf reads the workspace and builds its models; only asking for the data fails.
        let workspace = try Workspace(
            json: try InvalidWorkspaces.variant(#"[{"op": "add", "path": "/observations/0/data/-", "value": 1}]"#))
        let model = try workspace.model()
        InvalidWorkspaces.assertError(.model, ["observations[0].data: expected 2 numbers", "got 3"]) {
            _ = try workspace.data(model: model)
        }
    }

    func testMeasurementNotFound() throws {
        let workspace = try Workspace(json: InvalidWorkspaces.base)
        XCTAssertEqual(workspace.measurementNames, ["meas"])
        InvalidWorkspaces.assertError(.invalidArgument, ["measurement \"other\" not found", "\"meas\""]) {
            _ = try workspace.model(measurementName: "other")
        }
    }
}
