import XCTest

@testable import NeosCore

/// The model's layout (channel, sample and parameter order, inputs) and the builder's refusals.
final class ModelBuilderTests: XCTestCase {
    func testFullModelStructure() throws {
        let model = try Model(spec: LikelihoodTests.fullSpec)
        XCTAssertEqual(model.channels, ["A", "B"])
        XCTAssertEqual(model.samples, ["bkg", "other", "signal"])
        XCTAssertEqual(
            model.parameterOrder,
            [
                "bkg_shape", "shared", "lumi", "other_norm", "mu", "bkg_norm", "sig_norm", "sf", "sf2", "uncorr",
                "staterror_A", "staterror_B",
            ])
        XCTAssertEqual(model.normsysInterpolation, .code4)
        XCTAssertEqual(model.histosysInterpolation, .code4p)
        // invalid shapesys bin (σ = 0) is fixed with τ = aux = 1
        let uncorr = model.parameterSlice("uncorr")!
        XCTAssertEqual(Array(model.suggestedFixed[uncorr]), [false, false, true])
        XCTAssertEqual(model.inputs().names.first, "A/bkg/nominal[0]")
        XCTAssertTrue(model.inputs().names.contains("A/bkg/histosys/shared/lo[2]"))
        XCTAssertTrue(model.inputs().names.contains("A/signal/normsys/shared/hi"))
        XCTAssertTrue(model.inputs().names.contains("A/bkg/shapesys/uncorr[1]"))
        XCTAssertTrue(model.inputs().names.contains("B/signal/staterror/staterror_B[1]"))
        XCTAssertEqual(model.inputCount, model.inputs().values.count)
        // withInputs with the same numbers reproduces the model exactly
        let pars = LikelihoodTests.pars(model, LikelihoodTests.points[0], seed: 0)
        let data = try LikelihoodTests.data(model, pars)
        XCTAssertEqual(
            try model.withInputs(model.inputs().values).logpdf(pars, data: data), try model.logpdf(pars, data: data))
    }

    func testPOINotInModel() {
        InvalidWorkspaces.assertError(
            .model, ["parameter of interest \"signal_strength\" is not a parameter of the model"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/measurements/0/config/poi", "value": "signal_strength"}]"#)
        }
    }

    func testStaterrorMaskMismatch() {
        // signal carries "stat" in CR only (added there), bkg in SR only
        InvalidWorkspaces.assertError(
            .model, ["staterror \"stat\" mask mismatch", "carries it in channels [CR]", "in [SR]"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"""
                [{"op": "add", "path": "/channels/1/samples/-", "value":
                   {"name": "signal", "data": [1], "modifiers": [{"name": "stat", "type": "staterror", "data": [0.1]}]}}]
                """#)
        }
    }

    func testSharedShapesysAndIncompatibleSharedNames() {
        InvalidWorkspaces.assertError(.model, ["shapesys \"shape\" is already used at", "cannot be shared"]) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/channels/0/samples/1/modifiers/-", "value": {"name": "shape", "type": "shapesys", "data": [1, 1]}}]"#
            )
        }
        InvalidWorkspaces.assertError(
            .model, ["parameter \"mu\" is shared by a normfactor modifier", "normsys modifier with different settings"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/channels/0/samples/1/modifiers/-", "value": {"name": "mu", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}}]"#
            )
        }
    }
}
