import XCTest

@testable import NeosCore

/// Fits, test statistics, asymptotic CLs and upper limits on pyhf's uncorrelated_background, against the pyhf
/// 0.7.6 numbers in Tests/Data/pyhf/README.md and the recomputed table of neos.md §7.2.
final class InferenceTests: XCTestCase {
    let model = ShapesysToyModel(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
    var data: [Double] { [51, 48] + model.auxdata }

    func assertClose(_ a: Double, _ b: Double, relative: Double, _ label: String = "", line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: relative * abs(b), label, line: line)
    }

    /// Reference values from an independent, tightly converged fit (scipy L-BFGS-B with ftol 1e-15 on pyhf's
    /// own twice_nll, then the asymptotic formulas): 1e-7 relative, the precision of that reference.
    func testHypotestMatchesTightlyConvergedReference() throws {
        let result = try Hypotest.run(poi: 1, data: data, model: model)
        for (value, reference) in zip(
            result.asimovData, [50.15254293665342, 50.0594051947694, 278.6252385369634, 53.1242667373063])
        {
            assertClose(value, reference, relative: 1e-7, "background-only Asimov data")
        }
        assertClose(result.qObserved, 3.9382449333764953, relative: 1e-7, "q_obs")
        assertClose(result.qAsimov, 3.418869067602486, relative: 1e-7, "q_A")
        assertClose(result.observed.cls, 0.05251552519035006, relative: 1e-7, "CLs")
        assertClose(result.observed.clsb, 0.02332496268896472, relative: 1e-7, "CLsb")
        assertClose(result.observed.clb, 0.44415365940681434, relative: 1e-7, "CLb")
        let band = [
            0.0026064045958222033, 0.013820640084928542, 0.06445515492695748, 0.23526090348234846,
            0.5730416554194937,
        ]
        for (value, reference) in zip(result.expected.map(\.cls), band) {
            assertClose(value, reference, relative: 1e-7, "expected CLs")
        }
    }

    /// neos.md §7.2: relaxed's one-bin dummy model, q_μ and CLs on Asimov(μ=0), q0 and p0 on Asimov(μ=1);
    /// recomputed values given to 8 significant digits.
    func testRelaxedDummyModelTable() throws {
        let rows: [(phi: Double, qmu: Double, gammaMu: Double, cls: Double, q0: Double, gamma0: Double, p0: Double)] = [
            (0, 4.0471093, 0.99454288, 0.044247052, 4.4134146, 1.0072464, 0.017828699),
            (2.5, 5.5359288, 0.96495395, 0.018629875, 5.8877538, 1.0491505, 0.0076232676),
            (5, 5.4523032, 0.78665666, 0.019542546, 4.4140094, 1.2897384, 0.017822485),
            (7.5, 3.9281876, 0.49994212, 0.047483092, 1.9545461, 1.6250434, 0.081048905),
            (10, 3.132387, 0.23162053, 0.076751284, 0.83140376, 1.9463519, 0.18093347),
        ]
        for row in rows {
            let phi = row.phi
            let toy = ShapesysToyModel(
                signal: [15 + phi], background: [45 - 2 * phi], uncertainty: [1 + 0.2 * phi * phi])
            let backgroundOnly = try toy.expectedData([0, 1], includeAuxdata: true)
            let exclusion = try Hypotest.run(poi: 1, data: backgroundOnly, model: toy, testStatistic: .qmu)
            assertClose(exclusion.qObserved, row.qmu, relative: 1e-6, "q_mu at phi=\(phi)")
            assertClose(exclusion.observedStatistic.conditionalFit.parameters[1], row.gammaMu, relative: 1e-6)
            assertClose(exclusion.observed.cls, row.cls, relative: 1e-6, "CLs at phi=\(phi)")
            let signalPlusBackground = try toy.expectedData([1, 1], includeAuxdata: true)
            let discovery = try Hypotest.run(poi: 0, data: signalPlusBackground, model: toy, testStatistic: .q0)
            assertClose(discovery.qObserved, row.q0, relative: 1e-6, "q0 at phi=\(phi)")
            assertClose(discovery.observedStatistic.conditionalFit.parameters[1], row.gamma0, relative: 1e-6)
            assertClose(discovery.headline, row.p0, relative: 1e-6, "p0 at phi=\(phi)")
        }
    }

    /// Upper limits by scan (interpolated as pyhf) and by root finding, against the same tightly converged
    /// reference (1e-7 relative) and against pyhf's printed numbers within its fit precision (2e-5).
    func testUpperLimits() throws {
        let scan = (0...10).map { Double($0) * 0.5 }
        let scanned = try UpperLimits.scan(scan, data: data, model: model)
        let scanReference = [
            1.0262759657375145, 0.6576648598245116, 0.8800008487166568, 1.124553366919566,
            1.5024583526471385, 2.0923554663687134,
        ]
        let pyhfScan = [1.0262704738584554, 0.65765653, 0.87999725, 1.12453992, 1.50243428, 2.09232927]
        for (index, value) in ([scanned.observed] + scanned.expected).enumerated() {
            assertClose(value, scanReference[index], relative: 1e-7, "scan limit \(index)")
            assertClose(value, pyhfScan[index], relative: 2e-5, "scan limit \(index) vs pyhf")
        }
        let solved = try UpperLimits.rootFinding(data: data, model: model)
        let rootReference = [
            1.0115718815879498, 0.5598842555572217, 0.7570290240323296, 1.0623550012963359,
            1.5011808277070713, 2.0508020221164203,
        ]
        let pyhfRoot = [1.01156939, 0.55988001, 0.75702336, 1.06234693, 1.50116923, 2.05078596]
        for (index, value) in ([solved.observed] + solved.expected).enumerated() {
            assertClose(value, rootReference[index], relative: 1e-7, "root limit \(index)")
            assertClose(value, pyhfRoot[index], relative: 2e-5, "root limit \(index) vs pyhf")
        }
        // Each limit is a root: CLs there is the level.
        let atObserved = try Hypotest.run(poi: solved.observed, data: data, model: model)
        XCTAssertEqual(atObserved.observed.cls, 0.05, accuracy: 1e-9)
    }

    /// pyhf issue #1992: q̃ at μ = 0 with q_A = 0 gives a finite statistic (0) and pyhf 0.7.6's CLs = 1, not NaN.
    func testQtildeAtZeroIsFinite() throws {
        let toy = ShapesysToyModel(signal: [1], background: [1], uncertainty: [1])
        let result = try Hypotest.run(poi: 0, data: [2] + toy.auxdata, model: toy)
        XCTAssertEqual(result.qObserved, 0)
        XCTAssertEqual(result.statistic, 0)
        XCTAssertEqual(result.observed.cls, 1)
        XCTAssertTrue(result.expected.allSatisfy { $0.cls.isFinite })
    }

    /// pyhf issue #529: a signal with almost no effect must not produce NaN anywhere.
    func testTinySignalHasNoNaN() throws {
        let toy = ShapesysToyModel(signal: [0.005], background: [28], uncertainty: [5])
        let result = try Hypotest.run(poi: 1, data: [28] + toy.auxdata, model: toy)
        XCTAssertTrue(result.observed.cls.isFinite && result.observed.clsb.isFinite && result.observed.clb.isFinite)
        XCTAssertTrue(result.expected.allSatisfy { $0.cls.isFinite && $0.clsb.isFinite && $0.clb.isFinite })
    }

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

    func testRootFinding() throws {
        let root = try RootFinding.brent({ $0 * $0 * $0 - 2 }, lower: 0, upper: 3)
        XCTAssertEqual(root, 1.2599210498948732, accuracy: 1e-12)
        XCTAssertThrowsError(try RootFinding.brent({ $0 * $0 + 1 }, lower: -1, upper: 1))
    }
}
