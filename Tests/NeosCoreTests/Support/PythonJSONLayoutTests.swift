import XCTest

@testable import NeosCore

final class PythonJSONLayoutTests: XCTestCase {
    /// Python 3's `repr` of each double (checked with CPython 3.11), on both sides of the positional range.
    func testFloatsAreWrittenAsPythonsRepr() {
        let cases: [(Double, String)] = [
            (0, "0.0"), (-0.0, "-0.0"), (1, "1.0"), (0.1, "0.1"), (1e-4, "0.0001"), (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"), (123.456, "123.456"), (1e15, "1000000000000000.0"), (1e16, "1e+16"),
            (123_456_789_012_345_678, "1.2345678901234568e+17"), (9_999_999_999_999_998, "9999999999999998.0"),
            (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
            (2.5e-5, "2.5e-05"), (-3e20, "-3e+20"), (0.1 + 0.2, "0.30000000000000004"), (.nan, "NaN"),
            (.infinity, "Infinity"), (-.infinity, "-Infinity"),
        ]
        for (value, python) in cases { XCTAssertEqual(PythonJSONLayout.floatRepr(value), python, "\(value)") }
    }

    /// Every repr reads back as the same double and is laid out by Python's rule: positional exactly when the
    /// leading digit's decimal exponent is in −4 ..< 16, and a positional float always has a decimal point.
    func testReprRoundTripsAndFollowsTheLayoutRuleOnRandomDoubles() {
        var generator = SplitMix64(seed: 20_261_203)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let text = PythonJSONLayout.floatRepr(value)
            XCTAssertEqual(Double(text), value, text)
            let exponent = value == 0 ? 0 : Int(log10(value.magnitude).rounded(.down))
            let scientific = text.contains("e")
            if abs(exponent - (-5)) > 1 && abs(exponent - 16) > 1 {  // away from a rounding edge of log10
                XCTAssertEqual(scientific, exponent < -4 || exponent >= 16, text)
            }
            if !scientific { XCTAssertTrue(text.contains("."), text) }
        }
    }

    /// `json.dumps(doc, indent=4, sort_keys=True)` and `json.dumps(doc, sort_keys=True)` of the same document, as
    /// CPython prints them: sorted keys, Python's separators, empty containers, ensure_ascii escapes.
    func testDocumentLayoutMatchesJSONDumps() throws {
        let document = try JSON.parse(
            #"{"b": [1, 2.5, {"z": null, "a": true}], "a": {}, "é": "tab\there \"q\" \\ \u007f 😀 \b\f\r\n\u0001", "c": []}"#
        )
        let indented = """
            {
                "a": {},
                "b": [
                    1,
                    2.5,
                    {
                        "a": true,
                        "z": null
                    }
                ],
                "c": [],
                "\\u00e9": "tab\\there \\"q\\" \\\\ \\u007f \\ud83d\\ude00 \\b\\f\\r\\n\\u0001"
            }
            """
        XCTAssertEqual(PythonJSONLayout.dumps(document, numbers: .integralAsIntegers), indented)
        XCTAssertEqual(
            PythonJSONLayout.dumps(document, indent: nil, numbers: .integralAsIntegers),
            #"{"a": {}, "b": [1, 2.5, {"a": true, "z": null}], "c": [], "\u00e9": "tab\there \"q\" \\ \u007f \ud83d\ude00 \b\f\r\n\u0001"}"#
        )
        XCTAssertEqual(PythonJSONLayout.dumps(.array([.number(1), .number(-0.0)]), indent: nil), "[1.0, -0.0]")
    }

    /// Of duplicate keys the last value is written, once, as `json.load` keeps it.
    func testDuplicateKeysKeepTheLastValue() throws {
        let document = try JSON.parse(#"{"k": 1, "j": 2, "k": 3}"#)
        XCTAssertEqual(
            PythonJSONLayout.dumps(document, indent: nil, numbers: .integralAsIntegers), #"{"j": 2, "k": 3}"#)
    }
}

final class PythonJSONNumberKindsTests: XCTestCase {
    /// An integral number is written as the sources had it at the same keys (`20.0` stays a float, `20` an int),
    /// and for keys the sources do not have, as they had the value anywhere; `ensure_ascii=False` writes é itself.
    func testIntegralNumbersKeepTheirSourcesKind() throws {
        let source = #"{"data": [20.0, 3, 2.5e1], "n": 7, "name": "é", "x": {"data": [3.0]}}"#
        let kinds = try PythonJSONLayout.NumberKinds(sources: [source])
        let result = try JSON.parse(#"{"data": [20, 3, 25], "n": 7, "other": [20, 7, 4], "name": "é"}"#)
        XCTAssertEqual(
            PythonJSONLayout.dumps(result, indent: nil, numbers: .asInSources(kinds), asciiOnly: false),
            #"{"data": [20.0, 3, 25.0], "n": 7, "name": "é", "other": [20.0, 7, 4]}"#)
        // 3 is an int under "data" and a float under "x.data": at "data" it stays an int
        XCTAssertEqual(PythonJSONLayout.numberTokensAreFloats(source), [true, false, true, false, true])
    }
}
