import XCTest

@testable import NeosCore

/// `DenseLinearAlgebra` on matrices with known answers (exact integer factorisations and inverses), on seeded
/// random SPD matrices through residuals that any correct factorisation meets, and on every way a matrix can fail
/// to be positive definite (the fits take their fallback path on nil, so nil must be returned exactly then).
final class DenseLinearAlgebraTests: XCTestCase {
    /// A = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]: every intermediate is a small integer, so any
    /// factorisation order reproduces L exactly.
    static let integerMatrix: [Double] = [4, 12, -16, 12, 37, -43, -16, -43, 98]
    static let integerFactor: [Double] = [2, 0, 0, 6, 1, 0, -8, 5, 3]

    /// A random SPD n×n matrix B Bᵀ + n·I from a seeded stream (B uniform in [−1, 1)): condition number below 10.
    static func randomSPD(_ n: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        let b = (0..<(n * n)).map { _ in 2 * generator.nextUniform() - 1 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += b[i * n + k] * b[j * n + k] }
                a[i * n + j] = sum + (i == j ? Double(n) : 0)
            }
        }
        return a
    }

    static func multiply(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += a[i * n + k] * b[k * n + j] }
                c[i * n + j] = sum
            }
        }
        return c
    }

    static func transpose(_ a: [Double], size n: Int) -> [Double] {
        (0..<(n * n)).map { a[($0 % n) * n + $0 / n] }
    }

    func testCholeskyOfAnIntegerMatrixIsExact() throws {
        let factor = try XCTUnwrap(DenseLinearAlgebra.cholesky(Self.integerMatrix, size: 3))
        XCTAssertEqual(factor, Self.integerFactor)
    }

    func testCholeskyReconstructsRandomMatricesWithAZeroUpperTriangle() throws {
        for (n, seed) in [(1, 1), (2, 2), (5, 3), (17, 4), (64, 5), (150, 6)] as [(Int, UInt64)] {
            let a = Self.randomSPD(n, seed: seed)
            let factor = try XCTUnwrap(DenseLinearAlgebra.cholesky(a, size: n), "n = \(n)")
            for i in 0..<n {
                XCTAssertGreaterThan(factor[i * n + i], 0)
                for j in (i + 1)..<max(n, i + 1) { XCTAssertEqual(factor[i * n + j], 0, "upper (\(i), \(j))") }
            }
            // Backward stability: ‖L Lᵀ − A‖ is a few ulps of ‖A‖ (entries are O(n) here).
            let product = Self.multiply(factor, Self.transpose(factor, size: n), size: n)
            let largest = a.map(abs).max()!
            for k in 0..<(n * n) {
                XCTAssertLessThanOrEqual(abs(product[k] - a[k]), 8 * Double(n) * .ulpOfOne * largest, "n = \(n)")
            }
        }
    }

    func testCholeskyReadsOnlyTheLowerTriangle() throws {
        var a = Self.integerMatrix
        a[1] = 1e300
        a[2] = .nan
        a[5] = -.infinity
        XCTAssertEqual(try XCTUnwrap(DenseLinearAlgebra.cholesky(a, size: 3)), Self.integerFactor)
    }

    func testCholeskyRefusesEveryMatrixThatIsNotNumericallyPositiveDefinite() {
        let cases: [(String, [Double], Int)] = [
            ("indefinite", [1, 2, 2, 1], 2),
            ("negative definite", [-1, 0, 0, -1], 2),
            ("singular semi-definite (zero pivot)", [1, 1, 1, 1], 2),
            ("zero matrix", [0, 0, 0, 0], 2),
            ("negative pivot last", [4, 2, 0, 2, 2, 0, 0, 0, -1], 3),
            ("NaN on the diagonal", [1, 0, 0, .nan], 2),
            ("NaN below the diagonal", [1, 0, .nan, 1], 2),
            ("infinite diagonal", [.infinity, 0, 0, 1], 2),
            ("infinite below the diagonal", [1, 0, .infinity, 1], 2),
            ("1×1 zero", [0], 1),
            ("1×1 negative", [-2], 1),
        ]
        for (name, matrix, n) in cases { XCTAssertNil(DenseLinearAlgebra.cholesky(matrix, size: n), name) }
    }

    func testEmptyMatrices() throws {
        XCTAssertEqual(try XCTUnwrap(DenseLinearAlgebra.cholesky([], size: 0)), [])
        XCTAssertEqual(DenseLinearAlgebra.choleskySolve(factor: [], size: 0, []), [])
        XCTAssertEqual(try XCTUnwrap(DenseLinearAlgebra.inverseSPD([], size: 0)), [])
    }

    func testCholeskySolveOfAnIntegerSystemIsExact() throws {
        // A x = b with x = (1, −2, 3): b = A x.
        let x: [Double] = [1, -2, 3]
        let b = (0..<3).map { i in (0..<3).map { Self.integerMatrix[i * 3 + $0] * x[$0] }.reduce(0, +) }
        let solved = DenseLinearAlgebra.choleskySolve(factor: Self.integerFactor, size: 3, b)
        XCTAssertEqual(solved, x)
    }

    func testCholeskySolveResidualsOnRandomMatrices() throws {
        var generator = SplitMix64(seed: 99)
        for (n, seed) in [(1, 11), (3, 12), (20, 13), (100, 14)] as [(Int, UInt64)] {
            let a = Self.randomSPD(n, seed: seed)
            let factor = try XCTUnwrap(DenseLinearAlgebra.cholesky(a, size: n))
            let b = (0..<n).map { _ in 2 * generator.nextUniform() - 1 }
            let x = DenseLinearAlgebra.choleskySolve(factor: factor, size: n, b)
            // These matrices have condition numbers below 10, so ‖A x − b‖ stays within a few ulps of ‖A‖‖x‖.
            let largest = a.map(abs).max()! * x.map(abs).max()!
            for i in 0..<n {
                let residual = (0..<n).map { a[i * n + $0] * x[$0] }.reduce(0, +) - b[i]
                XCTAssertLessThanOrEqual(abs(residual), 8 * Double(n) * .ulpOfOne * largest, "n = \(n), row \(i)")
            }
        }
    }

    func testInverseOfAnIntegerMatrix() throws {
        // [[1, 1], [1, 2]] = L Lᵀ with L = [[1, 0], [1, 1]]: L⁻¹ is an integer matrix, so the inverse
        // [[2, −1], [−1, 1]] comes out exactly.
        XCTAssertEqual(try XCTUnwrap(DenseLinearAlgebra.inverseSPD([1, 1, 1, 2], size: 2)), [2, -1, -1, 1])
        XCTAssertEqual(try XCTUnwrap(DenseLinearAlgebra.inverseSPD([4], size: 1)), [0.25])
        // diag(4, 1/4, 16)⁻¹ exactly.
        XCTAssertEqual(
            try XCTUnwrap(DenseLinearAlgebra.inverseSPD([4, 0, 0, 0, 0.25, 0, 0, 0, 16], size: 3)),
            [0.25, 0, 0, 0, 4, 0, 0, 0, 0.0625])
    }

    func testInverseIsExactlySymmetricAndInvertsRandomMatrices() throws {
        for (n, seed) in [(2, 21), (7, 22), (40, 23), (120, 24)] as [(Int, UInt64)] {
            let a = Self.randomSPD(n, seed: seed)
            let inverse = try XCTUnwrap(DenseLinearAlgebra.inverseSPD(a, size: n))
            for i in 0..<n {
                for j in 0..<n { XCTAssertEqual(inverse[i * n + j], inverse[j * n + i], "(\(i), \(j)), n = \(n)") }
            }
            let product = Self.multiply(a, inverse, size: n)
            for i in 0..<n {
                for j in 0..<n {
                    XCTAssertEqual(product[i * n + j], i == j ? 1 : 0, accuracy: 16 * Double(n) * .ulpOfOne)
                }
            }
        }
    }

    func testInverseRefusesMatricesThatAreNotPositiveDefinite() {
        XCTAssertNil(DenseLinearAlgebra.inverseSPD([1, 2, 2, 1], size: 2))
        XCTAssertNil(DenseLinearAlgebra.inverseSPD([1, 1, 1, 1], size: 2))
        XCTAssertNil(DenseLinearAlgebra.inverseSPD([1, 0, 0, .nan], size: 2))
        XCTAssertNil(DenseLinearAlgebra.inverseSPD([0], size: 1))
    }

    func testNegativeCurvatureDirectionHasTheSkippedPivotAsItsCurvature() throws {
        // A = [[4, 2, 0], [2, −2, 1], [0, 1, 5]]: the second pivot is −2 − 2²/4 = −3, skipped; d = (−1/2, 1, 0)
        // from the taken first pivot, with dᵀAd = −3 exactly.
        let a: [Double] = [4, 2, 0, 2, -2, 1, 0, 1, 5]
        let d = try XCTUnwrap(DenseLinearAlgebra.negativeCurvatureDirection(a, size: 3, scale: [4, 2, 5]))
        XCTAssertEqual(d, [-0.5, 1, 0])
        let curvature = (0..<3).map { i in d[i] * (0..<3).map { a[i * 3 + $0] * d[$0] }.reduce(0, +) }.reduce(0, +)
        XCTAssertEqual(curvature, -3)
        XCTAssertNil(DenseLinearAlgebra.negativeCurvatureDirection(Self.integerMatrix, size: 3, scale: [4, 37, 98]))
        XCTAssertNil(DenseLinearAlgebra.negativeCurvatureDirection([1, 0, 0, .nan], size: 2, scale: [1, 1]))
    }

    func testSubmatrixPicksRowsAndColumnsInTheGivenOrder() {
        let a = (0..<16).map(Double.init)
        XCTAssertEqual(DenseLinearAlgebra.submatrix(a, size: 4, indices: [3, 1]), [15, 13, 7, 5])
        XCTAssertEqual(DenseLinearAlgebra.submatrix(a, size: 4, indices: []), [])
        XCTAssertEqual(DenseLinearAlgebra.submatrix(a, size: 4, indices: [0, 1, 2, 3]), a)
    }

    func testNegativeCurvatureDirectionOfSmallMatrices() {
        // Eigenvalues −1 and 3: the direction has dᵀAd < 0; the first pivot is taken, the second is the Schur
        // complement 1 − 4 = −3, which is dᵀAd for d = (−2, 1).
        let indefinite = [1.0, 2, 2, 1]
        let d = try! XCTUnwrap(
            DenseLinearAlgebra.negativeCurvatureDirection(indefinite, size: 2, scale: [1, 1]))
        XCTAssertEqual(d[0], -2, accuracy: 1e-15)
        XCTAssertEqual(d[1], 1)
        let curvature = d[0] * (d[0] + 2 * d[1]) + d[1] * (2 * d[0] + d[1])
        XCTAssertEqual(curvature, -3, accuracy: 1e-14)
        // A zero row (a parameter the data do not constrain) is singular but has no negative curvature.
        XCTAssertNil(DenseLinearAlgebra.negativeCurvatureDirection([2, 0, 0, 0], size: 2, scale: [2, 1]))
        XCTAssertNil(DenseLinearAlgebra.negativeCurvatureDirection([2, 1, 1, 2], size: 2, scale: [2, 2]))
        // A negative pivot after a skipped zero one: d lives on the taken pivots and the negative one only.
        let three = [4.0, 0, 2, 0, 0, 0, 2, 0, -1]
        let e = try! XCTUnwrap(DenseLinearAlgebra.negativeCurvatureDirection(three, size: 3, scale: [4, 1, 1]))
        XCTAssertEqual(e, [-0.5, 0, 1])
    }
}
