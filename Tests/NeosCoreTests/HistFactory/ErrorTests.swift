import Foundation
import XCTest

@testable import NeosCore

/// Every malformed or unsupported input gives a NeosError of the right kind whose message names the JSON path.
final class ErrorTests: XCTestCase {
    static let base = """
        {"channels": [
           {"name": "SR", "samples": [
             {"name": "signal", "data": [5, 6], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
             {"name": "bkg", "data": [50, 60], "modifiers": [
               {"name": "unc", "type": "histosys", "data": {"hi_data": [52, 63], "lo_data": [48, 58]}},
               {"name": "norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
               {"name": "stat", "type": "staterror", "data": [2, 3]},
               {"name": "lumi", "type": "lumi", "data": null}]}]},
           {"name": "CR", "samples": [
             {"name": "bkg", "data": [100], "modifiers": [
               {"name": "shape", "type": "shapesys", "data": [10]},
               {"name": "lumi", "type": "lumi", "data": null}]}]}],
         "observations": [{"name": "SR", "data": [55, 66]}, {"name": "CR", "data": [101]}],
         "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
             {"name": "lumi", "inits": [1], "bounds": [[0.5, 1.5]], "auxdata": [1], "sigmas": [0.02]}]}}],
         "version": "1.0.0"}
        """

    /// The base workspace with a JSON patch applied.
    static func variant(_ patch: String) throws -> String {
        try JSONPatch.apply(patch, to: try JSON.parse(base)).serialized()
    }

    func assertError(
        _ kind: NeosError.Kind, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            XCTFail("expected a \(kind) error containing \(fragments)", file: file, line: line)
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, kind, "\(error.message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(
                    error.message.contains(fragment), "«\(error.message)» lacks «\(fragment)»", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    func model(_ patch: String) throws -> Model {
        try Workspace(json: try Self.variant(patch)).model()
    }

    func testBaseWorkspaceIsValid() throws {
        let workspace = try Workspace(json: Self.base)
        let model = try workspace.model()
        XCTAssertEqual(model.channels, ["CR", "SR"])
        XCTAssertEqual(try workspace.data(model: model).prefix(3), [101, 55, 66])
    }

    func testMalformedJSONNamesThePosition() {
        assertError(.parse, ["malformed JSON", "line 2, column 17"]) {
            _ = try Workspace(json: "{\"channels\": [\n  {\"name\": \"SR\" \"samples\": []}]}")
        }
        assertError(.parse, ["unterminated string"]) { _ = try JSON.parse("{\"a\": \"abc") }
        assertError(.parse, ["after the end of the JSON value"]) { _ = try JSON.parse("[1, 2] 3") }
        assertError(.parse, ["the text is empty"]) { _ = try JSON.parse("  ") }
    }

    func testMissingChannels() {
        assertError(.parse, ["missing required key \"channels\""]) { _ = try Model(spec: "{\"parameters\": []}") }
    }

    func testMissingSamples() {
        assertError(.parse, ["channels[1]: missing required key \"samples\""]) {
            _ = try self.model(#"[{"op": "remove", "path": "/channels/1/samples"}]"#)
        }
    }

    func testMissingName() {
        assertError(.parse, ["channels[0].samples[1]: missing required key \"name\""]) {
            _ = try self.model(#"[{"op": "remove", "path": "/channels/0/samples/1/name"}]"#)
        }
    }

    func testMissingData() {
        assertError(.parse, ["channels[0].samples[0]: missing required key \"data\""]) {
            _ = try self.model(#"[{"op": "remove", "path": "/channels/0/samples/0/data"}]"#)
        }
    }

    func testMissingModifiers() {
        assertError(.parse, ["channels[1].samples[0]: missing required key \"modifiers\""]) {
            _ = try self.model(#"[{"op": "remove", "path": "/channels/1/samples/0/modifiers"}]"#)
        }
    }

    func testWrongLengthSampleData() {
        assertError(.model, ["channels[0].samples[1].data: expected 2 numbers, got 3"]) {
            _ = try self.model(#"[{"op": "add", "path": "/channels/0/samples/1/data/-", "value": 7}]"#)
        }
    }

    func testWrongLengthHiData() {
        assertError(.model, ["channels[0].samples[1].modifiers[0].data.hi_data: expected 2 numbers, got 3"]) {
            _ = try self.model(
                #"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/0/data/hi_data", "value": [1, 2, 3]}]"#)
        }
    }

    func testWrongLengthLoData() {
        assertError(.model, ["channels[0].samples[1].modifiers[0].data.lo_data: expected 2 numbers, got 1"]) {
            _ = try self.model(
                #"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/0/data/lo_data", "value": [1]}]"#)
        }
    }

    func testWrongLengthShapesysData() {
        assertError(.model, ["channels[1].samples[0].modifiers[0].data: expected 1 numbers, got 2"]) {
            _ = try self.model(
                #"[{"op": "replace", "path": "/channels/1/samples/0/modifiers/0/data", "value": [1, 2]}]"#)
        }
    }

    func testWrongLengthStaterrorData() {
        assertError(.model, ["channels[0].samples[1].modifiers[2].data: expected 2 numbers, got 1"]) {
            _ = try self.model(#"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/2/data", "value": [1]}]"#)
        }
    }

    func testNonFiniteYields() {
        assertError(.parse, ["non-finite numbers (NaN, Infinity) are not allowed"]) { _ = try JSON.parse("[1, NaN]") }
        assertError(.parse, ["non-finite numbers"]) { _ = try JSON.parse("[-Infinity]") }
        assertError(.model, ["channels[0].samples[0].data[1]: non-finite number inf"]) {
            _ = try Workspace(json: Self.base.replacingOccurrences(of: "[5, 6]", with: "[5, 1e999]"))
        }
    }

    func testUnknownModifierType() {
        assertError(.model, ["channels[0].samples[0].modifiers[0].type: unknown modifier type \"normfactr\""]) {
            _ = try self.model(
                #"[{"op": "replace", "path": "/channels/0/samples/0/modifiers/0/type", "value": "normfactr"}]"#)
        }
    }

    func testNormsysDataMissingHiOrLo() {
        assertError(
            .parse, ["channels[0].samples[1].modifiers[1].data: a normsys modifier needs both \"hi\" and \"lo\""]
        ) {
            _ = try self.model(#"[{"op": "remove", "path": "/channels/0/samples/1/modifiers/1/data/lo"}]"#)
        }
    }

    func testPOINotInModel() {
        assertError(.model, ["parameter of interest \"signal_strength\" is not a parameter of the model"]) {
            _ = try self.model(
                #"[{"op": "replace", "path": "/measurements/0/config/poi", "value": "signal_strength"}]"#)
        }
    }

    func testDuplicateChannel() {
        assertError(.model, ["channels[2].name: duplicate channel \"SR\""]) {
            _ = try Workspace(
                json: try Self.variant(#"[{"op": "copy", "from": "/channels/0", "path": "/channels/-"}]"#))
        }
    }

    func testDuplicateSampleInChannel() {
        assertError(.model, ["channels[0].samples[2].name: duplicate sample \"bkg\" in channel \"SR\""]) {
            _ = try self.model(#"[{"op": "copy", "from": "/channels/0/samples/1", "path": "/channels/0/samples/-"}]"#)
        }
    }

    func testObservationsMissingForAChannel() {
        assertError(.model, ["observations: no observation for channel \"CR\""]) {
            _ = try Workspace(json: try Self.variant(#"[{"op": "remove", "path": "/observations/1"}]"#))
        }
    }

    func testObservationOfWrongLength() {
        assertError(.model, ["observations[0].data: expected 2 numbers", "got 3"]) {
            _ = try Workspace(json: try Self.variant(#"[{"op": "add", "path": "/observations/0/data/-", "value": 1}]"#))
        }
    }

    func testMeasurementNotFound() throws {
        let workspace = try Workspace(json: Self.base)
        XCTAssertEqual(workspace.measurementNames, ["meas"])
        assertError(.invalidArgument, ["measurement \"other\" not found", "\"meas\""]) {
            _ = try workspace.model(measurementName: "other")
        }
    }

    func testInitOutsideBounds() {
        assertError(
            .model,
            ["measurements[0].config.parameters[1]", "init 12.0 of parameter \"mu\" is outside its bounds [0.0, 10.0]"]
        ) {
            _ = try self.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "inits": [12]}}]"#
            )
        }
    }

    /// As pyhf 0.7.6: the model builds (its suggested init is inside the bounds), but the POI bounds [0.2, 1.5]
    /// exclude 0, so the background-only fit of a hypothesis test starts outside them and is refused.
    func testDataDrivenWorkspaceIsRefusedAtTheBackgroundOnlyFit() throws {
        let text = try PyhfReferenceTests.refText("xml_converted/xmlimport_DataDriven.json")
        let workspace = try Workspace(json: text)
        let model = try workspace.model()
        let data = try workspace.data(model: model)
        XCTAssertThrowsError(try MLE.fixedPOIFit(poi: 0, data: data, model: model)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("is outside its bounds [0.2, 1.5]"), "\(error)")
        }
    }

    func testParameterConfigWithWrongLengths() {
        assertError(
            .model, ["measurements[0].config.parameters[1].inits: expected 2 values for parameter \"stat\"", "got 1"]
        ) {
            _ = try self.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "stat", "inits": [1]}}]"#
            )
        }
        assertError(
            .model, ["measurements[0].config.parameters[1].bounds: expected 1 value for parameter \"mu\"", "got 2"]
        ) {
            _ = try self.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "bounds": [[0, 5], [0, 5]]}}]"#
            )
        }
    }

    func testParameterConfigKeyNotUsedByTheParamset() {
        assertError(
            .model,
            [
                "measurements[0].config.parameters[1].sigmas: parameter \"mu\" (normfactor) does not use the sigmas attribute"
            ]
        ) {
            _ = try self.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "sigmas": [0.1]}}]"#
            )
        }
        assertError(.model, ["does not use the factors attribute"]) {
            _ = try self.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "norm", "factors": [2]}}]"#
            )
        }
    }

    func testUnknownParameterConfigIsIgnored() throws {
        // pyhf quirk: settings for parameters the model does not have are silently ignored
        _ = try model(
            #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "nothere", "sigmas": [0.1]}}]"#
        )
    }

    func testLumiWithoutConfig() {
        assertError(
            .model,
            [
                "channels[1].samples[0].modifiers[1]", "lumi parameter \"lumi\" has no defaults",
                "inits, bounds, auxdata",
            ]
        ) {
            _ = try self.model(#"[{"op": "remove", "path": "/measurements/0/config/parameters/0"}]"#)
        }
    }

    func testStaterrorMaskMismatch() {
        // signal carries "stat" in CR only (added there), bkg in SR only
        assertError(.model, ["staterror \"stat\" mask mismatch", "carries it in channels [CR]", "in [SR]"]) {
            _ = try self.model(
                #"""
                [{"op": "add", "path": "/channels/1/samples/-", "value":
                   {"name": "signal", "data": [1], "modifiers": [{"name": "stat", "type": "staterror", "data": [0.1]}]}}]
                """#)
        }
    }

    func testUnknownVersion() {
        assertError(.parse, ["version: unsupported workspace version \"2.0.0\""]) {
            _ = try Workspace(json: try Self.variant(#"[{"op": "replace", "path": "/version", "value": "2.0.0"}]"#))
        }
    }

    func testInvalidJSONPatch() throws {
        let workspace = try Workspace(json: Self.base)
        assertError(.model, ["patches[0][0] (remove /channels/7)", "path does not exist"]) {
            _ = try workspace.model(patches: [#"[{"op": "remove", "path": "/channels/7"}]"#])
        }
        assertError(.model, ["patches[0][1] (test /channels/0/name)", "test failed", "\"SR\"", "\"XX\""]) {
            _ = try workspace.model(patches: [
                #"[{"op": "add", "path": "/channels/0/samples/0/data/0", "value": 1}, {"op": "test", "path": "/channels/0/name", "value": "XX"}]"#
            ])
        }
        assertError(.parse, ["patches[0][0].op: unknown operation \"frobnicate\""]) {
            _ = try workspace.model(patches: [#"[{"op": "frobnicate", "path": "/channels"}]"#])
        }
        assertError(.parse, ["patches[0][0]: missing required key \"path\""]) {
            _ = try workspace.model(patches: [#"[{"op": "remove"}]"#])
        }
    }

    func testSharedShapesysAndIncompatibleSharedNames() {
        assertError(.model, ["shapesys \"shape\" is already used at", "cannot be shared"]) {
            _ = try self.model(
                #"[{"op": "add", "path": "/channels/0/samples/1/modifiers/-", "value": {"name": "shape", "type": "shapesys", "data": [1, 1]}}]"#
            )
        }
        assertError(
            .model, ["parameter \"mu\" is shared by a normfactor modifier", "normsys modifier with different settings"]
        ) {
            _ = try self.model(
                #"[{"op": "add", "path": "/channels/0/samples/1/modifiers/-", "value": {"name": "mu", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}}]"#
            )
        }
    }

    func testUnknownKeyIsRefused() {
        assertError(.parse, ["channels[0].samples[0].weights: unknown key \"weights\""]) {
            _ = try self.model(#"[{"op": "add", "path": "/channels/0/samples/0/weights", "value": [1, 1]}]"#)
        }
    }

    func testBadArguments() throws {
        let model = try Workspace(json: Self.base).model()
        let pars = model.suggestedInit
        let data = try Workspace(json: Self.base).data(model: model)
        assertError(.invalidArgument, ["pars has length 2, expected \(pars.count)"]) {
            _ = try model.logpdf([1, 2], data: data)
        }
        assertError(.invalidArgument, ["pars[0] is nan"]) {
            _ = try model.nllGradient([.nan] + pars.dropFirst(), data: data)
        }
        assertError(.invalidArgument, ["data (main bins + auxdata) has length 3"]) {
            _ = try model.nllHessian(pars, data: [1, 2, 3])
        }
        assertError(.invalidArgument, ["data[1] is inf"]) {
            _ = try model.logpdf(pars, data: [1, .infinity] + data.dropFirst(2))
        }
        assertError(.invalidArgument, ["inputs has length 1"]) { _ = try model.withInputs([1]) }
        assertError(.invalidArgument, ["cotangent has length 1"]) {
            _ = try model.expectedDataVJP(cotangent: [1], pars: pars)
        }
        assertError(.invalidArgument, ["background has length 1, expected 2"]) {
            _ = try SimpleModels.uncorrelatedBackground(signal: [1, 2], background: [1], uncertainty: [1, 1])
        }
    }

    func testPatchsetErrors() throws {
        let patchset = try Patchset(json: PyhfReferenceTests.refText("tests_data/test_patchset__example_patchset.json"))
        XCTAssertEqual(patchset.patchNames, ["patch_channel1_signal_syst1"])
        assertError(.invalidArgument, ["patch \"nope\" not found"]) { _ = try patchset.patch(named: "nope") }
        assertError(.parse, ["version: unsupported patchset version"]) {
            _ = try Patchset(json: #"{"metadata": {}, "patches": [], "version": "0.9"}"#)
        }
    }
}
