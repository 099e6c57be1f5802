import XCTest

@testable import NeosCore

/// Upper limits by scan and by root finding on pyhf's uncorrelated_background (written out by
/// hand in ShapesysToyModel), against the pyhf 0.7.6 numbers in Tests/Data/pyhf/README.md and the recomputed table
/// of neos.md §7.2.
final class UpperLimitsTests: ShapesysToyTestCase {
    /// The observed then expected limits against the converged reference (1e-7 relative) and pyhf's (2e-5).
    func assertLimits(
        _ limits: UpperLimitResult, _ reference: [Double], pyhf: [Double], _ method: String, line: UInt = #line
    ) {
        for (index, value) in ([limits.observed] + limits.expected).enumerated() {
            assertClose(value, reference[index], relative: 1e-7, "\(method) limit \(index)", line: line)
            assertClose(value, pyhf[index], relative: 2e-5, "\(method) limit \(index) vs pyhf", line: line)
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
        assertLimits(scanned, scanReference, pyhf: pyhfScan, "scan")
        let solved = try UpperLimits.rootFinding(data: data, model: model)
        let rootReference = [
            1.0115718815879498, 0.5598842555572217, 0.7570290240323296, 1.0623550012963359,
            1.5011808277070713, 2.0508020221164203,
        ]
        let pyhfRoot = [1.01156939, 0.55988001, 0.75702336, 1.06234693, 1.50116923, 2.05078596]
        assertLimits(solved, rootReference, pyhf: pyhfRoot, "root")
        // Each limit is a root: CLs there is the level.
        let atObserved = try Hypotest.run(poi: solved.observed, data: data, model: model)
        XCTAssertEqual(atObserved.observed.cls, 0.05, accuracy: 1e-9)
    }

    func testRootFinding() throws {
        let root = try RootFinding.brent({ $0 * $0 * $0 - 2 }, lower: 0, upper: 3)
        XCTAssertEqual(root, 1.2599210498948732, accuracy: 1e-12)
        XCTAssertThrowsError(try RootFinding.brent({ $0 * $0 + 1 }, lower: -1, upper: 1))
    }
}

/// The upper limits' Jacobians against central differences of re-solved limits.
final class UpperLimitDerivativesTests: XCTestCase {
    /// Observed and expected limits' derivatives against central differences of re-solved limits (1e-5 relative).
    func testAgainstResolvedFiniteDifferences() throws {
        let model = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let data = [51, 48] + model.auxdata
        func limits(_ model: Model, _ data: [Double]) throws -> [Double] {
            let solved = try UpperLimits.rootFinding(
                data: data, model: model, absoluteTolerance: 1e-15, relativeTolerance: 1e-15)
            return [solved.observed] + solved.expected
        }
        let (values, inputRows, dataRows) = try UpperLimits.jacobian(data: data, model: model)
        XCTAssertEqual(values[0], 1.0115718815879498, accuracy: 1e-7)
        FiniteDifferences.assertEntries(
            inputRows,
            try FiniteDifferences.jacobian(model.inputs().values, step: 1e-4) {
                try limits(model.withInputs($0), data)
            },
            rtol: 1e-5, atol: 1e-9, "limits d/d inputs")
        FiniteDifferences.assertEntries(
            dataRows, try FiniteDifferences.jacobian(data, step: 1e-4) { try limits(model, $0) }, rtol: 1e-5,
            atol: 1e-9,
            "limits d/d data")
    }

    /// A limit beyond the POI's upper bound is an error that says so, not a fit refused for its start.
    func testLimitBeyondTheBoundsIsReported() throws {
        let model = try SimpleModels.uncorrelatedBackground(
            signal: [0.5, 0.4], background: [50, 52], uncertainty: [3, 7])
        XCTAssertThrowsError(try UpperLimits.rootFinding(data: [51, 48] + model.auxdata, model: model)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            XCTAssertTrue("\(error)".contains("up to the POI's upper bound μ = 10.0"), "\(error)")
        }
    }
}
