import XCTest

@testable import NeosCore

final class ParameterFileTests: XCTestCase {
    func testRoundTripIsExact() throws {
        let network = try MultilayerPerceptron(sizes: [2, 5, 1], activations: [.tanh, .sigmoid])
        let file = try ParameterFile(
            network: network, parameters: network.initialParameters(seed: 9), binEdges: [0, 0.3, 1])
        let path = "/tmp/neos-parameterfile-\(getpid()).neos"
        try file.write(to: path)
        defer { unlink(path) }
        XCTAssertEqual(try ParameterFile.read(from: path), file)
        // The documented layout: a JSON header line, then little-endian float64 values.
        let bytes = file.encoded()
        let newline = bytes.firstIndex(of: 10)!
        XCTAssertTrue(
            String(decoding: bytes[0..<newline], as: UTF8.self).hasPrefix("{\"format\":\"neos-swift-parameters\""))
        XCTAssertEqual(bytes.count - newline - 1, 8 * network.parameterCount)
    }

    func testCorruptFilesAreRefused() throws {
        let network = try MultilayerPerceptron(sizes: [2, 1], activations: [.sigmoid])
        let good = try ParameterFile(network: network, parameters: [0.1, 0.2, 0.3]).encoded()
        XCTAssertThrowsError(try ParameterFile(encoded: Array(good.dropLast()))) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .parse)
        }
        XCTAssertThrowsError(try ParameterFile(encoded: Array("no header".utf8)))
        var wrongFormat = good
        wrongFormat[12] = UInt8(ascii: "X")
        XCTAssertThrowsError(try ParameterFile(encoded: wrongFormat))
    }

    /// A bounded read stops at its bound: an endless file (/dev/zero) or a file longer than the caller expects is
    /// refused after that many bytes, and a file within the bound reads as before.
    func testBoundedReadRefusesEndlessAndOverlongFiles() throws {
        XCTAssertThrowsError(try ParameterFile.read(from: "/dev/zero", maximumBytes: 1 << 20)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("/dev/zero") && "\(error)".contains("1048576 bytes"), "\(error)")
        }
        let network = try MultilayerPerceptron(sizes: [2, 1], activations: [.sigmoid])
        let file = try ParameterFile(network: network, parameters: [0.1, 0.2, 0.3])
        let path = "/tmp/neos-parameterfile-bounded-\(getpid()).neos"
        try file.write(to: path)
        defer { unlink(path) }
        let size = file.encoded().count
        XCTAssertEqual(try ParameterFile.read(from: path, maximumBytes: size), file)
        XCTAssertThrowsError(try ParameterFile.read(from: path, maximumBytes: size - 1))
    }
}
