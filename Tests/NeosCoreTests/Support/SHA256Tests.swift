import XCTest

@testable import NeosCore

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4's examples and longer messages (one padding block of its own, a million bytes), against
    /// Python's hashlib.sha256.
    func testDigestsMatchTheStandardsExamples() {
        let cases: [([UInt8], String)] = [
            ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
            ),
            (
                Array((0..<3).flatMap { _ in (0...255).map { UInt8($0) } }),
                "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363"
            ),
        ]
        for (message, digest) in cases { XCTAssertEqual(SHA256.hexDigest(message), digest, "\(message.count) bytes") }
    }

    /// pyhf's digest of {"a": 2.0, "b": 3.0, "c": 1.0} (its documented example): the hash of the JSON text
    /// json.dumps(sort_keys=True, ensure_ascii=False) writes, with the floats kept floats.
    func testPyhfsDocumentedDigest() throws {
        let text = #"{"c": 1.0, "b": 3.0, "a": 2.0}"#
        let canonical = PythonJSONLayout.dumps(
            try JSON.parse(text), indent: nil, numbers: .asInSources(try .init(sources: [text])), asciiOnly: false)
        XCTAssertEqual(canonical, #"{"a": 2.0, "b": 3.0, "c": 1.0}"#)
        XCTAssertEqual(
            SHA256.hexDigest(Array(canonical.utf8)), "a38f6093800189b79bc22ef677baf90c75705af2cfc7ff594159eca54eaa7928")
    }
}
