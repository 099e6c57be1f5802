import Foundation
import XCTest

@testable import NeosCore

/// Fits on likelihoods that are not convex: a saddle of a product of normalisations, two wells along one α, and a
/// valley whose ends are both on bounds. Resources/nonconvex_fits.json holds three random workspaces of
/// python/tests/workspaces.py (`random_workspace(seed, for_inference=True)`, seeds 33, 50 and 91) on which the
/// fits used to end above pyhf's, with the twice NLL that pyhf 0.7.6 reaches when run to convergence (jax backend,
/// SLSQP tolerance 1e-14).
final class BasinSearchTests: XCTestCase {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Resources")

    struct Case {
        let model: Model
        let data: [Double]
        let fit: String
        let pyhfTwiceNLL: Double
    }

    static func nonconvexCase(_ name: String) throws -> Case {
        let text = try String(contentsOf: resources.appendingPathComponent("nonconvex_fits.json"), encoding: .utf8)
        guard let entry = try JSON.parse(text)[name], let spec = entry["spec"],
            case .array(let values)? = entry["data"], case .string(let fit)? = entry["fit"],
            case .number(let reference)? = entry["pyhf_twice_nll"]
        else { throw NeosError.invalidArgument("\(name) is missing from nonconvex_fits.json") }
        var settings: ModifierSettings? = nil
        if let json = entry["modifier_settings"], json != .null {
            settings = try ModifierSettings(json: json.serialized())
        }
        let model = try Workspace(json: spec.serialized()).model(modifierSettings: settings)
        let data = values.map { value -> Double in
            guard case .number(let x) = value else { fatalError("data must be numbers") }
            return x
        }
        return Case(model: model, data: data, fit: fit, pyhfTwiceNLL: reference)
    }

    /// f(μ, k) = twice the Poisson NLL of a bin whose data lack the sample μ·k·s: every point with μ·k = 0 is a
    /// minimum and the Hessian near them is indefinite. The descent used to shrink μ and k together until rounding
    /// stopped it, with no positive-definite Hessian for its EDM ("no step lowers the objective (EDM inf)").
    func testProductOfNormalisationsLeavesTheSaddle() throws {
        let background = 100.0
        let signal = 10.0
        func twiceNLL(_ x: [Double]) -> Double {
            let rate = background + signal * x[0] * x[1]
            return 2 * (rate - background * log(rate))
        }
        let objective = BoundedNewton.Objective(
            value: twiceNLL,
            derivatives: { x in
                let rate = background + signal * x[0] * x[1]
                let w = 2 * (1 - background / rate)
                let c = 2 * background / (rate * rate)
                let g0 = signal * x[1]
                let g1 = signal * x[0]
                let hessian = [c * g0 * g0, c * g0 * g1 + w * signal, c * g0 * g1 + w * signal, c * g1 * g1]
                return ([w * g0, w * g1], .dense(hessian, size: 2))
            })
        let minimizer = BoundedNewton(
            objective: objective, lower: [0, 0], upper: [10, 10], fixed: [false, false], options: .init())
        let result = try minimizer.minimize(from: [1, 1])
        XCTAssertTrue(result.converged, result.reason)
        XCTAssertEqual(result.parameters[0] * result.parameters[1], 0, accuracy: 1e-12)
        XCTAssertEqual(result.value, twiceNLL([0, 0]), accuracy: 1e-12)
    }

    /// Seed 50: a fit on Asimov data from which a product-normalised sample vanished (μ·k → 0) used to stall on the
    /// saddle until no step lowered the objective, with an indefinite Hessian ("EDM inf"), and fail.
    func testSaddleOfARandomWorkspaceConverges() throws {
        let fixture = try Self.nonconvexCase("seed50")
        let fit = try MLE.fit(data: fixture.data, model: fixture.model)
        XCTAssertLessThanOrEqual(fit.twiceNLL, fixture.pyhfTwiceNLL + 1e-9, fit.reason)
    }

    /// Seed 91: with μ fixed at 0, one code4 normsys (hi 1.06109, lo 0.74062) is left, and its polynomial makes two
    /// wells, at α = 0.518 (twice NLL 17.3723) and α = 1.0836 (17.3386). The descent from 0 reaches the first; a
    /// probe one standard deviation away lies below it.
    func testProbeFindsTheLowerWell() throws {
        let fixture = try Self.nonconvexCase("seed91")
        let fit = try MLE.fixedPOIFit(poi: 0, data: fixture.data, model: fixture.model)
        XCTAssertLessThanOrEqual(fit.twiceNLL, fixture.pyhfTwiceNLL + 1e-9, fit.reason)
        let xsec = try XCTUnwrap(fixture.model.parameterSlice("xsec")).lowerBound
        XCTAssertEqual(fit.parameters[xsec], 1.0836, accuracy: 1e-3)
    }

    /// Seed 33: μ·k scales one sample and μ alone another. The descent ends with μ on its lower bound (k then has
    /// no effect); released back to its initial value, the fit runs along the valley to μ = 10, k = 0, lower by
    /// 0.026.
    func testReleasingABoundFindsTheOtherEndOfAValley() throws {
        let fixture = try Self.nonconvexCase("seed33")
        let fit = try MLE.fit(data: fixture.data, model: fixture.model)
        XCTAssertLessThanOrEqual(fit.twiceNLL, fixture.pyhfTwiceNLL + 1e-9, fit.reason)
        XCTAssertEqual(fit.parameters[try XCTUnwrap(fixture.model.poiIndex)], 10)
    }
}
