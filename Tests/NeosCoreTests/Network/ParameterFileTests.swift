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

    /// A file that never ends is refused after its bounded header search, not read until memory runs out; the
    /// message names the file.
    func testAFileWithoutEndIsRefused() throws {
        XCTAssertThrowsError(try ParameterFile.read(from: "/dev/zero")) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .parse)
            XCTAssertTrue("\(error)".contains("/dev/zero") && "\(error)".contains("no header line"), "\(error)")
        }
    }

    /// A header whose sizes no memory holds is refused before the network is made (its parameter count would
    /// overflow); bytes after the parameters are refused too.
    func testHeadersBeyondMemoryAndTrailingBytesAreRefused() throws {
        let sizes = Array(repeating: "900000000", count: 12).joined(separator: ", ")
        let activations = Array(repeating: #""relu""#, count: 11).joined(separator: ", ")
        let header =
            #"{"format": "neos-swift-parameters", "version": 1, "sizes": [\#(sizes)], "#
            + #""activations": [\#(activations)], "parameter_count": 1}"# + "\n"
        let path = "/tmp/neos-parameterfile-huge-\(getpid()).neos"
        defer { unlink(path) }
        try FileBytes.write(Array(header.utf8), to: path)
        XCTAssertThrowsError(try ParameterFile.read(from: path)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .parse)
            XCTAssertTrue("\(error)".contains("sizes") && "\(error)".contains("would need"), "\(error)")
        }
        let network = try MultilayerPerceptron(sizes: [2, 1], activations: [.sigmoid])
        let good = try ParameterFile(network: network, parameters: [0.1, 0.2, 0.3])
        try FileBytes.write(good.encoded() + [0], to: path)
        XCTAssertThrowsError(try ParameterFile.read(from: path)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .parse)
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
        try FileBytes.write(good.encoded(), to: path)
        XCTAssertEqual(try ParameterFile.read(from: path), good)
        XCTAssertEqual(try ParameterFile.read(from: path, expecting: network), good)
        let other = try MultilayerPerceptron(sizes: [2, 3, 1], activations: [.relu, .sigmoid])
        XCTAssertThrowsError(try ParameterFile.read(from: path, expecting: other)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("[2, 1]") && "\(error)".contains(path), "\(error)")
        }
    }
}
