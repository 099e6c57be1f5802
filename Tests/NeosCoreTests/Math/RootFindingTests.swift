import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class RootFindingTests: XCTestCase {
    /// Counts the evaluations of a function.
    final class Counter {
        var calls = 0
    }

    /// The result is within the documented bound 4·rtol·|x| + atol of the root.
    func assertNearRoot(
        _ found: Double, _ root: Double, absolute: Double = 1e-12, relative: Double = 4 * Double.ulpOfOne,
        _ message: String = "", file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(found, root, accuracy: 4 * relative * abs(root) + absolute, message, file: file, line: line)
    }

    /// Smooth roots known in closed form or to 25 digits (the Dottie number, cos x = x: mpmath 1.4.1
    /// `findroot(lambda x: cos(x) - x, 0.7)` = 0.7390851332151606416553121), found to the default tolerance in
    /// few evaluations: Brent's interpolation converges superlinearly on them.
    func testConvergesOnSmoothRoots() throws {
        let cases: [(name: String, f: (Double) -> Double, lower: Double, upper: Double, root: Double)] = [
            ("x² − 2", { $0 * $0 - 2 }, 0, 2, 2.0.squareRoot()),
            ("cos x − x", { cos($0) - $0 }, 0, 1, 0.739_085_133_215_160_641_655_312_1),
            ("eˣ − 10", { exp($0) - 10 }, -5, 5, log(10)),
            ("ln x", { log($0) }, 0.1, 50, 1),
            ("x³ − x − 1 (plastic number)", { $0 * $0 * $0 - $0 - 1 }, 1, 2, 1.324_717_957_244_746_025_960_908_854),
        ]
        for c in cases {
            let counter = Counter()
            let root = try RootFinding.brent(
                { x in
                    counter.calls += 1
                    return c.f(x)
                }, lower: c.lower, upper: c.upper)
            assertNearRoot(root, c.root, c.name)
            XCTAssertLessThanOrEqual(counter.calls, 20, "\(c.name): \(counter.calls) evaluations")
        }
    }

    /// A triple root gives the interpolation nothing to work with; the bisection safeguard still brackets it to
    /// the absolute tolerance. The function is exactly 0 only at 0, so |x| itself is the error.
    func testTripleRootConvergesThroughBisection() throws {
        let root = try RootFinding.brent({ $0 * $0 * $0 }, lower: -1, upper: 2, absoluteTolerance: 1e-10)
        XCTAssertLessThanOrEqual(abs(root), 1e-10)
    }

    /// A jump in sign (no root, only a sign change) is located to the tolerance, as bisection would.
    func testLocatesASignChangeOfADiscontinuousFunction() throws {
        let jump = 0.3
        let found = try RootFinding.brent({ $0 < jump ? -1 : 1 }, lower: 0, upper: 1, absoluteTolerance: 1e-9)
        XCTAssertEqual(found, jump, accuracy: 1e-9)
    }

    /// The order of the bracket's ends does not matter.
    func testReversedBracket() throws {
        let root = try RootFinding.brent({ $0 * $0 - 2 }, lower: 2, upper: 0)
        assertNearRoot(root, 2.0.squareRoot())
    }

    /// An end where f is exactly 0 is returned without iterating.
    func testExactRootAtAnEnd() throws {
        let counter = Counter()
        let f: (Double) -> Double = { x in
            counter.calls += 1
            return x - 1
        }
        XCTAssertEqual(try RootFinding.brent(f, lower: 1, upper: 3), 1)
        XCTAssertEqual(try RootFinding.brent(f, lower: -3, upper: 1), 1)
        XCTAssertEqual(counter.calls, 4)
    }

    /// A looser tolerance is honoured (the error bound holds) and costs fewer evaluations than a tight one.
    func testToleranceControlsAccuracyAndCost() throws {
        func solve(_ absolute: Double) throws -> (root: Double, calls: Int) {
            let counter = Counter()
            // A slowly converging case: the root of x·eˣ − 1 (omega constant Ω = 0.5671432904097838…,
            // mpmath `lambertw(1)`) from a wide bracket.
            let root = try RootFinding.brent(
                { x in
                    counter.calls += 1
                    return x * exp(x) - 1
                }, lower: -1, upper: 10, absoluteTolerance: absolute, relativeTolerance: 0)
            return (root, counter.calls)
        }
        let omega = 0.567_143_290_409_783_872_999_968_7
        let loose = try solve(1e-3)
        let tight = try solve(1e-13)
        XCTAssertEqual(loose.root, omega, accuracy: 1e-3)
        XCTAssertEqual(tight.root, omega, accuracy: 1e-13)
        XCTAssertLessThan(loose.calls, tight.calls)
    }

    /// Ends of one sign are refused with a `.numeric` error before any iteration.
    func testRefusesAnUnbracketedInterval() {
        XCTAssertThrowsError(try RootFinding.brent({ $0 * $0 + 1 }, lower: -1, upper: 1)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            XCTAssertTrue("\(error)".contains("not bracketed"), "\(error)")
        }
        XCTAssertThrowsError(try RootFinding.brent({ $0 - 5 }, lower: 0, upper: 1)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
        }
    }

    /// Running out of iterations is a `.numeric` error, never a silently inaccurate answer.
    func testIterationLimit() {
        XCTAssertThrowsError(
            try RootFinding.brent({ $0 * $0 * $0 }, lower: -1, upper: 2, absoluteTolerance: 1e-300, maxIterations: 5)
        ) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            XCTAssertTrue("\(error)".contains("did not converge in 5 iterations"), "\(error)")
        }
        let counter = Counter()
        _ = try? RootFinding.brent(
            { x in
                counter.calls += 1
                return x * x * x
            }, lower: -1, upper: 2, absoluteTolerance: 1e-300, maxIterations: 5)
        XCTAssertEqual(counter.calls, 2 + 5, "two evaluations at the ends, then one per iteration")
    }

    /// An error thrown by the function reaches the caller unchanged.
    func testFunctionErrorsPropagate() {
        struct Stop: Error {}
        XCTAssertThrowsError(
            try RootFinding.brent(
                { x in
                    if x > 0.5 && x < 1.5 { throw Stop() }
                    return x - 1
                }, lower: 0, upper: 3)
        ) { error in XCTAssertTrue(error is Stop, "\(error)") }
    }
}
