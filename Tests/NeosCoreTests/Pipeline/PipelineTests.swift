import XCTest

@testable import NeosCore

/// The whole chain (network → KDE histograms → yields → model → fits → loss) against central differences of
/// the re-evaluated (re-fitted) loss, with respect to every network parameter and every trainable bin edge.
/// Issue 6's tolerance: 1e-5 relative (entries below 1e-3 of the largest judged against that floor).
final class PipelineTests: XCTestCase {
    /// A two-channel workspace with normsys, staterror, shapesys and lumi beside the replaced samples: the SR's
    /// signal, the SR background's nominal and histosys, and the CR background's nominal come from the network.
    static let workspace = """
        {"channels": [
          {"name": "SR", "samples": [
            {"name": "signal", "data": [1, 1, 1, 1], "modifiers": [
              {"name": "mu", "type": "normfactor", "data": null},
              {"name": "sig_theory", "type": "normsys", "data": {"hi": 1.1, "lo": 0.85}},
              {"name": "lumi", "type": "lumi", "data": null}]},
            {"name": "background", "data": [1, 1, 1, 1], "modifiers": [
              {"name": "bkg_shape", "type": "histosys", "data": {"hi_data": [1, 1, 1, 1], "lo_data": [1, 1, 1, 1]}},
              {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.92}},
              {"name": "staterror_SR", "type": "staterror", "data": [0.5, 0.4, 0.3, 0.2]}]},
            {"name": "other", "data": [3, 2, 1, 0.5], "modifiers": [
              {"name": "other_unc", "type": "shapesys", "data": [0.6, 0.4, 0.3, 0.2]}]}]},
          {"name": "CR", "samples": [
            {"name": "background", "data": [1, 1, 1, 1], "modifiers": [
              {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.92}},
              {"name": "staterror_CR", "type": "staterror", "data": [1, 1, 1, 1]}]}]}],
         "observations": [{"name": "SR", "data": [10, 10, 10, 10]}, {"name": "CR", "data": [20, 20, 20, 20]}],
         "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
           {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}]}}],
         "version": "1.0.0"}
        """

    static let workspaceReplacements = """
        "replace": [
          {"channel": "SR", "sample": "signal", "events": "sig"},
          {"channel": "SR", "sample": "background", "events": "bkg_nominal",
           "histosys": [{"modifier": "bkg_shape", "hi": "bkg_up", "lo": "bkg_down"}]},
          {"channel": "CR", "sample": "background", "events": "bkg_nominal"}]
        """

    func check(
        _ configuration: String, step: Double = 1e-4, rtol: Double = 1e-5, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let trainer = try Trainer(configuration: TrainerConfiguration(json: configuration))
        // Move the edges off their symmetric start so every edge derivative is generic.
        var start = trainer.parameters
        let n = trainer.pipeline.network.parameterCount
        start[n] = 0.27
        start[n + 1] = 0.52
        start[n + 2] = 0.71
        let events = trainer.train
        let analytic = try trainer.lossAndGradient(parameters: start, events: events)
        XCTAssertTrue(analytic.loss.isFinite)
        let numeric = try FiniteDifferences.gradient(start, step: step) {
            try trainer.lossAndGradient(parameters: $0, events: events).loss
        }
        FiniteDifferences.assertClose(
            analytic.gradient, numeric, rtol: rtol, "\(configuration)", file: file, line: line)
        if !configuration.contains(#""loss": "bce""#) {
            XCTAssertTrue(
                analytic.gradient[n...].contains { $0 != 0 }, "the edges receive a gradient", file: file, line: line)
        }
    }

    let small = #""hidden": [4, 3], "activation": "tanh", "points_per_blob": 60, "bandwidth": 0.2, "seed": 3"#

    func testNeosModelLosses() throws {
        for loss in ["cls", "discovery", "poi_uncert", "inferno", "bce", "upper_limit"] {
            try check(#"{\#(small), "loss": "\#(loss)"}"#)
        }
        try check(#"{\#(small), "loss": {"cls": 1, "bce": 0.01, "poi_uncert": 0.1}}"#)
        // ReLU: a step small enough not to cross any unit's kink for these 180 events.
        try check(#"{\#(small), "activation": "relu", "loss": "cls"}"#, step: 1e-6)
        try check(#"{\#(small), "interpolation": "code0", "loss": "poi_uncert"}"#)
    }

    func testWorkspaceTemplate() throws {
        for loss in ["cls", "discovery", "poi_uncert"] {
            try check(
                #"{\#(small), "workspace": \#(Self.workspace), \#(Self.workspaceReplacements), "loss": "\#(loss)"}"#)
        }
    }

    /// Replacing the samples by the blob histograms changes the model numbers as stated, and keeps the rest.
    func testWorkspaceTemplateUsesNetworkYields() throws {
        let trainer = try Trainer(
            configuration: TrainerConfiguration(
                json: #"{\#(small), "workspace": \#(Self.workspace), \#(Self.workspaceReplacements)}"#))
        let yields = try trainer.histograms(split: "train", bandwidth: 0)
        let model = try trainer.pipeline.model.model(yields: yields)
        let inputs = model.inputs()
        func values(_ prefix: String) -> [Double] {
            inputs.names.enumerated().filter { $0.element.hasPrefix(prefix) }.map { inputs.values[$0.offset] }
        }
        XCTAssertEqual(values("SR/signal/nominal"), yields["sig"]!)
        XCTAssertEqual(values("SR/background/histosys/bkg_shape/hi"), yields["bkg_up"]!)
        XCTAssertEqual(values("CR/background/nominal"), yields["bkg_nominal"]!)
        XCTAssertEqual(values("SR/other/nominal"), [3, 2, 1, 0.5])
        // A hard histogram of sigmoid outputs keeps every event: 20 signal events (scale 2 × lumi 10) plus the floor.
        XCTAssertEqual(yields["sig"]!.reduce(0, +), 20 + 4e-3, accuracy: 1e-12)
        XCTAssertEqual(yields["bkg_up"]!.reduce(0, +), 100 + 4e-3, accuracy: 1e-12)
    }
}
