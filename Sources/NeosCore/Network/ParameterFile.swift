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

    /// Parses a file's bytes; every inconsistency (format, version, shape, length) is a `.parse` error.
    public init(encoded bytes: [UInt8]) throws {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw NeosError(.parse, "parameter file: no header line")
        }
        let header = try JSON.parse(String(decoding: bytes[0..<newline], as: UTF8.self))
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
        let body = bytes.count - newline - 1
        guard body == 8 * network.parameterCount else {
            throw NeosError(
                .parse, "parameter file: expected \(8 * network.parameterCount) bytes of parameters, found \(body)")
        }
        var parameters = [Double](repeating: 0, count: network.parameterCount)
        for i in 0..<parameters.count {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(bytes[newline + 1 + 8 * i + b]) << (8 * b) }
            parameters[i] = Double(bitPattern: bits)
        }
        try parameters.withUnsafeBufferPointer { try Validate.finite($0, "parameter file values") }
        try self.init(network: network, parameters: parameters, binEdges: edges)
    }

    /// Writes ``encoded()`` to `path`.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be written.
    public func write(to path: String) throws { try FileBytes.write(encoded(), to: path) }

    /// Reads the file at `path`.
    ///
    /// - Throws: `.invalidArgument` when it cannot be read, `.parse` when its contents are not a valid parameter
    ///   file (see ``init(encoded:)``).
    public static func read(from path: String) throws -> ParameterFile {
        try ParameterFile(encoded: FileBytes.read(path))
    }

    /// The longest header line accepted from a file read with a bound: the sizes, activations and bin edges of
    /// any network that fits in memory take far less.
    public static let maximumHeaderBytes = 16 << 20

    /// Reads the file at `path`, refusing it (`.invalidArgument`, nothing more read) when it is longer than
    /// `maximumBytes`: the caller knows how many parameters it expects, so an endless or huge file (`/dev/zero`)
    /// cannot exhaust memory.
    public static func read(from path: String, maximumBytes: Int) throws -> ParameterFile {
        try ParameterFile(encoded: FileBytes.read(path, maximumBytes: maximumBytes))
    }
}
