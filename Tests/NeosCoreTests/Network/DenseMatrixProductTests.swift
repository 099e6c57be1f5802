import XCTest

@testable import NeosCore

final class DenseMatrixProductTests: XCTestCase {
    /// A deterministic matrix of `count` values in [−1, 1).
    func matrix(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in 2 * generator.nextUniform() - 1 }
    }

    /// C = α·op(A)·op(B) + β·C for every combination of transposes, against a naive triple loop over the
    /// row-major layouts the documentation describes (1e-14 absolute: sums of 7 products of values below 1).
    func testMultiplyMatchesNaiveProductForEveryTranspose() {
        let rows = 3
        let columns = 5
        let inner = 7
        let alpha = 0.75
        let beta = -1.5
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = matrix(rows * inner, seed: 1)
                let b = matrix(inner * columns, seed: 2)
                let c0 = matrix(rows * columns, seed: 3)
                var expected = c0
                for i in 0..<rows {
                    for j in 0..<columns {
                        var sum = 0.0
                        for k in 0..<inner {
                            let aik = transposeA ? a[k * rows + i] : a[i * inner + k]
                            let bkj = transposeB ? b[j * inner + k] : b[k * columns + j]
                            sum += aik * bkj
                        }
                        expected[i * columns + j] = alpha * sum + beta * c0[i * columns + j]
                    }
                }
                var c = c0
                DenseMatrixProduct.multiply(
                    a, transposeA: transposeA, b, transposeB: transposeB, into: &c, rows: rows, columns: columns,
                    inner: inner, alpha: alpha, beta: beta)
                for index in 0..<c.count {
                    XCTAssertEqual(
                        c[index], expected[index], accuracy: 1e-14,
                        "A\(transposeA ? "ᵀ" : "")·B\(transposeB ? "ᵀ" : "")")
                }
            }
        }
    }

    /// With an empty inner dimension the product is 0, so C becomes β·C; with β = 0 whatever C held (even NaN)
    /// is overwritten by zeros, never read.
    func testEmptyInnerDimensionOnlyScales() {
        let a: [Double] = [0]
        let b: [Double] = [0]
        var c = [1.0, -2.0, 3.0, 4.0]
        DenseMatrixProduct.multiply(a, b, into: &c, rows: 2, columns: 2, inner: 0, beta: 0.5)
        XCTAssertEqual(c, [0.5, -1.0, 1.5, 2.0])
        var garbage = [Double.nan, .infinity, -.nan, 7]
        DenseMatrixProduct.multiply(a, b, into: &garbage, rows: 2, columns: 2, inner: 0)
        XCTAssertEqual(garbage, [0, 0, 0, 0])
    }

    /// y = Aᵀ·x (+ β·y) against the weighted column sums.
    func testTransposedTimesVector() {
        let rows = 4
        let columns = 3
        let a = matrix(rows * columns, seed: 9)
        let x = [0.5, -1.0, 2.0, 0.25]
        var y = [1.0, 1.0, 1.0]
        DenseMatrixProduct.transposedTimesVector(a, rows: rows, columns: columns, x, into: &y, beta: 2)
        for j in 0..<columns {
            let sum = (0..<rows).reduce(0.0) { $0 + a[$1 * columns + j] * x[$1] }
            XCTAssertEqual(y[j], sum + 2, accuracy: 1e-15)
        }
    }
    /// A product split into blocks of rows (tall C) or of columns (wide C), as libneos splits large products over
    /// the cores, equals the product in one call: every element is the same dot product over the full contraction.
    /// Compared to 1e-15 relative to the sum of absolute terms (the blocks may reach the library's kernels through
    /// other edge cases, which may order a sum differently; in practice they agree exactly).
    func testASplitProductEqualsTheProductInOneCall() {
        for (rows, columns, inner) in [(1001, 3, 37), (5, 803, 11), (64, 64, 65), (2, 1, 300)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = matrix(rows * inner, seed: 11)
                    let b = matrix(inner * columns, seed: 12)
                    let c0 = matrix(rows * columns, seed: 13)
                    let bound = Double(inner) + 1  // |terms| < 1, β·C < 1
                    var whole = c0
                    DenseMatrixProduct.multiply(
                        a, transposeA: transposeA, b, transposeB: transposeB, into: &whole, rows: rows,
                        columns: columns, inner: inner, alpha: 0.5, beta: 0.25, chunks: 1)
                    for chunks in [2, 3, 7] {
                        var split = c0
                        DenseMatrixProduct.multiply(
                            a, transposeA: transposeA, b, transposeB: transposeB, into: &split, rows: rows,
                            columns: columns, inner: inner, alpha: 0.5, beta: 0.25, chunks: chunks)
                        for k in 0..<whole.count {
                            XCTAssertEqual(
                                split[k], whole[k], accuracy: 1e-15 * bound,
                                "\(rows)×\(columns)×\(inner) tA \(transposeA) tB \(transposeB), \(chunks) chunks")
                        }
                    }
                }
            }
        }
    }
}
