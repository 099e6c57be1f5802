import XCTest

@testable import NeosCore

/// Test statistics and asymptotic CLs on pyhf's uncorrelated_background (written out by
/// hand in ShapesysToyModel), against the pyhf 0.7.6 numbers in Tests/Data/pyhf/README.md and the recomputed table
/// of neos.md §7.2.
final class HypotestTests: ShapesysToyTestCase {
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
}
