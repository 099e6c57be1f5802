import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#endif

/// pyhf's tensor-level log-densities: closed forms at chosen points (1e-14 relative), and pyhf's edge values.
final class DensitiesTests: XCTestCase {
    func testPoissonClosedForms() {
        // 3 ln 4.2 − 4.2 − ln 3!, and at the non-integer count 2.5: 2.5 ln 0.7 − 0.7 − ln Γ(3.5), Γ(3.5) = 15√π/8.
        let cases: [(Double, Double, Double)] = [
            (3, 4.2, 3 * log(4.2) - 4.2 - log(6.0)),
            (2.5, 0.7, 2.5 * log(0.7) - 0.7 - log(15 * Double.pi.squareRoot() / 8)),
            (0, 9.5, -9.5),
        ]
        for (n, rate, expected) in cases {
            XCTAssertEqual(Densities.poissonLogPDF(n, rate: rate), expected, accuracy: 1e-14 * abs(expected))
        }
    }

    func testPoissonEdgeValuesArePyhfs() {
        XCTAssertEqual(Densities.poissonLogPDF(1, rate: 0), -.infinity)
        XCTAssertEqual(Densities.poissonLogPDF(0, rate: 0), 0)
        // 0 · ln λ counts as 0 for a negative rate too (scipy's xlogy), unlike the model's NaN.
        XCTAssertEqual(Densities.poissonLogPDF(0, rate: -2), 2)
        XCTAssertTrue(Likelihood.logPoisson(0, -2).isNaN)
        XCTAssertTrue(Densities.poissonLogPDF(2, rate: -1).isNaN)
        XCTAssertTrue(Densities.poissonLogPDF(.nan, rate: 1).isNaN)
    }

    func testNormalClosedFormsAndEdges() {
        // −½ ((1.5 − 0.5)/2)² − ln(2 √(2π)).
        let expected = -0.125 - log(2 * (2 * Double.pi).squareRoot())
        XCTAssertEqual(Densities.normalLogPDF(1.5, mean: 0.5, sigma: 2), expected, accuracy: 1e-14 * abs(expected))
        XCTAssertTrue(Densities.normalLogPDF(1, mean: 0, sigma: 0).isNaN)
        XCTAssertTrue(Densities.normalLogPDF(1, mean: 0, sigma: -1).isNaN)
    }
}
