import XCTest

@testable import NeosCore

final class JSONPatchTests: XCTestCase {
    func apply(_ document: String, _ patch: String) throws -> JSON {
        try JSONPatch.apply(patch, to: try JSON.parse(document))
    }

    func testRFC6902Operations() throws {
        XCTAssertEqual(
            try apply(#"{"a": [1, 2]}"#, #"[{"op": "add", "path": "/a/1", "value": 9}]"#),
            try JSON.parse(#"{"a": [1, 9, 2]}"#))
        XCTAssertEqual(
            try apply(#"{"a": [1, 2]}"#, #"[{"op": "add", "path": "/a/-", "value": 3}]"#),
            try JSON.parse(#"{"a": [1, 2, 3]}"#))
        XCTAssertEqual(
            try apply(#"{"a": 1}"#, #"[{"op": "add", "path": "/b", "value": {"c": 2}}]"#),
            try JSON.parse(#"{"a": 1, "b": {"c": 2}}"#))
        XCTAssertEqual(
            try apply(#"{"a": 1, "b": 2}"#, #"[{"op": "remove", "path": "/a"}]"#), try JSON.parse(#"{"b": 2}"#))
        XCTAssertEqual(
            try apply(#"{"a": [1, 2, 3]}"#, #"[{"op": "replace", "path": "/a/2", "value": 7}]"#),
            try JSON.parse(#"{"a": [1, 2, 7]}"#))
        XCTAssertEqual(
            try apply(#"{"a": {"x": 1}, "b": []}"#, #"[{"op": "move", "from": "/a/x", "path": "/b/0"}]"#),
            try JSON.parse(#"{"a": {}, "b": [1]}"#))
        XCTAssertEqual(
            try apply(#"{"a": {"x": 1}}"#, #"[{"op": "copy", "from": "/a", "path": "/c"}]"#),
            try JSON.parse(#"{"a": {"x": 1}, "c": {"x": 1}}"#))
        XCTAssertEqual(
            try apply(#"{"a/b": {"m~n": 1}}"#, #"[{"op": "test", "path": "/a~1b/m~0n", "value": 1.0}]"#),
            try JSON.parse(#"{"a/b": {"m~n": 1}}"#))
        XCTAssertEqual(try apply(#"{"a": 1}"#, #"[{"op": "replace", "path": "", "value": [1]}]"#), .array([.number(1)]))
    }

    func testFailingOperations() {
        for (document, patch) in [
            (#"{"a": 1}"#, #"[{"op": "remove", "path": "/b"}]"#),
            (#"{"a": [1]}"#, #"[{"op": "add", "path": "/a/3", "value": 1}]"#),
            (#"{"a": [1]}"#, #"[{"op": "replace", "path": "/a/01", "value": 1}]"#),
            (#"{"a": 1}"#, #"[{"op": "test", "path": "/a", "value": 2}]"#),
            (#"{"a": {"b": 1}}"#, #"[{"op": "move", "from": "/a", "path": "/a/b/c"}]"#),
            (#"{"a": 1}"#, #"[{"op": "add", "path": "/x/y", "value": 1}]"#),
        ] {
            XCTAssertThrowsError(try apply(document, patch), patch) {
                XCTAssertEqual(($0 as? NeosError)?.kind, .model, patch)
            }
        }
        XCTAssertThrowsError(try apply("{}", #"[{"op": "add", "path": "a", "value": 1}]"#)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .parse)
        }
    }

    func testInvalidJSONPatch() throws {
        let workspace = try Workspace(json: InvalidWorkspaces.base)
        InvalidWorkspaces.assertError(.model, ["patches[0][0] (remove /channels/7)", "path does not exist"]) {
            _ = try workspace.model(patches: [#"[{"op": "remove", "path": "/channels/7"}]"#])
        }
        InvalidWorkspaces.assertError(
            .model, ["patches[0][1] (test /channels/0/name)", "test failed", "\"SR\"", "\"XX\""]
        ) {
            _ = try workspace.model(patches: [
                #"[{"op": "add", "path": "/channels/0/samples/0/data/0", "value": 1}, {"op": "test", "path": "/channels/0/name", "value": "XX"}]"#
            ])
        }
        InvalidWorkspaces.assertError(.parse, ["patches[0][0].op: unknown operation \"frobnicate\""]) {
            _ = try workspace.model(patches: [#"[{"op": "frobnicate", "path": "/channels"}]"#])
        }
        InvalidWorkspaces.assertError(.parse, ["patches[0][0]: missing required key \"path\""]) {
            _ = try workspace.model(patches: [#"[{"op": "remove"}]"#])
        }
    }
}
