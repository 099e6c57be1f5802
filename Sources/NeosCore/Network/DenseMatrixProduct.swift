/// C = α·op(A)·op(B) + β·C on row-major buffers, through `BLAS`'s dgemm (the library chosen at run time). The
/// network's only products, so the dense layers' cost is one well-tuned kernel per product.
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
        BLAS.dgemm(
            transposeA: transposeA, transposeB: transposeB, rows: Int32(rows), columns: Int32(columns),
            inner: Int32(inner), alpha: alpha, a, lda: Int32(transposeA ? rows : inner), b,
            ldb: Int32(transposeB ? inner : columns), beta: beta, c, ldc: Int32(columns))
    }

    /// y = Aᵀ·x for row-major A (rows × columns): the column sums of A weighted by x (dgemv).
    static func transposedTimesVector(
        _ a: UnsafePointer<Double>, rows: Int, columns: Int, _ x: UnsafePointer<Double>,
        into y: UnsafeMutablePointer<Double>,
        beta: Double = 0
    ) {
        guard rows > 0, columns > 0 else { return }
        BLAS.dgemvTransposed(rows: Int32(rows), columns: Int32(columns), a, lda: Int32(columns), x, beta: beta, y)
    }
}
