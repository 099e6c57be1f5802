import XCTest

@testable import NeosCore

/// `ArrowMatrix` against the same matrix held dense: entries, products, restriction, Cholesky solves, refusals and
/// directions of negative curvature. The matrix has two global rows (3 and 6), groups of one, two and three local
/// rows (group {0, 4, 7} couples to one global only) and rows in non-monotone order, so every index map is used.
final class ArrowMatrixTests: XCTestCase {
    /// The structure: size 9, globals 3 and 6; groups {1}, {2, 5}, {0, 4, 7}, {8}; couplings: {1} to both globals,
    /// {2, 5} to global 6, {0, 4, 7} to global 3, {8} to none.
    static func structure() -> ArrowMatrix {
        ArrowMatrix(
            size: 9, globals: [3, 6], groupStart: [0, 1, 3, 6, 7], locals: [1, 2, 5, 0, 4, 7, 8],
            columnStart: [0, 2, 3, 4, 4], couplingColumns: [0, 1, 1, 0])
    }

    /// A symmetric matrix of that structure from a seeded stream, with `diagonal` added to every diagonal entry
    /// (large: positive definite; negative at one row: indefinite).
    static func filled(seed: UInt64, diagonal: (Int) -> Double) -> ArrowMatrix {
        var matrix = structure()
        var generator = SplitMix64(seed: seed)
        func next() -> Double { 2 * generator.nextUniform() - 1 }
        let g = matrix.globals.count
        for a in 0..<g {
            for b in 0...a {
                let value = next()
                matrix.global[a * g + b] = value
                matrix.global[b * g + a] = value
            }
            matrix.global[a * g + a] += diagonal(matrix.globals[a])
        }
        for group in 0..<matrix.groupCount {
            let first = matrix.groupStart[group]
            let k = matrix.groupStart[group + 1] - first
            for r in 0..<k {
                for s in 0...r {
                    let value = next()
                    matrix.blocks[matrix.blockStart[group] + r * k + s] = value
                    matrix.blocks[matrix.blockStart[group] + s * k + r] = value
                }
                matrix.blocks[matrix.blockStart[group] + r * k + r] += diagonal(matrix.locals[first + r])
            }
            for index in matrix.couplingStart[group]..<matrix.couplingStart[group + 1] {
                matrix.coupling[index] = next()
            }
        }
        return matrix
    }

    static func denseProduct(_ a: [Double], _ x: [Double]) -> [Double] {
        let n = x.count
        return (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1] } }
    }

    func testEntriesAndProductMatchTheDenseMatrix() {
        let matrix = Self.filled(seed: 1) { _ in 5 }
        let dense = matrix.dense
        for i in 0..<9 {
            for j in 0..<9 {
                XCTAssertEqual(matrix.entry(i, j), dense[i * 9 + j], "entry (\(i), \(j))")
                XCTAssertEqual(dense[i * 9 + j], dense[j * 9 + i], "symmetry at (\(i), \(j))")
            }
        }
        // Outside the structure: different groups, and a group against a global it does not touch.
        XCTAssertEqual(matrix.entry(1, 2), 0)
        XCTAssertEqual(matrix.entry(2, 3), 0)
        XCTAssertEqual(matrix.entry(8, 6), 0)
        XCTAssertNotEqual(matrix.entry(1, 3), 0)
        let x = (0..<9).map { Double($0) - 3.5 }
        let expected = Self.denseProduct(dense, x)
        // Sums of nine products of O(1) terms: rounding of a few ulps.
        for (got, want) in zip(matrix.multiply(x), expected) { XCTAssertEqual(got, want, accuracy: 1e-13) }
    }

    func testRestrictionIsTheSubmatrix() {
        let matrix = Self.filled(seed: 2) { _ in 5 }
        for indices in [[0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 2, 3, 7, 8], [1, 4, 5, 6], [2, 5], [3, 6]] {
            let restricted = matrix.restricted(to: indices)
            XCTAssertEqual(restricted.size, indices.count)
            XCTAssertEqual(
                restricted.dense, DenseLinearAlgebra.submatrix(matrix.dense, size: 9, indices: indices),
                "rows \(indices)")
        }
    }

    func testCholeskySolvesLikeTheDenseFactorisation() throws {
        let matrix = Self.filled(seed: 3) { _ in 4 }
        let shift = (0..<9).map { 0.1 * Double($0) }
        var shifted = matrix.dense
        for i in 0..<9 { shifted[i * 9 + i] += shift[i] }
        let rhs = (0..<9).map { sin(Double($0) + 1) }
        let factor = try XCTUnwrap(matrix.cholesky(shift: shift))
        let denseFactor = try XCTUnwrap(DenseLinearAlgebra.cholesky(shifted, size: 9))
        let expected = DenseLinearAlgebra.choleskySolve(factor: denseFactor, size: 9, rhs)
        let solution = factor.solve(rhs)
        // A well-conditioned 9×9 system (diagonal dominance 4 against off-diagonals below 1): agreement to 1e-13.
        for (got, want) in zip(solution, expected) { XCTAssertEqual(got, want, accuracy: 1e-13) }
        for (got, want) in zip(Self.denseProduct(shifted, solution), rhs) { XCTAssertEqual(got, want, accuracy: 1e-13) }
    }

    func testCholeskyRefusesWhatIsNotPositiveDefinite() {
        // A negative pivot in a block, in the Schur complement (a global row), and a NaN.
        XCTAssertNil(Self.filled(seed: 4) { $0 == 4 ? -3 : 4 }.cholesky(shift: Array(repeating: 0, count: 9)))
        XCTAssertNil(Self.filled(seed: 4) { $0 == 6 ? -3 : 4 }.cholesky(shift: Array(repeating: 0, count: 9)))
        var withNaN = Self.filled(seed: 4) { _ in 4 }
        withNaN.coupling[0] = .nan
        XCTAssertNil(withNaN.cholesky(shift: Array(repeating: 0, count: 9)))
        // The shift makes an indefinite matrix positive definite, as the fits' regularisation does.
        XCTAssertNotNil(Self.filled(seed: 4) { $0 == 6 ? -3 : 4 }.cholesky(shift: Array(repeating: 10, count: 9)))
    }

    func testNegativeCurvatureDirections() throws {
        let scale = Array(repeating: 1.0, count: 9)
        XCTAssertNil(Self.filled(seed: 5) { _ in 4 }.negativeCurvatureDirection(scale: scale))
        // The negative pivot in a block (row 4, group {0, 4, 7}) and in the Schur complement (global row 6).
        for row in [4, 6] {
            let matrix = Self.filled(seed: 5) { $0 == row ? -6 : 4 }
            let direction = try XCTUnwrap(matrix.negativeCurvatureDirection(scale: scale), "row \(row)")
            XCTAssertEqual(direction[row], 1, "the skipped pivot's own component")
            let curvature = zip(direction, matrix.multiply(direction)).map(*).reduce(0, +)
            XCTAssertLessThan(curvature, -1, "dᵀHd for the negative pivot at row \(row)")
            // dᵀHd is the skipped pivot itself: the Schur complement of the taken rows, as the dense routine
            // computes it for the same matrix ordered locals first.
            let order = matrix.locals + matrix.globals
            let reordered = DenseLinearAlgebra.submatrix(matrix.dense, size: 9, indices: order)
            let dense = try XCTUnwrap(DenseLinearAlgebra.negativeCurvatureDirection(reordered, size: 9, scale: scale))
            let denseCurvature = zip(dense, Self.denseProduct(reordered, dense)).map(*).reduce(0, +)
            XCTAssertEqual(curvature, denseCurvature, accuracy: 1e-12 * abs(denseCurvature))
            for (position, i) in order.enumerated() { XCTAssertEqual(direction[i], dense[position], accuracy: 1e-12) }
        }
    }
}
