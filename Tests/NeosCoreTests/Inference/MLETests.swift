import XCTest

@testable import NeosCore

/// Fits and their uncertainties on pyhf's uncorrelated_background (written out by
/// hand in ShapesysToyModel), against the pyhf 0.7.6 numbers in Tests/Data/pyhf/README.md and the recomputed table
/// of neos.md §7.2.
final class MLETests: ShapesysToyTestCase {
    /// The fit reports covariance from the exact Hessian; for this model the best fit on its own Asimov data is
    /// the generating point, with the Fisher information of neos.md §7.3 (s=5, b=50, σ=5 per bin).
    func testFitAndCramerRaoUncertainties() throws {
        for (bins, sigmaMu, sigmaGamma) in [
            (1, 1.7320508, 0.1), (2, 1.2247449, 0.091287093), (10, 0.54772256, 0.083666003),
        ] {
            let toy = ShapesysToyModel(
                signal: .init(repeating: 5, count: bins), background: .init(repeating: 50, count: bins),
                uncertainty: .init(repeating: 5, count: bins))
            let asimov = try toy.expectedData([0] + .init(repeating: 1, count: bins), includeAuxdata: true)
            // μ̂ = 0 sits on its bound; widen it so the Fisher information is the unconstrained one.
            var bounds = toy.suggestedBounds
            bounds[0] = (-10, 10)
            let fit = try MLE.fit(data: asimov, model: toy, configuration: .init(bounds: bounds))
            XCTAssertTrue(fit.converged, fit.reason)
            XCTAssertEqual(fit.parameters[0], 0, accuracy: 1e-12, fit.reason)
            let uncertainties = try fit.uncertainties()
            assertClose(uncertainties[0], sigmaMu, relative: 1e-7, "σ_μ, \(bins) bins")
            assertClose(uncertainties[1], sigmaGamma, relative: 1e-7, "σ_γ, \(bins) bins")
        }
    }

    func testFitStopsAtBoundsAndRespectsFixed() throws {
        // Observed far below background: μ̂ wants to be negative and stops at its bound 0.
        let fit = try MLE.fit(data: [30, 30] + model.auxdata, model: model)
        XCTAssertEqual(fit.parameters[0], 0)
        XCTAssertTrue(fit.converged)
        let fixed = try MLE.fixedPOIFit(poi: 2.5, data: data, model: model)
        XCTAssertEqual(fixed.parameters[0], 2.5)
        XCTAssertEqual(try fixed.uncertainties()[0], 0)
    }

    /// μ̂ stops on its bound 0 with the gradient pushing outward, so it stays there when the γ move: the covariance
    /// treats it as fixed for them (each γ then has only its own bin's curvature) and μ keeps the variance of its
    /// profile likelihood inside the bound, uncorrelated with them.
    func testParameterHeldOnABoundCountsAsFixedForTheOthers() throws {
        let deficit = [30.0, 30] + model.auxdata
        let fit = try MLE.fit(data: deficit, model: model)
        XCTAssertEqual(fit.parameters[0], 0)
        XCTAssertEqual(fit.held, [true, false, false])
        let uncertainties = try fit.uncertainties()
        let correlations = try fit.correlations()
        let hessian = try model.nllHessian(fit.parameters, data: deficit)
        for g in 1...2 {
            assertClose(uncertainties[g], 1 / hessian[g * 3 + g].squareRoot(), relative: 1e-12, "σ_γ\(g)")
            XCTAssertEqual(correlations[g], 0)
            XCTAssertEqual(correlations[g * 3], 0)
        }
        let profile = try XCTUnwrap(DenseLinearAlgebra.inverseSPD(hessian, size: 3))
        assertClose(uncertainties[0], profile[0].squareRoot(), relative: 1e-12, "σ_μ")
        // Where μ̂ is inside its range nothing is held.
        let excess = try MLE.fit(data: [62, 63] + model.auxdata, model: model)
        XCTAssertGreaterThan(excess.parameters[0], 0)
        XCTAssertEqual(excess.held, [false, false, false])
    }

    func testInitOutsideBoundsIsRefused() {
        XCTAssertThrowsError(
            try MLE.fit(data: data, model: model, configuration: .init(initialParameters: [11, 1, 1]))
        ) { error in
            XCTAssertEqual(
                error as? NeosError, .invalidArgument("init_pars[0] (mu) = 11.0 is outside its bounds [0.0, 10.0]"))
        }
    }
}

/// Fits refused before they start.
final class MLEErrorTests: XCTestCase {
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
}
