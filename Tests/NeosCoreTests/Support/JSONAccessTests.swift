import XCTest

@testable import NeosCore

/// The typed readers of a parsed document: shape problems are `.parse`, value problems `.model`, and every
/// message starts with the JSON path of the value at fault.
final class JSONAccessTests: XCTestCase {
    func assertError(
        _ kind: NeosError.Kind, _ prefix: String, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Any
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? NeosError)?.kind, kind, "\(error)", file: file, line: line)
            XCTAssertTrue(
                "\(error)".hasPrefix(prefix), "\"\(error)\" should start with \"\(prefix)\"", file: file, line: line)
        }
    }

    func testPaths() {
        XCTAssertEqual(JSONPath.key("", "channels"), "channels")
        XCTAssertEqual(JSONPath.index(JSONPath.key("channels", "samples"), 2), "channels.samples[2]")
        XCTAssertEqual(JSONPath.display(""), "the document")
    }

    func testReadersAcceptTheRightKinds() throws {
        let document = try JSON.parse(#"{"s": "x", "b": true, "n": 2.5, "a": [1, 2], "o": {"k": null}}"#)
        XCTAssertEqual(try document.required("s", at: "").string(at: "s"), "x")
        XCTAssertEqual(try document.required("b", at: "").bool(at: "b"), true)
        XCTAssertEqual(try document.required("n", at: "").number(at: "n"), 2.5)
        XCTAssertEqual(try document.required("a", at: "").numbers(at: "a", count: 2), [1, 2])
        XCTAssertEqual(try document.required("a", at: "").items(at: "a", nonEmpty: true).count, 2)
        XCTAssertEqual(
            try document.members(at: "", allowed: ["s", "b", "n", "a", "o"]).map(\.key), ["s", "b", "n", "a", "o"])
    }

    func testShapeErrorsAreParseErrorsWithTheirPath() throws {
        let document = try JSON.parse(#"{"channels": [{"name": 3, "data": [1, "x"], "extra": 1}]}"#)
        let channel = try document.required("channels", at: "").items(at: "channels")[0]
        assertError(.parse, "channels[0].name: expected a string, got a number") {
            try channel.required("name", at: "channels[0]").string(at: "channels[0].name")
        }
        assertError(.parse, "channels[0]: missing required key \"samples\"") {
            try channel.required("samples", at: "channels[0]")
        }
        assertError(.parse, "channels[0].extra: unknown key \"extra\"") {
            try channel.members(at: "channels[0]", allowed: ["name", "data"])
        }
        assertError(.parse, "channels[0].data[1]: expected a number, got a string") {
            try channel.required("data", at: "channels[0]").numbers(at: "channels[0].data")
        }
        assertError(.parse, "the document: expected an array, got an object") { try document.items(at: "") }
        assertError(.parse, "x: expected a non-empty array") { try JSON.array([]).items(at: "x", nonEmpty: true) }
        assertError(.parse, "x: expected a non-empty array of numbers") { try JSON.array([]).numbers(at: "x") }
        assertError(.parse, "x: expected a boolean, got null") { try JSON.null.bool(at: "x") }
    }

    func testValueErrorsAreModelErrorsWithTheirPath() throws {
        let document = try JSON.parse(#"{"data": [1, 1e999], "hi": -1e999}"#)
        assertError(.model, "data[1]: non-finite number inf") {
            try document.required("data", at: "").numbers(at: "data")
        }
        assertError(.model, "hi: non-finite number -inf") { try document.required("hi", at: "").number(at: "hi") }
        assertError(.model, "data: expected 3 numbers, got 2 (one per bin)") {
            try JSON.parse("[1, 2]").numbers(at: "data", count: 3, countReason: " (one per bin)")
        }
    }
}
