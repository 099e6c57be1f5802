import XCTest

@testable import NeosCore

/// The measurement's parameter configuration merged with the modifiers' requirements.
final class ParametersTests: XCTestCase {
    func testInitOutsideBounds() {
        InvalidWorkspaces.assertError(
            .model,
            ["measurements[0].config.parameters[1]", "init 12.0 of parameter \"mu\" is outside its bounds [0.0, 10.0]"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "inits": [12]}}]"#
            )
        }
    }

    func testParameterConfigWithWrongLengths() {
        InvalidWorkspaces.assertError(
            .model, ["measurements[0].config.parameters[1].inits: expected 2 values for parameter \"stat\"", "got 1"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "stat", "inits": [1]}}]"#
            )
        }
        InvalidWorkspaces.assertError(
            .model, ["measurements[0].config.parameters[1].bounds: expected 1 value for parameter \"mu\"", "got 2"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "bounds": [[0, 5], [0, 5]]}}]"#
            )
        }
    }

    func testParameterConfigKeyNotUsedByTheParamset() {
        InvalidWorkspaces.assertError(
            .model,
            [
                "measurements[0].config.parameters[1].sigmas: parameter \"mu\" (normfactor) does not use the sigmas attribute"
            ]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "sigmas": [0.1]}}]"#
            )
        }
        InvalidWorkspaces.assertError(.model, ["does not use the factors attribute"]) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "norm", "factors": [2]}}]"#
            )
        }
    }

    func testUnknownParameterConfigIsIgnored() throws {
        // pyhf quirk: settings for parameters the model does not have are silently ignored
        _ = try InvalidWorkspaces.model(
            #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "nothere", "sigmas": [0.1]}}]"#
        )
    }

    func testLumiWithoutConfig() {
        InvalidWorkspaces.assertError(
            .model,
            [
                "channels[1].samples[0].modifiers[1]", "lumi parameter \"lumi\" has no defaults",
                "inits, bounds, auxdata",
            ]
        ) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/measurements/0/config/parameters/0"}]"#)
        }
    }
}
