import XCTest

@testable import NeosCore

final class PipelineModelTests: XCTestCase {
    /// The input of `model` named `name`.
    func input(_ model: Model, _ name: String) throws -> Double {
        let inputs = model.inputs()
        let index = try XCTUnwrap(inputs.names.firstIndex(of: name), "no input \(name)")
        return inputs.values[index]
    }

    /// neos's model: four event sets, each filling one block of inputs bin by bin.
    func testNeosModelPlacesEachEventSet() throws {
        let pipelineModel = try PipelineModel.neos(bins: 3)
        XCTAssertEqual(pipelineModel.binCount, 3)
        XCTAssertEqual(pipelineModel.eventSetNames, ["sig", "bkg_nominal", "bkg_up", "bkg_down"])
        let yields = [
            "sig": [1.0, 2, 3], "bkg_nominal": [10.0, 20, 30], "bkg_up": [11.0, 22, 33], "bkg_down": [9.0, 18, 27],
        ]
        let model = try pipelineModel.model(yields: yields)
        let base = "singlechannel"
        for bin in 0..<3 {
            XCTAssertEqual(try input(model, "\(base)/signal/nominal[\(bin)]"), yields["sig"]![bin])
            XCTAssertEqual(try input(model, "\(base)/background/nominal[\(bin)]"), yields["bkg_nominal"]![bin])
            let histosys = "\(base)/background/histosys/correlated_bkg_uncertainty"
            XCTAssertEqual(try input(model, "\(histosys)/hi[\(bin)]"), yields["bkg_up"]![bin])
            XCTAssertEqual(try input(model, "\(histosys)/lo[\(bin)]"), yields["bkg_down"]![bin])
        }
        XCTAssertEqual(pipelineModel.template.inputs().names, model.inputs().names, "same structure")
    }

    /// Missing or mis-sized yields are refused; so is a model without bins.
    func testYieldsAreChecked() throws {
        let pipelineModel = try PipelineModel.neos(bins: 2)
        let full = ["sig": [1.0, 2], "bkg_nominal": [3.0, 4], "bkg_up": [3.5, 4.5], "bkg_down": [2.5, 3.5]]
        var missing = full
        missing["bkg_up"] = nil
        XCTAssertThrowsError(try pipelineModel.model(yields: missing)) {
            XCTAssertTrue("\($0)".contains("bkg_up"), "\($0)")
        }
        var short = full
        short["sig"] = [1]
        XCTAssertThrowsError(try pipelineModel.model(yields: short)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try PipelineModel.neos(bins: 0))
    }

    /// The input gradient folds back onto the event sets; an event set that fills two samples receives the sum.
    func testYieldGradientSumsSharedEventSets() throws {
        let workspace = try Workspace(
            json: """
                {"channels": [
                  {"name": "A", "samples": [
                    {"name": "s", "data": [1, 1], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
                    {"name": "b", "data": [5, 5], "modifiers": []}]},
                  {"name": "B", "samples": [{"name": "b", "data": [7, 7], "modifiers": []}]}],
                 "observations": [{"name": "A", "data": [6, 6]}, {"name": "B", "data": [7, 7]}],
                 "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.0.0"}
                """)
        let pipelineModel = try PipelineModel.workspace(
            workspace,
            replacements: [
                .init(channel: "A", sample: "s", nominal: "sig"), .init(channel: "A", sample: "b", nominal: "bkg"),
                .init(channel: "B", sample: "b", nominal: "bkg"),
            ], bins: 2)
        XCTAssertEqual(pipelineModel.eventSetNames, ["sig", "bkg"])
        let names = pipelineModel.template.inputs().names
        // Gradient entry i = i, so each folded value names the inputs it came from.
        let gradient = pipelineModel.yieldGradient(inputGradient: names.indices.map(Double.init))
        func index(_ name: String) -> Double { Double(names.firstIndex(of: name)!) }
        XCTAssertEqual(gradient["sig"], [index("A/s/nominal[0]"), index("A/s/nominal[1]")])
        XCTAssertEqual(
            gradient["bkg"],
            [index("A/b/nominal[0]") + index("B/b/nominal[0]"), index("A/b/nominal[1]") + index("B/b/nominal[1]")]
        )
        // A replacement whose channel has another bin count names the missing input.
        XCTAssertThrowsError(
            try PipelineModel.workspace(
                workspace, replacements: [.init(channel: "A", sample: "s", nominal: "sig")], bins: 3)
        ) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .model)
            XCTAssertTrue("\(error)".contains("A/s/nominal[2]"), "\(error)")
        }
    }

    /// Replacements compare field by field, histosys entries included.
    func testReplacementEquality() {
        let a = PipelineModel.Replacement(channel: "c", sample: "s", nominal: "n", histosys: [("h", "up", "down")])
        XCTAssertEqual(
            a, PipelineModel.Replacement(channel: "c", sample: "s", nominal: "n", histosys: [("h", "up", "down")]))
        XCTAssertNotEqual(
            a, PipelineModel.Replacement(channel: "c", sample: "s", nominal: "n", histosys: [("h", "down", "up")]))
        XCTAssertNotEqual(a, PipelineModel.Replacement(channel: "c", sample: "s", nominal: "n"))
    }
}
