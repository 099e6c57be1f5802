import XCTest

@testable import NeosCore

/// INFERNO's softmax summary inside the pipeline: the value is the direct composition of the stages, the gradient
/// through the network agrees with central differences, the test metrics use the argmax histogram, and the
/// configuration of issue 17's benchmark (workspace with histosys r and lambda and a background lumi, six event
/// sets, ten bins) trains and evaluates end to end.
final class PipelineSummaryTests: XCTestCase {
    static let eventSets = ["sig", "bkg_nominal", "bkg_r_up", "bkg_r_down", "bkg_l_up", "bkg_l_down"]

    /// A one-channel workspace of `bins` bins: signal × normfactor mu, background with histosys r and lambda and,
    /// when `lumi`, a lumi modifier of σ 0.1 on the background only (INFERNO's benchmark 4).
    static func workspace(bins: Int, lumi: Bool) -> String {
        let ones = "[" + Array(repeating: "1", count: bins).joined(separator: ",") + "]"
        let histosys = { (name: String) in
            #"{"name": "\#(name)", "type": "histosys", "data": {"hi_data": \#(ones), "lo_data": \#(ones)}}"#
        }
        let lumiModifier = lumi ? #", {"name": "lumi", "type": "lumi", "data": null}"# : ""
        let lumiParameter =
            lumi ? #"{"name": "lumi", "auxdata": [1.0], "sigmas": [0.1], "bounds": [[0.5, 1.5]], "inits": [1.0]}"# : ""
        return """
            {"channels": [{"name": "SR", "samples": [
               {"name": "signal", "data": \(ones), "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
               {"name": "background", "data": \(ones), "modifiers": [\(histosys("r")), \(histosys("lambda"))\(lumiModifier)]}]}],
             "observations": [{"name": "SR", "data": \(ones)}],
             "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [\(lumiParameter)]}}],
             "version": "1.0.0"}
            """
    }

    static let replace = """
        "replace": [
          {"channel": "SR", "sample": "signal", "events": "sig"},
          {"channel": "SR", "sample": "background", "events": "bkg_nominal",
           "histosys": [{"modifier": "r", "hi": "bkg_r_up", "lo": "bkg_r_down"},
                        {"modifier": "lambda", "hi": "bkg_l_up", "lo": "bkg_l_down"}]}]
        """

    static let scales = """
        "scales": {"sig": 50, "bkg_nominal": 1000, "bkg_r_up": 1000, "bkg_r_down": 1000, "bkg_l_up": 1000,
                   "bkg_l_down": 1000}
        """

    /// Three-feature Gaussian events in INFERNO's spirit: signal at (1, 1, 1), background at the origin, r shifting
    /// the first feature by ±0.2 and lambda scaling the third by 1 ± 0.1; the background sets carry weights.
    static func events(count: Int, seed: UInt64) throws -> [String: EventSet] {
        var sampler = NormalSampler(seed: seed)
        var out: [String: EventSet] = [:]
        for name in eventSets {
            var points: [Double] = []
            for _ in 0..<count {
                var x = (0..<3).map { _ in sampler.next() }
                if name == "sig" { x = x.map { $0 + 1 } }
                if name == "bkg_r_up" { x[0] += 0.2 }
                if name == "bkg_r_down" { x[0] -= 0.2 }
                if name == "bkg_l_up" { x[2] *= 1.1 }
                if name == "bkg_l_down" { x[2] *= 0.9 }
                points += x
            }
            let weights = name == "sig" ? nil : (0..<count).map { 0.5 + Double($0 % 4) / 4 }
            out[name] = try EventSet(points: points, dimension: 3, weights: weights)
        }
        return out
    }

    func trainer(_ keys: String, bins: Int = 4, lumi: Bool = true, count: Int = 40) throws -> Trainer {
        let json = """
            {"data": "events", "event_sets": \(Self.eventSets), "inputs": 3, "summary": "softmax", "bins": \(bins),
             "workspace": \(Self.workspace(bins: bins, lumi: lumi)), \(Self.replace), \(Self.scales), "lumi": 1,
             \(keys)}
            """
        return try Trainer(
            configuration: TrainerConfiguration(json: json),
            events: (try Self.events(count: count, seed: 11), try Self.events(count: count, seed: 12)))
    }

    /// Network → SoftmaxHistogram.counts → yields → model → loss, composed by hand, is the pipeline's value.
    func testValueIsTheDirectComposition() throws {
        for (loss, direct) in [
            ("inferno", { (m: Model) in try Losses.poiVariance(model: m).value }),
            ("cls", { (m: Model) in try Losses.expectedCLs(model: m).value }),
        ] {
            let trainer = try trainer(#""hidden": [5, 4], "activation": "tanh", "loss": "\#(loss)""#)
            XCTAssertEqual(trainer.pipeline.network.outputSize, 4)
            XCTAssertEqual(trainer.pipeline.network.activations.last, .identity)
            XCTAssertEqual(trainer.parameterCount, trainer.pipeline.network.parameterCount, "no edges are trained")
            let events = trainer.train
            var yields: [String: [Double]] = [:]
            for name in Self.eventSets {
                let set = events[name]!
                let logits = try trainer.predict(set.points)
                let counts = try SoftmaxHistogram.counts(
                    logits: logits, bins: 4, temperature: 0.1, weights: set.weights)
                let scale = name == "sig" ? 50.0 : 1000.0
                yields[name] = counts.map { $0 * scale / set.totalWeight + 1e-3 }
            }
            let expected = try direct(trainer.pipeline.model.model(yields: yields))
            let evaluation = try trainer.pipeline.evaluate(
                networkParameters: trainer.networkParameters, edges: trainer.edges, events: events)
            XCTAssertEqual(evaluation.loss, expected, accuracy: 1e-12 * abs(expected), loss)
            for name in Self.eventSets {
                for (a, b) in zip(evaluation.yields[name]!, yields[name]!) { XCTAssertEqual(a, b, accuracy: 1e-12 * b) }
            }
            XCTAssertEqual(evaluation.edgeGradient, [Double](repeating: 0, count: 5), "softmax ignores the edges")
        }
    }

    /// The exact gradient with respect to every network parameter against 5-point central differences of the
    /// re-evaluated (re-fitted) loss: within 1e-5 of the largest entry, for INFERNO's loss (issue 17) and cls and
    /// poi_uncert, at the default temperature and at a softer one.
    func testGradientMatchesFiniteDifferences() throws {
        for keys in [
            #""loss": "inferno""#, #""loss": "inferno", "temperature": 0.5"#, #""loss": "cls""#,
            #""loss": "poi_uncert""#,
        ] {
            let trainer = try trainer(#""hidden": [5, 4], "activation": "tanh", \#(keys)"#)
            let start = trainer.parameters
            let events = trainer.train
            let analytic = try trainer.lossAndGradient(parameters: start, events: events)
            let numeric = try FiniteDifferences.gradient(start, step: 1e-4) {
                try trainer.lossAndGradient(parameters: $0, events: events).loss
            }
            let scale = numeric.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(scale, 0)
            let worst = zip(analytic.gradient, numeric).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
            print("softmax pipeline \(keys): max |exact − FD| / max |FD| = \(worst)")
            XCTAssertLessThanOrEqual(worst, 1e-5, keys)
        }
    }

    /// The test metrics histogram each event into the bin of its largest output (SoftmaxHistogram.hardCounts),
    /// whatever eval_bandwidth says, and the metrics are those of the model built from these yields.
    func testMetricsUseArgmaxCounts() throws {
        let trainer = try trainer(#""hidden": [5], "loss": "inferno", "eval_bandwidth": 0.3"#)
        try trainer.run(steps: 2)
        let histograms = try trainer.histograms()
        var yields: [String: [Double]] = [:]
        for name in Self.eventSets {
            let set = trainer.test[name]!
            let hard = try SoftmaxHistogram.hardCounts(
                logits: try trainer.predict(set.points), bins: 4, weights: set.weights)
            // The pipeline's factor, scale · lumi / Σw, so that the yields agree to the bit.
            let factor = (name == "sig" ? 50.0 : 1000.0) * 1 / set.totalWeight
            yields[name] = hard.map { $0 * factor + 1e-3 }
            XCTAssertEqual(histograms[name]!, yields[name]!, name)
        }
        let model = try trainer.pipeline.model.model(yields: yields)
        let metrics = try trainer.evaluate()
        XCTAssertEqual(metrics["cls"], try Losses.expectedCLs(model: model).value)
        XCTAssertEqual(metrics["discovery"], try Losses.discoveryP0(model: model).value)
        XCTAssertEqual(metrics["poi_uncert"], try Losses.poiUncertainty(model: model).value)
        XCTAssertEqual(trainer.records.last!.test, metrics)
    }

    /// Issue 17's configuration as the Python example writes it (ten bins, hidden [100, 100], three inputs, the
    /// inferno loss, INFERNO's scales and lumi 1, benchmark 4's background lumi): a few steps train, evaluate and
    /// write their files.
    func testInfernoBenchmarkConfigurationRuns() throws {
        let trainer = try trainer(
            #""hidden": [100, 100], "loss": "inferno", "batch_size": 100, "learning_rate": 1e-3"#, bins: 10,
            count: 150)
        XCTAssertEqual(trainer.pipeline.network.sizes, [3, 100, 100, 10])
        XCTAssertEqual(trainer.pipeline.summary, .softmax(temperature: 0.1))
        let records = try trainer.run(steps: 3)
        XCTAssertEqual(records.count, 3)
        for record in records {
            XCTAssertTrue(record.loss.isFinite && record.loss > 0)
            XCTAssertTrue(record.test["poi_uncert"]!.isFinite)
        }
        XCTAssertEqual(try trainer.histograms()["sig"]!.reduce(0, +), 50 + 10e-3, accuracy: 1e-9)
        try trainer.recordPlotFrame()
        XCTAssertTrue(try trainer.plotDataJSON().contains("\"histograms\""))
        let file = try trainer.parameterFile()
        XCTAssertEqual(file.network.outputSize, 10)
        XCTAssertTrue(trainer.metricsJSON().contains("\"summary\":\"softmax\""))
    }

    /// Benchmarks 1 and 2: r and lambda unconstrained (no lumi). The pipeline's model drops their constraints, so
    /// the inferno loss equals poiVariance of the free model built from the same histograms, is larger than the
    /// constrained model's, and a few steps train and evaluate.
    func testUnconstrainedBenchmarkConfigurationRuns() throws {
        let keys = #""hidden": [100, 100], "loss": "inferno", "batch_size": 100, "learning_rate": 1e-3"#
        let free = try trainer(keys + #", "unconstrained": ["r", "lambda"]"#, bins: 10, lumi: false, count: 150)
        let constrained = try trainer(keys, bins: 10, lumi: false, count: 150)
        let evaluation = try free.pipeline.evaluate(
            networkParameters: free.networkParameters, edges: free.edges, events: free.train)
        let freeModel = try free.pipeline.model.model(yields: evaluation.yields)
        XCTAssertEqual(freeModel.auxdataCount, 0, "both constraints and their auxdata are dropped")
        let freeLoss = try Losses.poiVariance(model: freeModel).value
        XCTAssertEqual(evaluation.loss, freeLoss, accuracy: 1e-12 * freeLoss)
        let constrainedModel = try constrained.pipeline.model.model(yields: evaluation.yields)
        XCTAssertEqual(constrainedModel.auxdataCount, 2)
        XCTAssertEqual(freeModel.parameterNames, constrainedModel.parameterNames, "the parameters stay")
        XCTAssertGreaterThan(freeLoss, try Losses.poiVariance(model: constrainedModel).value)
        let records = try free.run(steps: 3)
        XCTAssertEqual(records.count, 3)
        for record in records {
            XCTAssertTrue(record.loss.isFinite && record.loss > 0)
            XCTAssertTrue(record.test["poi_uncert"]!.isFinite)
        }
    }
}
