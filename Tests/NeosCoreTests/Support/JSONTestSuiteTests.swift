import Foundation
import XCTest

@testable import NeosCore

/// Runs every case of `Tests/Data/json` (see its README) through ``JSON/parse(_:)``: `y_` files must parse,
/// `n_` files must fail with a `.parse` error whose line, column and byte offset agree with each other, and each
/// `i_` file must give the outcome this file records for it (the choices documented on ``JSON``).
///
/// Files are read with ``FileBytes/readText(_:)``, the library's own way of turning a file into text.
final class JSONTestSuiteTests: XCTestCase {
    static let folder = TestData.testsRoot.appendingPathComponent("Data/json")

    /// The case files of one prefix, sorted by name.
    func cases(_ prefix: String) throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
        return try names.map { ($0, try FileBytes.readText(Self.folder.appendingPathComponent($0).path)) }
    }

    /// The position named by a parse error's message ("... at line L, column C (byte B): ...").
    func position(in message: String) -> (line: Int, column: Int, byte: Int)? {
        guard let start = message.range(of: "at line ") else { return nil }
        let rest = message[start.upperBound...]
        let scanner = Scanner(string: String(rest))
        var line = 0
        var column = 0
        var byte = 0
        guard scanner.scanInt(&line), scanner.scanString(", column ") != nil, scanner.scanInt(&column),
            scanner.scanString("(byte ") != nil, scanner.scanInt(&byte), scanner.scanString(")") != nil
        else { return nil }
        return (line, column, byte)
    }

    /// Parses `text`, expecting a parse error, and returns its position after checking that the line and
    /// column are those of the byte offset (lines count line feeds, columns count Unicode scalars from 1).
    func rejection(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> (
        line: Int, column: Int
    )? {
        do {
            let value = try JSON.parse(text)
            XCTFail("\(name) parsed to \(value.serialized()), expected a parse error", file: file, line: line)
            return nil
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, .parse, name, file: file, line: line)
            guard let position = position(in: error.message) else {
                XCTFail("\(name): no position in \"\(error.message)\"", file: file, line: line)
                return nil
            }
            let bytes = Array(text.utf8)
            XCTAssertLessThanOrEqual(position.byte, bytes.count, name, file: file, line: line)
            let offset = min(position.byte, bytes.count)
            if offset < bytes.count {
                XCTAssertNotEqual(
                    bytes[offset] & 0xC0, 0x80, "\(name): offset inside a character", file: file, line: line)
            }
            let before = String(decoding: bytes[0..<offset], as: UTF8.self)
            let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(position.line, lines.count, "\(name): line of byte \(offset)", file: file, line: line)
            XCTAssertEqual(
                position.column, lines.last!.unicodeScalars.count + 1, "\(name): column of byte \(offset)",
                file: file, line: line)
            return (position.line, position.column)
        } catch {
            XCTFail("\(name): unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    /// Equality that also tells −0 from +0 (`Double`'s `==` does not).
    func identical(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
        default: return a == b
        }
    }

    func depth(_ value: JSON) -> Int {
        switch value {
        case .array(let items): return 1 + (items.map(depth).max() ?? 0)
        case .object(let members): return 1 + (members.map { depth($0.value) }.max() ?? 0)
        default: return 0
        }
    }

    func hasOnlyFiniteNumbers(_ value: JSON) -> Bool {
        switch value {
        case .number(let x): return x.isFinite
        case .array(let items): return items.allSatisfy(hasOnlyFiniteNumbers)
        case .object(let members): return members.allSatisfy { hasOnlyFiniteNumbers($0.value) }
        default: return true
        }
    }

    /// The values of the `y_` cases whose result is worth pinning beyond "it parses".
    static let expectedValues: [String: JSON] = [
        "y_literal_true.json": .bool(true),
        "y_literal_false.json": .bool(false),
        "y_literal_null.json": .null,
        "y_number_negative_zero.json": .number(-0.0),
        "y_number_negative_zero_fraction.json": .number(-0.0),
        "y_number_exponent_leading_zeros.json": .number(1e7),
        "y_number_exponent_minus.json": .number(0.5),
        "y_number_fraction_exponent.json": .number(-0.0015),
        "y_number_15_digits.json": .number(999_999_999_999_999),
        "y_number_16_digits.json": .number(1_234_567_890_123_456),
        "y_number_largest_double.json": .number(.greatestFiniteMagnitude),
        "y_number_smallest_subnormal.json": .number(.leastNonzeroMagnitude),
        "y_number_smallest_normal.json": .number(.leastNormalMagnitude),
        "y_number_long_fraction.json": .number(0.1),
        "y_string_simple_escapes.json": .string("\" \\ / \u{8} \u{C} \n \r \t"),
        "y_string_unicode_escape_bmp.json": .string("é中"),
        "y_string_surrogate_pair.json": .string("\u{1F600}"),
        "y_string_surrogate_pair_uppercase.json": .string("\u{1D11E}"),
        "y_string_escaped_nul.json": .string("a\u{0}b"),
        "y_string_raw_del.json": .string("a\u{7F}b"),
        "y_string_raw_line_separator.json": .string("a\u{2028}b"),
        "y_string_escape_then_raw_utf8.json": .string("\nμ"),
        "y_array_mixed.json": .array([.number(1), .string("a"), .null, .bool(true), .object([]), .array([])]),
        "y_object_member_order.json": .object([
            .init(key: "z", value: .number(1)), .init(key: "a", value: .number(2)), .init(key: "m", value: .number(3)),
        ]),
        "y_object_empty_key.json": .object([.init(key: "", value: .number(0))]),
        "y_object_escaped_key.json": .object([.init(key: "A\n", value: .number(1))]),
        "y_whitespace_crlf_lines.json": .object([.init(key: "a", value: .array([.number(1), .number(2)]))]),
    ]

    func testAcceptedCasesParse() throws {
        let cases = try cases("y_")
        XCTAssertGreaterThanOrEqual(cases.count, 50, "the y_ cases are missing from \(Self.folder.path)")
        for (name, text) in cases {
            let value: JSON
            do {
                value = try JSON.parse(text)
            } catch {
                XCTFail("\(name) must parse: \(error)")
                continue
            }
            if let expected = Self.expectedValues[name] {
                XCTAssertTrue(identical(value, expected), "\(name): \(value) != \(expected)")
            }
            // Writing and re-reading keeps every value, member order and the sign of zero.
            if hasOnlyFiniteNumbers(value) {
                let again = try JSON.parse(value.serialized())
                XCTAssertTrue(identical(again, value), "\(name) does not survive serialized(): \(value.serialized())")
            }
        }
        for name in Self.expectedValues.keys { XCTAssertTrue(cases.contains { $0.name == name }, "missing \(name)") }
    }

    func testNestingLimitIsExactly512() throws {
        let text = try FileBytes.readText(Self.folder.appendingPathComponent("y_nesting_512_arrays.json").path)
        XCTAssertEqual(depth(try JSON.parse(text)), 512)
        let mixed = try FileBytes.readText(Self.folder.appendingPathComponent("y_nesting_512_mixed.json").path)
        XCTAssertEqual(depth(try JSON.parse(mixed)), 512)
    }

    func testRejectedCasesFailWithTheirPosition() throws {
        let cases = try cases("n_")
        XCTAssertGreaterThanOrEqual(cases.count, 60, "the n_ cases are missing from \(Self.folder.path)")
        for (name, text) in cases { _ = rejection(text, name) }
    }

    /// Where the error of some `n_` cases must point: the offending character, or the start of the token or
    /// string that cannot be completed, or the end of the text.
    func testErrorPositions() throws {
        let expected: [String: (line: Int, column: Int)] = [
            "n_empty.json": (1, 1),
            "n_only_whitespace.json": (2, 2),
            "n_array_trailing_comma.json": (1, 4),
            "n_object_missing_colon.json": (1, 6),
            "n_object_unclosed.json": (1, 8),
            "n_string_unterminated.json": (1, 1),
            "n_string_invalid_escape.json": (1, 2),
            "n_string_unicode_escape_bad_hex.json": (1, 6),
            "n_string_raw_newline.json": (1, 3),
            "n_string_raw_control_after_utf8.json": (1, 9),
            "n_number_leading_zero.json": (1, 1),
            "n_number_nan.json": (1, 1),
            "n_structure_trailing_garbage.json": (1, 5),
            "n_structure_error_on_line_3.json": (3, 8),
            "n_whitespace_no_break_space.json": (1, 2),
        ]
        let cases = Dictionary(uniqueKeysWithValues: try cases("n_").map { ($0.name, $0.text) })
        for (name, position) in expected {
            guard let text = cases[name] else {
                XCTFail("missing \(name)")
                continue
            }
            guard let found = rejection(text, name) else { continue }
            XCTAssertEqual(found.line, position.line, "\(name): line")
            XCTAssertEqual(found.column, position.column, "\(name): column")
        }
    }

    /// What an `i_` case does here: parse to a value, or fail at a position.
    enum Outcome {
        case accepts(JSON)
        case rejects(line: Int, column: Int)
    }

    /// Our choice for every `i_` case (the reasons are in ``JSON``'s documentation).
    static let choices: [String: Outcome] = [
        // Beyond the Double range: ±infinity, refused later by whoever reads the number.
        "i_number_huge_exponent.json": .accepts(.number(.infinity)),
        "i_number_negative_huge_exponent.json": .accepts(.number(-.infinity)),
        // Below the smallest subnormal: rounds to zero, keeping the sign.
        "i_number_tiny.json": .accepts(.number(0)),
        "i_number_negative_tiny.json": .accepts(.number(-0.0)),
        // Integers are Doubles: 2⁵³ + 1 rounds to even, a 301-digit integer to the nearest Double.
        "i_number_integer_beyond_2_pow_53.json": .accepts(.number(9_007_199_254_740_992)),
        "i_number_301_digit_integer.json": .accepts(.number(1e300)),
        // Both members kept in order; lookup takes the last (checked below).
        "i_object_duplicate_key.json": .accepts(
            .object([.init(key: "a", value: .number(1)), .init(key: "a", value: .number(2))])),
        "i_string_escaped_noncharacter.json": .accepts(.string("\u{FFFF}")),
        "i_string_raw_noncharacter.json": .accepts(.string("\u{FFFF}")),
        // Ill-formed UTF-8 becomes U+FFFD (one per maximal ill-formed subsequence) when the file becomes text.
        "i_string_invalid_utf8_byte.json": .accepts(.string("a\u{FFFD}b")),
        "i_string_overlong_utf8.json": .accepts(.string("\u{FFFD}\u{FFFD}")),
        "i_string_utf8_encoded_surrogate.json": .accepts(.string("\u{FFFD}\u{FFFD}\u{FFFD}")),
        "i_string_truncated_utf8.json": .accepts(.string("\u{FFFD}")),
        // Surrogate escapes must pair; the error points at the escape that cannot be paired.
        "i_string_lone_high_surrogate.json": .rejects(line: 1, column: 2),
        "i_string_lone_low_surrogate.json": .rejects(line: 1, column: 2),
        "i_string_high_surrogate_then_char.json": .rejects(line: 1, column: 2),
        "i_string_high_surrogate_then_escape.json": .rejects(line: 1, column: 2),
        "i_string_two_high_surrogates.json": .rejects(line: 1, column: 2),
        "i_string_reversed_surrogate_pair.json": .rejects(line: 1, column: 2),
        // The 513th opening bracket or brace is refused.
        "i_nesting_513_arrays.json": .rejects(line: 1, column: 513),
        "i_nesting_513_objects.json": .rejects(line: 1, column: 5 * 512 + 1),
        // A byte-order mark is not whitespace.
        "i_structure_utf8_bom.json": .rejects(line: 1, column: 1),
        "i_structure_utf16le_bom.json": .rejects(line: 1, column: 1),
    ]

    func testImplementationDefinedCasesFollowOurChoices() throws {
        let cases = try cases("i_")
        XCTAssertGreaterThanOrEqual(cases.count, 20, "the i_ cases are missing from \(Self.folder.path)")
        XCTAssertEqual(Set(cases.map(\.name)), Set(Self.choices.keys), "every i_ case needs a recorded choice")
        for (name, text) in cases {
            switch Self.choices[name] {
            case .accepts(let expected):
                do {
                    let value = try JSON.parse(text)
                    XCTAssertTrue(identical(value, expected), "\(name): \(value) != \(expected)")
                } catch {
                    XCTFail("\(name) must parse: \(error)")
                }
            case .rejects(let line, let column):
                guard let found = rejection(text, name) else { continue }
                XCTAssertEqual(found.line, line, "\(name): line")
                XCTAssertEqual(found.column, column, "\(name): column")
            case nil: break
            }
        }
        let duplicate = try FileBytes.readText(Self.folder.appendingPathComponent("i_object_duplicate_key.json").path)
        XCTAssertEqual(try JSON.parse(duplicate)["a"], .number(2))
    }

    /// Huge literals parse to ±infinity, and the typed readers refuse them with the JSON path.
    func testOverflowingNumbersAreRefusedWhenRead() throws {
        let value = try JSON.parse(#"{"data": [1, 1e999]}"#)
        XCTAssertThrowsError(try value.required("data", at: "").numbers(at: "data")) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .model)
            XCTAssertTrue((error as? NeosError)?.message.hasPrefix("data[1]:") ?? false, "\(error)")
        }
    }
}
