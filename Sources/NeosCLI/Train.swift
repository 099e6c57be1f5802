import ArgumentParser
import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// neos's own commands: training and the build's description.
let trainingCommands: [any ParsableCommand.Type] = [Train.self, Version.self]

/// `neos train`: neos's demo configuration (or a JSON configuration) trained to completion.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the neos network (defaults: neos's demo on the built-in Gaussian blobs, 60 steps, cls).",
        discussion: """
            Writes OUT/metrics.json, OUT/parameters.neos (the best step), OUT/plot_data.json and, through \
            `$NEOS_PYTHON -m neos_swift.plots OUT` (default python3), the PNG plots and training.gif.
            """)

    @Option(help: "Training steps.") var steps: Int = 60
    @Option(help: "The loss: cls, discovery, poi_uncert or bce (default: the configuration's, cls).") var loss: String?
    @Option(name: .customLong("out"), help: "The output directory.") var outputDirectory = "neos-output"
    @Option(name: .customLong("config"), help: "A JSON trainer configuration.") var configurationPath: String?
    @Option(help: "Record a frame of the training GIF every K steps.") var frameEvery: Int = 2
    @Flag(name: .customLong("no-plots"), help: "Do not draw the plots.") var noPlots = false
    @Flag(help: "Print nothing but errors.") var quiet = false

    func validate() throws {
        guard steps >= 0 else { throw ValidationError("--steps needs a non-negative integer") }
        guard frameEvery >= 1 else { throw ValidationError("--frame-every needs a positive integer") }
    }

    func run() throws {
        // Every failure of training, an unreadable or bad configuration included, ends with exit 2 as it always has.
        do {
            try train()
        } catch let error as NeosError {
            throw CommandFailure.usage(error.message)
        } catch let failure as CommandFailure {
            throw CommandFailure.usage(failure.message)
        }
    }

    private func train() throws {
        let clock = ContinuousClock()
        let started = clock.now
        func seconds() -> Double {
            let d = started.duration(to: clock.now)
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var root = try configurationPath.map { try readJSONDocument($0) } ?? JSON.object([])
        if let loss, case .object(var members) = root {
            members.removeAll { $0.key == "loss" }
            members.append(.init(key: "loss", value: .string(loss)))
            root = .object(members)
        }
        let configuration = try TrainerConfiguration(json: root)
        let trainer = try Trainer(configuration: configuration)
        let out = outputDirectory
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
                let columns = [r.loss, r.test["cls"]!, r.test["discovery"]!, r.test["poi_uncert"]!]
                print(
                    String(r.step).padding(5) + columns.map { "  " + shortDecimal($0).padding(10) }.joined()
                        + "  " + shortDecimal(r.seconds).padding(8))
            }
            if (r.step + 1) % frameEvery == 0 || r.step == steps - 1 { try trainer.recordPlotFrame() }
        }
        try FileBytes.writeText(trainer.metricsJSON(), to: out + "/metrics.json")
        if trainer.best != nil { try trainer.restoreBest() }
        try trainer.parameterFile().write(to: out + "/parameters.neos")
        try FileBytes.writeText(trainer.plotDataJSON(), to: out + "/plot_data.json")
        if !quiet, let best = trainer.best {
            print(
                "best step \(best.step) (by test \(configuration.selectionMetric)): cls \(shortDecimal(best.test["cls"]!)), discovery \(shortDecimal(best.test["discovery"]!)), poi_uncert \(shortDecimal(best.test["poi_uncert"]!))"
            )
            print(
                "\(shortDecimal(seconds())) s in total, first loss after \(shortDecimal(firstLoss ?? 0)) s; wrote \(out)/metrics.json, \(out)/parameters.neos, \(out)/plot_data.json"
            )
        }
        if !noPlots && runPythonModule(["neos_swift.plots", out]) != 0 {
            throw CommandFailure.usage(
                "training finished, but drawing the plots failed: run `python -m neos_swift.plots \(out)` with neos-swift[plot] installed, or pass --no-plots"
            )
        }
    }
}

/// `neos version`: the build and the BLAS kernels it runs.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version and the BLAS library and kernels in use.")

    func run() throws {
        let blas = BLAS.description
        print("neos-swift (native CLI)")
        print("BLAS: \(blas.library)" + (blas.core.isEmpty ? "" : " (\(blas.core) kernels)"))
        if !blas.fallbackReason.isEmpty { print("BLAS fallback: \(blas.fallbackReason)") }
    }
}

/// The number with four significant digits (C's `%.4g`), for the training table.
func shortDecimal(_ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.4g", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
