#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Saved network parameters: a network's shape, its flat parameters and (for neos) the trainable bin edges.
///
/// File format ("neos-swift parameters", version 1), chosen so any language can read it without a library:
///
///     line 1: a JSON object, UTF-8, ended by "\n":
///             {"format": "neos-swift-parameters", "version": 1, "sizes": [2, 1024, 1024, 1],
///              "activations": ["relu", "relu", "sigmoid"], "parameter_count": P, "bin_edges": [...]}   (bin_edges optional)
///     then:   P IEEE-754 float64 values, little-endian, in ``MultilayerPerceptron``'s flat order
///             (W_1 fan_in × fan_out row-major, b_1, W_2, b_2, ...). Nothing follows them.
///
/// numpy reads it with `np.fromfile(f, "<f8", offset=len(first_line))`.
public struct ParameterFile: Sendable, Equatable {
    /// The network's shape: its sizes and activations.
    public var network: MultilayerPerceptron
    /// The flat parameters in ``MultilayerPerceptron``'s order, `network.parameterCount` values.
    public var parameters: [Double]
    /// Bin edges saved with the network (neos's trainable edges); empty, and left out of the header, if none.
    public var binEdges: [Double]

    /// A file's contents.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when `parameters` does not hold `network.parameterCount`
    ///   values.
    public init(network: MultilayerPerceptron, parameters: [Double], binEdges: [Double] = []) throws {
        try Validate.length(parameters.count, equals: network.parameterCount, "network parameters")
        self.network = network
        self.parameters = parameters
        self.binEdges = binEdges
    }

    static let format = "neos-swift-parameters"

    /// The header line (without its newline).
    func header() -> String {
        var members: [JSON.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "version", value: .number(1)),
            .init(key: "sizes", value: .array(network.sizes.map { .number(Double($0)) })),
            .init(key: "activations", value: .array(network.activations.map { .string($0.rawValue) })),
            .init(key: "parameter_count", value: .number(Double(parameters.count))),
        ]
        if !binEdges.isEmpty { members.append(.init(key: "bin_edges", value: .array(binEdges.map { .number($0) }))) }
        return JSON.object(members).serialized()
    }

    /// The whole file as bytes.
    public func encoded() -> [UInt8] {
        var bytes = Array((header() + "\n").utf8)
        bytes.reserveCapacity(bytes.count + 8 * parameters.count)
        for value in parameters {
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The longest header line read (a header holds the sizes, activations and bin edges: 64 MiB is millions of
    /// edges); a file without a newline in its first 64 MiB is no parameter file, and is not read further.
    static let headerLimit = 64 << 20

    /// Parses a file's bytes; every inconsistency (format, version, shape, length) is a `.parse` error.
    public init(encoded bytes: [UInt8]) throws {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw NeosError(.parse, "parameter file: no header line")
        }
        let (network, edges) = try Self.header(bytes[0..<newline])
        try self.init(network: network, binEdges: edges, body: bytes[(newline + 1)...])
    }

    /// The network and bin edges a header line describes; sizes whose parameters could not fit in this machine's
    /// memory are refused before the network is made (its parameter count would overflow, or be allocated).
    static func header(_ line: ArraySlice<UInt8>) throws -> (network: MultilayerPerceptron, edges: [Double]) {
        let header = try JSON.parse(String(decoding: line, as: UTF8.self))
        _ = try header.members(
            at: "", allowed: ["format", "version", "sizes", "activations", "parameter_count", "bin_edges"])
        guard try header.required("format", at: "").string(at: "format") == Self.format else {
            throw NeosError(.parse, "parameter file: format is not \"\(Self.format)\"")
        }
        guard try header.required("version", at: "").number(at: "version") == 1 else {
            throw NeosError(.parse, "parameter file: only version 1 is understood")
        }
        let sizes = try header.required("sizes", at: "").numbers(at: "sizes").map { value -> Int in
            guard value == value.rounded(), value >= 1, value < 1e9 else {
                throw NeosError(.parse, "parameter file: sizes must be positive integers, got \(value)")
            }
            return Int(value)
        }
        // The body's bytes and the parameters decoded from them: 16 bytes per parameter while the file is read.
        let parameterBytes = 16 * zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + Double($1.0 + 1) * Double($1.1) }
        do {
            try MemoryBudget.require(parameterBytes, for: "the parameters of sizes \(sizes)")
        } catch let error as NeosError {
            throw NeosError(.parse, "parameter file: \(error.message)")
        }
        let activations = try header.required("activations", at: "").items(at: "activations").enumerated().map {
            index, item -> Activation in
            let name = try item.string(at: "activations[\(index)]")
            guard let activation = Activation(rawValue: name) else {
                throw NeosError(.parse, "parameter file: activations[\(index)]: unknown activation \"\(name)\"")
            }
            return activation
        }
        let network: MultilayerPerceptron
        do {
            network = try MultilayerPerceptron(sizes: sizes, activations: activations)
        } catch let error as NeosError {
            throw NeosError(.parse, "parameter file: \(error.message)")
        }
        let count = try header.required("parameter_count", at: "").number(at: "parameter_count")
        guard count == Double(network.parameterCount) else {
            throw NeosError(
                .parse,
                "parameter file: parameter_count \(count) does not match the network (\(network.parameterCount))")
        }
        let edges = try header["bin_edges"].map { try $0.numbers(at: "bin_edges") } ?? []
        return (network, edges)
    }

    /// A file's contents from its parsed header and the bytes after the header line.
    init(network: MultilayerPerceptron, binEdges: [Double], body: ArraySlice<UInt8>) throws {
        guard body.count == 8 * network.parameterCount else {
            throw NeosError(
                .parse,
                "parameter file: expected \(8 * network.parameterCount) bytes of parameters, found \(body.count)")
        }
        let start = body.startIndex
        var parameters = [Double](repeating: 0, count: network.parameterCount)
        for i in 0..<parameters.count {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(body[start + 8 * i + b]) << (8 * b) }
            parameters[i] = Double(bitPattern: bits)
        }
        try parameters.withUnsafeBufferPointer { try Validate.finite($0, "parameter file values") }
        try self.init(network: network, parameters: parameters, binEdges: binEdges)
    }

    /// Writes ``encoded()`` to `path`.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be written.
    public func write(to path: String) throws { try FileBytes.write(encoded(), to: path) }

    /// Reads the file at `path`: its header line (at most 64 MiB), then exactly the parameters the header's
    /// network has, so a file that never ends (/dev/zero) or claims a network no memory holds is refused without
    /// being read to the end.
    ///
    /// - Throws: `.invalidArgument` when it cannot be read, `.parse` when its contents are not a valid parameter
    ///   file (see ``init(encoded:)``); every message names the path.
    ///
    /// `expecting`: the network the caller will load the file into; a file of another network is refused
    /// (`.invalidArgument`, as ``Trainer/load(_:)`` refuses it) after its header, before its parameters are read.
    public static func read(from path: String, expecting expected: MultilayerPerceptron? = nil) throws
        -> ParameterFile
    {
        do {
            return try FileBytes.withReader(path) { reader in
                guard let line = try reader.line(limit: headerLimit) else {
                    throw NeosError(.parse, "parameter file: no header line in the first \(headerLimit) bytes")
                }
                let (network, edges) = try header(line[...])
                if let expected, !network.hasSameLayers(as: expected) {
                    throw NeosError.invalidArgument(
                        "the saved network \(network.sizes) differs from the expected \(expected.sizes)")
                }
                let body = try reader.bytes(upTo: 8 * network.parameterCount)
                guard reader.atEnd else {
                    throw NeosError(
                        .parse, "parameter file: more than the \(8 * network.parameterCount) bytes of parameters")
                }
                return try ParameterFile(network: network, binEdges: edges, body: body[...])
            }
        } catch let error as NeosError where !error.message.contains(path) {
            throw NeosError(error.kind, "\(path): \(error.message)")
        }
    }
}
