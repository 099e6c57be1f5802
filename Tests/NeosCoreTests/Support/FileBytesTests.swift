import Foundation
import XCTest

@testable import NeosCore

final class FileBytesTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("neos-filebytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Every byte value, NUL included, and a file larger than the 64 KiB read chunk survive a round trip.
    func testBytesRoundTrip() throws {
        let path = directory.appendingPathComponent("bytes").path
        var bytes = (0..<256).map(UInt8.init)
        var generator = SplitMix64(seed: 3)
        for _ in 0..<200_000 { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
        try FileBytes.write(bytes, to: path)
        XCTAssertEqual(try FileBytes.read(path), bytes)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(bytes), "what Foundation reads too")
        try FileBytes.write([], to: path)
        XCTAssertEqual(try FileBytes.read(path), [], "writing truncates")
    }

    /// Text is written as UTF-8 without a byte-order mark; ill-formed UTF-8 reads back as U+FFFD.
    func testText() throws {
        let path = directory.appendingPathComponent("text").path
        try FileBytes.writeText("μ = 1\n", to: path)
        XCTAssertEqual(try FileBytes.read(path), [0xCE, 0xBC, 0x20, 0x3D, 0x20, 0x31, 0x0A])
        XCTAssertEqual(try FileBytes.readText(path), "μ = 1\n")
        try FileBytes.write([0x61, 0xFF, 0x62], to: path)
        XCTAssertEqual(try FileBytes.readText(path), "a\u{FFFD}b")
    }

    /// A missing file or folder is an `.invalidArgument` error naming the path and the system's reason.
    func testMissingFiles() {
        let missing = directory.appendingPathComponent("absent/file").path
        XCTAssertThrowsError(try FileBytes.read(missing)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains(missing) && "\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertThrowsError(try FileBytes.write([1], to: missing)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("for writing"), "\(error)")
        }
    }

    /// A read is bounded: a regular file larger than the limit is refused by its size, a device that never ends
    /// once the limit has been read.
    func testReadsAreBounded() throws {
        let path = directory.appendingPathComponent("limited").path
        try FileBytes.write(Array(repeating: 7, count: 100), to: path)
        XCTAssertEqual(try FileBytes.read(path, limit: 100).count, 100)
        XCTAssertThrowsError(try FileBytes.read(path, limit: 99)) { error in
            XCTAssertTrue("\(error)".contains("has 100 bytes"), "\(error)")
        }
        XCTAssertThrowsError(try FileBytes.read("/dev/zero", limit: 1 << 16)) { error in
            XCTAssertTrue("\(error)".contains("more than the 65536 bytes"), "\(error)")
        }
        XCTAssertThrowsError(try FileBytes.readText("/dev/zero", limit: 10))
    }
}
