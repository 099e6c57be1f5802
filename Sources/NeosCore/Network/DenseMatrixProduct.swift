import COpenBLAS

/// C = α·op(A)·op(B) + β·C on row-major buffers, through OpenBLAS's dgemm. This is the only place the core
/// touches BLAS, so the dense layers' cost is one well-tuned kernel per product.
enum DenseMatrixProduct {
    /// `rows × columns` result; `inner` is the contracted dimension. `transposeA` means A is stored
    /// inner × rows; `transposeB` means B is stored columns × inner.
    static func multiply(
        _ a: UnsafePointer<Double>, transposeA: Bool = false, _ b: UnsafePointer<Double>, transposeB: Bool = false,
        into c: UnsafeMutablePointer<Double>, rows: Int, columns: Int, inner: Int, alpha: Double = 1, beta: Double = 0
    ) {
        guard rows > 0, columns > 0 else { return }
        guard inner > 0 else {
            // dgemm with k = 0 only scales C; do it here so β = 0 never reads uninitialised memory.
            for i in 0..<(rows * columns) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows), Int32(columns), Int32(inner), alpha,
            a, Int32(transposeA ? rows : inner), b, Int32(transposeB ? inner : columns), beta, c, Int32(columns))
    }

    /// y = Aᵀ·x for row-major A (rows × columns): the column sums of A weighted by x (dgemv).
    static func transposedTimesVector(
        _ a: UnsafePointer<Double>, rows: Int, columns: Int, _ x: UnsafePointer<Double>,
        into y: UnsafeMutablePointer<Double>,
        beta: Double = 0
    ) {
        guard rows > 0, columns > 0 else { return }
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, a, Int32(columns), x, 1, beta, y, 1)
    }
}
