import XCTest

@testable import NeosCore

/// The float32 products of the network's `precision: float32`: the library's sgemm and sgemv against the
/// portable Float loops, and a Float product split over the cores as libneos splits it against one call.
final class SinglePrecisionBLASTests: XCTestCase {
    /// setup.sh installs OpenBLAS, which has sgemm: float32 on the portable loops would be a silent slowdown.
    func testTheLibraryInUseHasTheFloat32Products() {
        XCTAssertFalse(BLAS.description.isBuiltIn, "no BLAS loaded: \(BLAS.description.fallbackReason)")
        XCTAssertTrue(BLAS.hasFloat32Products)
    }

    /// sgemm of every transposition against the portable loops, in Float: the same products summed in different
    /// orders, so within Float rounding: 2e-6 relative to the sum of absolute terms (2⁻²⁴ ≈ 6e-8 per operation
    /// over at most 65 terms, ≈ 4e-6 if every rounding went one way, far less in practice).
    func testSgemmAgreesWithThePortableLoops() {
        var generator = SplitMix64(seed: 20_261_203)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.nextUniform() * 2 - 1) } }
        for (rows, columns, inner) in [(1, 1, 1), (7, 5, 3), (33, 17, 65), (64, 128, 9)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = values(rows * inner)
                    let b = values(inner * columns)
                    let start = values(rows * columns)
                    var library = start
                    var portable = start
                    let lda = transposeA ? rows : inner
                    let ldb = transposeB ? inner : columns
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposeB, rows: Int32(rows), columns: Int32(columns),
                        inner: Int32(inner), alpha: 0.75, a, lda: Int32(lda), b, ldb: Int32(ldb), beta: -0.5,
                        &library, ldc: Int32(columns))
                    PortableLinearAlgebra.gemm(
                        transposeA: transposeA, transposeB: transposeB, rows: rows, columns: columns, inner: inner,
                        alpha: Float(0.75), a, lda: lda, b, ldb: ldb, beta: -0.5, &portable, ldc: columns)
                    let bound = Float(inner) + 1
                    for index in 0..<(rows * columns) {
                        XCTAssertEqual(
                            library[index], portable[index], accuracy: 2e-6 * bound,
                            "\(rows)×\(columns)×\(inner) tA \(transposeA) tB \(transposeB)")
                    }
                }
            }
        }
        let a = values(40 * 23)
        let x = values(40)
        var library = [Float](repeating: 1, count: 23)
        var portable = library
        BLAS.sgemvTransposed(rows: 40, columns: 23, a, lda: 23, x, beta: 2, &library)
        PortableLinearAlgebra.gemvTransposed(rows: 40, columns: 23, a, lda: 23, x, beta: Float(2), &portable)
        for index in 0..<23 { XCTAssertEqual(library[index], portable[index], accuracy: 2e-6 * 42) }
    }

    /// The Float product through `DenseMatrixProduct` against the float64 product of the same (exactly
    /// representable) values: within Float rounding, 2e-6 relative to the sum of absolute terms.
    func testTheFloatProductIsTheDoubleProductToFloatRounding() {
        var generator = SplitMix64(seed: 41)
        let (rows, columns, inner) = (50, 30, 70)
        let a = (0..<(rows * inner)).map { _ in Float(generator.nextUniform() - 0.5) }
        let b = (0..<(inner * columns)).map { _ in Float(generator.nextUniform() - 0.5) }
        var single = [Float](repeating: .nan, count: rows * columns)
        var double = [Double](repeating: .nan, count: rows * columns)
        DenseMatrixProduct.multiply(a, b, into: &single, rows: rows, columns: columns, inner: inner)
        DenseMatrixProduct.multiply(
            a.map(Double.init), b.map(Double.init), into: &double, rows: rows, columns: columns, inner: inner)
        let bound = 0.25 * Double(inner)  // |a·b| ≤ 1/4 per term
        var largest = 0.0
        for k in 0..<double.count {
            largest = max(largest, abs(Double(single[k]) - double[k]))
            XCTAssertEqual(Double(single[k]), double[k], accuracy: 2e-6 * bound)
        }
        XCTAssertGreaterThan(largest, 0, "the Float product was summed in Float")
    }

    /// A Float product split into blocks of rows or columns equals the product in one call (each element is the
    /// same dot product over the full contraction): 2e-7 relative to the sum of absolute terms, as the blocks may
    /// reach other kernel edge cases that order a sum differently (in practice they agree exactly).
    func testASplitFloatProductEqualsTheProductInOneCall() {
        var generator = SplitMix64(seed: 42)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(2 * generator.nextUniform() - 1) } }
        for (rows, columns, inner) in [(1001, 3, 37), (5, 803, 11), (64, 64, 65)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = values(rows * inner)
                    let b = values(inner * columns)
                    let c0 = values(rows * columns)
                    let bound = Float(inner) + 1
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
                                split[k], whole[k], accuracy: 2e-7 * bound,
                                "\(rows)×\(columns)×\(inner) tA \(transposeA) tB \(transposeB), \(chunks) chunks")
                        }
                    }
                }
            }
        }
    }
}
