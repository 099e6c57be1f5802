import XCTest

@testable import NeosCore

/// Argument validation of the model's numeric methods.
final class ModelTests: XCTestCase {
    func testBadArguments() throws {
        let model = try Workspace(json: InvalidWorkspaces.base).model()
        let pars = model.suggestedInit
        let data = try Workspace(json: InvalidWorkspaces.base).data(model: model)
        InvalidWorkspaces.assertError(.invalidArgument, ["pars has length 2, expected \(pars.count)"]) {
            _ = try model.logpdf([1, 2], data: data)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["pars[0] is nan"]) {
            _ = try model.nllGradient([.nan] + pars.dropFirst(), data: data)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["data (main bins + auxdata) has length 3"]) {
            _ = try model.nllHessian(pars, data: [1, 2, 3])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["data[1] is inf"]) {
            _ = try model.logpdf(pars, data: [1, .infinity] + data.dropFirst(2))
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["inputs has length 1"]) { _ = try model.withInputs([1]) }
        InvalidWorkspaces.assertError(.invalidArgument, ["cotangent has length 1"]) {
            _ = try model.expectedDataVJP(cotangent: [1], pars: pars)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["background has length 1, expected 2"]) {
            _ = try SimpleModels.uncorrelatedBackground(signal: [1, 2], background: [1], uncertainty: [1, 1])
        }
    }
}
