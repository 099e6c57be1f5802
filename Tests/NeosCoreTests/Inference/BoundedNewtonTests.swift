import XCTest

@testable import NeosCore

/// The EDM's regularisation search: whatever rung it starts from, it must stop at the rung the climb from the bottom
/// of the ladder stops at (the first whose shift factorises), with that rung's own factor, or the fits would change.
final class BoundedNewtonTests: XCTestCase {
    /// The first rung whose shifted Hessian factorises, found by trying every rung from the bottom.
    private func climb(_ h: FitHessian, scale: [Double]) -> Int? {
        BoundedNewton.regularisationLadder.indices.first { rung in
            h.cholesky(shift: scale.map { BoundedNewton.regularisationLadder[rung] * $0 }) != nil
        }
    }

    /// A symmetric n × n matrix Q diag(eigenvalues) Qᵀ with Q a product of random Givens rotations.
    private func symmetric(eigenvalues: [Double], generator: inout SplitMix64) -> [Double] {
        let n = eigenvalues.count
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { q[i * n + i] = 1 }
        for _ in 0..<(3 * n) {
            let (a, b) = (Int(generator.next() % UInt64(n)), Int(generator.next() % UInt64(n)))
            guard a != b else { continue }
            let angle = Double(generator.next() % 10_000) / 10_000 * 2 * Double.pi
            let (c, s) = (cos(angle), sin(angle))
            for row in 0..<n {
                let (x, y) = (q[row * n + a], q[row * n + b])
                q[row * n + a] = c * x - s * y
                q[row * n + b] = s * x + c * y
            }
        }
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                matrix[i * n + j] = (0..<n).reduce(0.0) { $0 + q[i * n + $1] * eigenvalues[$1] * q[j * n + $1] }
            }
        }
        for i in 0..<n { for j in 0..<i { matrix[i * n + j] = matrix[j * n + i] } }  // exactly symmetric
        return matrix
    }

    func testSearchStopsWhereTheClimbStopsFromEveryHint() {
        var generator = SplitMix64(seed: 7)
        let ladder = BoundedNewton.regularisationLadder
        XCTAssertEqual(ladder.first, 0)
        XCTAssertEqual(ladder.count, 14)  // 0, then 1e-12 … 1e12 a hundredfold apart
        var stopsSeen = Set<Int?>()
        for trial in 0..<200 {
            let n = 2 + trial % 7
            // Eigenvalues from clearly negative to tiny: the rungs needed spread over the ladder, and some matrices
            // need more than its top (no rung factorises).
            let exponent = Double(Int(generator.next() % 30)) - 14
            let lowest = (trial % 5 == 0 ? 1.0 : -1.0) * pow(10, exponent)
            var eigenvalues = (0..<n).map { _ in 0.5 + Double(generator.next() % 1000) / 100 }
            eigenvalues[Int(generator.next() % UInt64(n))] = lowest
            let matrix = symmetric(eigenvalues: eigenvalues, generator: &generator)
            let scale = (0..<n).map { _ in 0.1 + Double(generator.next() % 1000) / 100 }
            let h = FitHessian.dense(matrix, size: n)
            let expected = climb(h, scale: scale)
            stopsSeen.insert(expected)
            let rhs = (0..<n).map { Double($0) - 1.5 }
            for hint in 0..<ladder.count {
                let found = BoundedNewton.leastFactorisingRung(h, scale: scale, hint: hint)
                XCTAssertEqual(found?.0, expected, "trial \(trial), hint \(hint)")
                if let (rung, factor) = found, let direct = h.cholesky(shift: scale.map { ladder[rung] * $0 }) {
                    // The same factor, to the bit, as factorising at that rung directly.
                    XCTAssertEqual(factor.solve(rhs), direct.solve(rhs), "trial \(trial), hint \(hint)")
                }
            }
        }
        // The matrices exercised the unshifted case, shifted ones and at least one beyond the ladder.
        XCTAssertTrue(stopsSeen.contains(0))
        XCTAssertTrue(stopsSeen.contains(nil))
        XCTAssertGreaterThan(stopsSeen.count, 5)
    }
}
