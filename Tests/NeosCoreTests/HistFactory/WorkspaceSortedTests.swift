import XCTest

@testable import NeosCore

final class WorkspaceSortedTests: XCTestCase {
    func testSortedMatchesPyhf() throws {
        // pyhf: pyhf.Workspace.sorted(ws)
        let result = try WorkspaceOperationFixture.parsed().sorted()
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.sorted)
    }

    func testNamesSortByCodePointAndModifiersOfOneNameByType() throws {
        let text =
            #"{"channels": [{"name": "b", "samples": [{"name": "é", "data": [1], "modifiers": []}, "#
            + #"{"name": "Z", "data": [1], "modifiers": [{"name": "m", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}, "#
            + #"{"name": "m", "type": "histosys", "data": {"hi_data": [2], "lo_data": [0.5]}}]}]}, "#
            + #"{"name": "a", "samples": [{"name": "s", "data": [1], "modifiers": []}]}], "#
            + #""observations": [{"name": "b", "data": [1]}, {"name": "a", "data": [1]}], "#
            + #""measurements": [{"name": "m", "config": {"poi": "", "parameters": []}}], "version": "1.0.0"}"#
        let result = try Workspace(json: text).sorted()
        let channels = try result.topLevelItems("channels")
        XCTAssertEqual(try channels.map(PythonJSON.name), ["a", "b"])
        let samples = try channels[1].required("samples", at: "").items(at: "")
        // "Z" (U+005A) before "é" (U+00E9)
        XCTAssertEqual(try samples.map(PythonJSON.name), ["Z", "é"])
        let types = try samples[0].required("modifiers", at: "").items(at: "").map {
            try $0.required("type", at: "").string(at: "")
        }
        XCTAssertEqual(types, ["histosys", "normsys"])
        XCTAssertEqual(try result.topLevelItems("observations").map(PythonJSON.name), ["a", "b"])
    }
}
