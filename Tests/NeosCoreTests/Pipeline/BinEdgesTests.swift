import XCTest

@testable import NeosCore

final class BinEdgesTests: XCTestCase {
    /// neos's ordering guard and its VJP.
    func testBinEdgeGuard() {
        let edges = [0, 0.3, 0.2, 0.7, 1]
        XCTAssertEqual(BinEdgeGuard.apply(edges), [0, 0.3, 0.3001, 0.7, 1])
        XCTAssertEqual(BinEdgeGuard.vjp([1, 2, 3, 4, 5], edges: edges), [1, 5, 0, 4, 5])
    }

    /// Increasing edges pass unchanged, the first edge is never moved, and a run of out-of-order edges is each
    /// compared with its raw predecessor (not the guarded one).
    func testGuardCases() {
        XCTAssertEqual(BinEdgeGuard.apply([0, 0.5, 1]), [0, 0.5, 1])
        XCTAssertEqual(BinEdgeGuard.apply([0.9, 0.1, 1]), [0.9, 0.9001, 1])
        XCTAssertEqual(BinEdgeGuard.apply([0, 0.6, 0.5, 0.4, 1], gap: 0.01), [0, 0.6, 0.61, 0.51, 1])
        XCTAssertEqual(BinEdgeGuard.apply([0, 0.5, 0.5], gap: 0.25), [0, 0.5, 0.75], "equal edges are guarded")
        XCTAssertEqual(BinEdgeGuard.apply([]), [])
        XCTAssertEqual(BinEdgeGuard.apply([3]), [3])
    }

    /// The VJP is the transposed Jacobian of `apply`: checked against central differences of
    /// ⟨cotangent, apply(edges)⟩ at edges away from ties (where `apply` is linear, so 1e-9 absolute is loose).
    func testVJPMatchesFiniteDifferences() {
        let edges = [0, 0.6, 0.5, 0.4, 0.8, 1]
        let cotangent = [0.3, -1.2, 0.7, 2.0, -0.5, 1.1]
        let analytic = BinEdgeGuard.vjp(cotangent, edges: edges)
        let numeric = FiniteDifferences.gradient(edges, step: 1e-6) { e in
            zip(BinEdgeGuard.apply(e, gap: 0.01), cotangent).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for (a, n) in zip(analytic, numeric) { XCTAssertEqual(a, n, accuracy: 1e-9) }
    }
}
