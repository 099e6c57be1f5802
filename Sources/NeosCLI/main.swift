#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeosCore

/// The native `neos` command. `neos train` runs neos's demo configuration (or a JSON config) to completion and
/// writes metrics.json, the best parameters and the data behind the plots into the output directory.
let usage = """
    usage: neos train [--steps N] [--loss NAME] [--out DIR] [--config FILE.json] [--quiet]
           neos version

    train   trains the neos network on the built-in Gaussian blobs (defaults: neos's demo, 60 steps, cls)
            and writes DIR/metrics.json, DIR/parameters.neos (best step) and DIR/plot_data.json
            (render the plots with: python -m neos_swift.plots DIR)
    """

func fail(_ message: String) -> Never {
    let bytes = Array("neos: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func readText(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else { throw NeosError(.invalidArgument, "cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n == 0 { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func writeText(_ text: String, to path: String) throws {
    guard let file = fopen(path, "wb") else { throw NeosError(.invalidArgument, "cannot write \(path)") }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw NeosError(.invalidArgument, "writing \(path) failed") }
}

func format(_ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.4g", $0) }
    return String(cString: buffer)
}

func train(_ arguments: ArraySlice<String>) throws {
    var steps = 60, out = "neos-output", quiet = false
    var loss: String? = nil, configPath: String? = nil
    var it = arguments.makeIterator()
    while let argument = it.next() {
        func value() -> String {
            guard let v = it.next() else { fail("\(argument) needs a value\n\(usage)") }
            return v
        }
        switch argument {
        case "--steps": guard let n = Int(value()), n >= 0 else { fail("--steps needs a non-negative integer") }; steps = n
        case "--loss": loss = value()
        case "--out": out = value()
        case "--config": configPath = value()
        case "--quiet": quiet = true
        case "-h", "--help": print(usage); return
        default: fail("unknown argument \(argument)\n\(usage)")
        }
    }
    var root = try configPath.map { try JSON.parse(readText($0)) } ?? JSON.object([])
    if let loss, case .object(var members) = root {
        members.removeAll { $0.key == "loss" }
        members.append(.init(key: "loss", value: .string(loss)))
        root = .object(members)
    }
    let configuration = try TrainerConfiguration(json: root)
    let trainer = try Trainer(configuration: configuration)
    mkdir(out, 0o755)
    let before = try trainer.histograms()
    let edgesBefore = trainer.edges
    if !quiet {
        print("neos train: \(configuration.objective.name), \(steps) steps, network \(trainer.pipeline.network.sizes), batch \(configuration.batchSize)")
        print(" step        loss         cls   discovery  poi_uncert   seconds")
    }
    try trainer.run(steps: steps) { r in
        if !quiet {
            print(
                "\(String(repeating: " ", count: max(0, 5 - String(r.step).count)))\(r.step)  \(format(r.loss).padding(10))  \(format(r.test["cls"]!).padding(10))  \(format(r.test["discovery"]!).padding(10))  \(format(r.test["poi_uncert"]!).padding(10))  \(format(r.seconds).padding(8))"
            )
        }
    }
    try writeText(trainer.metricsJSON(), to: out + "/metrics.json")
    let after = try trainer.histograms()
    let edgesAfter = trainer.edges
    if trainer.best != nil { try trainer.restoreBest() }
    try trainer.parameterFile().write(to: out + "/parameters.neos")
    func yields(_ y: [String: [Double]]) -> JSON {
        .object(y.keys.sorted().map { JSON.Member(key: $0, value: .array(y[$0]!.map { .number($0) })) })
    }
    let plotData = JSON.object([
        .init(key: "before", value: yields(before)),
        .init(key: "after", value: yields(after)),
        .init(key: "edges_before", value: .array(edgesBefore.map { .number($0) })),
        .init(key: "edges_after", value: .array(edgesAfter.map { .number($0) })),
    ])
    try writeText(plotData.serialized(), to: out + "/plot_data.json")
    if !quiet, let best = trainer.best {
        print("best step \(best.step): cls \(format(best.test["cls"]!)), discovery \(format(best.test["discovery"]!)), poi_uncert \(format(best.test["poi_uncert"]!))")
        print("wrote \(out)/metrics.json, \(out)/parameters.neos, \(out)/plot_data.json")
    }
}

extension String {
    func padding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "train": try train(arguments.dropFirst())
    case "version": print("neos-swift (native CLI)")
    case "-h", "--help", nil: print(usage)
    default: fail("unknown command \(arguments.first!)\n\(usage)")
    }
} catch let error as NeosError {
    fail(error.message)
}
