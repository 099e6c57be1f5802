import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The native `neos` command. `neos train` runs neos's demo configuration (or a JSON config) to completion and
/// writes metrics.json, the best parameters and the data behind the plots into the output directory.
let usage = """
    usage: neos train [--steps N] [--loss NAME] [--out DIR] [--config FILE.json] [--frame-every K]
                      [--no-plots] [--quiet]
           neos version

    train   trains the neos network on the built-in Gaussian blobs (defaults: neos's demo, 60 steps, cls)
            and writes DIR/metrics.json, DIR/parameters.neos (best step), DIR/plot_data.json and, through
            `$NEOS_PYTHON -m neos_swift.plots DIR` (default python3), the PNG plots and training.gif
    """

func fail(_ message: String) -> Never {
    let bytes = Array("neos: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func format(_ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.4g", $0) }
    return String(cString: buffer)
}

/// Runs `python -m neos_swift.plots DIR` ($NEOS_PYTHON, else python3) to draw the PNGs and the GIF.
func renderPlots(_ directory: String) -> Bool {
    let python = getenv("NEOS_PYTHON").map { String(cString: $0) } ?? "python3"
    let arguments = [python, "-m", "neos_swift.plots", directory]
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for p in cArguments { free(p) } }
    var pid: pid_t = 0
    fflush(nil)  // our buffered output first, then the renderer's
    guard posix_spawnp(&pid, python, nil, nil, &cArguments, environ) == 0 else { return false }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return status == 0
}

func train(_ arguments: ArraySlice<String>) throws {
    var steps = 60
    var out = "neos-output"
    var quiet = false
    var plots = true
    var frameEvery = 2
    var loss: String? = nil
    var configPath: String? = nil
    var it = arguments.makeIterator()
    while let argument = it.next() {
        func value() -> String {
            guard let v = it.next() else { fail("\(argument) needs a value\n\(usage)") }
            return v
        }
        switch argument {
        case "--steps":
            guard let n = Int(value()), n >= 0 else { fail("--steps needs a non-negative integer") }
            steps = n
        case "--loss": loss = value()
        case "--out": out = value()
        case "--config": configPath = value()
        case "--frame-every":
            guard let n = Int(value()), n >= 1 else { fail("--frame-every needs a positive integer") }
            frameEvery = n
        case "--no-plots": plots = false
        case "--quiet": quiet = true
        case "-h", "--help":
            print(usage)
            return
        default: fail("unknown argument \(argument)\n\(usage)")
        }
    }
    let clock = ContinuousClock()
    let started = clock.now
    func seconds() -> Double {
        let d = started.duration(to: clock.now)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
    var root = try configPath.map { try JSON.parse(FileBytes.readText($0)) } ?? JSON.object([])
    if let loss, case .object(var members) = root {
        members.removeAll { $0.key == "loss" }
        members.append(.init(key: "loss", value: .string(loss)))
        root = .object(members)
    }
    let configuration = try TrainerConfiguration(json: root)
    let trainer = try Trainer(configuration: configuration)
    mkdir(out, 0o755)
    try trainer.recordPlotFrame()
    var firstLoss: Double? = nil
    if !quiet {
        print(
            "neos train: \(configuration.objective.name), \(steps) steps, network \(trainer.pipeline.network.sizes), batch \(configuration.batchSize)"
        )
        print(" step        loss         cls   discovery  poi_uncert   seconds")
    }
    for _ in 0..<steps {
        guard let r = try trainer.run(steps: 1).first else { break }
        if firstLoss == nil { firstLoss = seconds() }
        if !quiet {
            print(
                "\(String(r.step).padding(5))  \(format(r.loss).padding(10))  \(format(r.test["cls"]!).padding(10))  \(format(r.test["discovery"]!).padding(10))  \(format(r.test["poi_uncert"]!).padding(10))  \(format(r.seconds).padding(8))"
            )
        }
        if (r.step + 1) % frameEvery == 0 || r.step == steps - 1 { try trainer.recordPlotFrame() }
    }
    try FileBytes.writeText(trainer.metricsJSON(), to: out + "/metrics.json")
    if trainer.best != nil { try trainer.restoreBest() }
    try trainer.parameterFile().write(to: out + "/parameters.neos")
    try FileBytes.writeText(trainer.plotDataJSON(), to: out + "/plot_data.json")
    if !quiet, let best = trainer.best {
        print(
            "best step \(best.step) (by test \(configuration.selectionMetric)): cls \(format(best.test["cls"]!)), discovery \(format(best.test["discovery"]!)), poi_uncert \(format(best.test["poi_uncert"]!))"
        )
        print(
            "\(format(seconds())) s in total, first loss after \(format(firstLoss ?? 0)) s; wrote \(out)/metrics.json, \(out)/parameters.neos, \(out)/plot_data.json"
        )
    }
    if plots && !renderPlots(out) {
        fail(
            "training finished, but drawing the plots failed: run `python -m neos_swift.plots \(out)` with neos-swift[plots] installed, or pass --no-plots"
        )
    }
}

extension String {
    func padding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "train": try train(arguments.dropFirst())
    case "version":
        let blas = BLAS.description
        print("neos-swift (native CLI)")
        print("BLAS: \(blas.library)" + (blas.core.isEmpty ? "" : " (\(blas.core) kernels)"))
        if !blas.fallbackReason.isEmpty { print("BLAS fallback: \(blas.fallbackReason)") }
    case "-h", "--help", nil: print(usage)
    default: fail("unknown command \(arguments.first!)\n\(usage)")
    }
} catch let error as NeosError {
    fail(error.message)
}
