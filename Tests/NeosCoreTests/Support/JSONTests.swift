import XCTest

@testable import NeosCore

final class JSONTests: XCTestCase {
    func testParsesAllValueKinds() throws {
        let value = try JSON.parse(
            #" {"a": [1, -2.5e3, 0, -0, 1E-2, 123456789012345678], "b": {"c": null, "d": true, "e": false}, "s": "x\"\\\/\n\u00e9\ud83d\ude00"} "#
        )
        XCTAssertEqual(
            value["a"],
            .array([
                .number(1), .number(-2500), .number(0), .number(-0.0), .number(0.01), .number(123_456_789_012_345_678),
            ]))
        XCTAssertEqual(value["b"]?["c"], .null)
        XCTAssertEqual(value["b"]?["d"], .bool(true))
        XCTAssertEqual(value["s"], .string("x\"\\/\né😀"))
        XCTAssertNil(value["missing"])
    }

    func testNumbersAreCorrectlyRounded() throws {
        for text in [
            "0.1", "2.2250738585072014e-308", "1.7976931348623157e308", "0.30000000000000004", "5e-324",
            "1.0000000000000002",
        ] {
            XCTAssertEqual(try JSON.parse(text), .number(Double(text)!), text)
        }
        XCTAssertEqual(try JSON.parse("1e999"), .number(.infinity))
    }

    func testSerializationRoundTrips() throws {
        let text = #"{"a":[1.0,0.1,-3.5e-07,1e+300],"k\"ey":"v\u0001\t","n":null,"o":{}}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(try JSON.parse(value.serialized()), value)
    }

    func testRejectsInvalidJSON() {
        for text in [
            "[1,]", "{\"a\" 1}", "01", "1.", "-", "[1 2]", "{\"a\":1,}", "tru", "\"\\x\"", "[\"\u{01}\"]", "{1: 2}",
        ] {
            XCTAssertThrowsError(try JSON.parse(text), text) { XCTAssertEqual(($0 as? NeosError)?.kind, .parse, text) }
        }
    }
}
