import XCTest

@testable import NeosCore

/// The measurement's parameter configuration merged with the modifiers' requirements.
final class ParametersTests: XCTestCase {
    /// As pyhf, an init outside its bounds is the model's suggested init as given; a fit that would start there
    /// is refused (invalid argument naming the parameter, its init and its bounds), as pyhf's fits refuse it.
    func testInitOutsideBoundsIsKeptAndFitsRefuseIt() throws {
        let model = try InvalidWorkspaces.model(
            #"[{"op": "add", "path": "/measurements/0/config/parameters/-", "value": {"name": "mu", "inits": [12], "bounds": [[0, 10]]}}]"#
        )
        let mu = try XCTUnwrap(model.poiIndex)
        XCTAssertEqual(model.suggestedInit[mu], 12)
        XCTAssertEqual(model.suggestedBounds[mu].lower, 0)
        XCTAssertEqual(model.suggestedBounds[mu].upper, 10)
        let data = try model.expectedData(model.suggestedInit.enumerated().map { $0.offset == mu ? 1 : $0.element })
        InvalidWorkspaces.assertError(.invalidArgument, ["(mu) = 12.0 is outside its bounds [0.0, 10.0]"]) {
            _ = try MLE.minimize(data: data, model: model, configuration: FitConfiguration())
        }
        // Starting inside the bounds (the caller's init) fits normally.
        var inside = model.suggestedInit
        inside[mu] = 1
        let fit = try MLE.minimize(data: data, model: model, configuration: FitConfiguration(initialParameters: inside))
        XCTAssertTrue(fit.parameters[mu] >= 0 && fit.parameters[mu] <= 10)
    }

    /// Parameter sets of one name that cannot be merged are pyhf's InvalidNameReuse: reason `.nameReuse`.
    func testIncompatibleSharedNameHasTheNameReuseReason() {
        let patch =
            #"[{"op": "add", "path": "/channels/0/samples/1/modifiers/-", "value": {"name": "mu", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}}]"#
        InvalidWorkspaces.assertError(.model, ["parameter \"mu\" is shared by a normfactor modifier"]) {
            _ = try InvalidWorkspaces.model(patch)
        }
        XCTAssertThrowsError(try InvalidWorkspaces.model(patch)) {
            XCTAssertEqual(($0 as? NeosError)?.reason, .nameReuse)
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
