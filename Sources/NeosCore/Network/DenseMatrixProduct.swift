/// C = α·op(A)·op(B) + β·C on row-major buffers, through `BLAS`'s dgemm or sgemm (the library chosen at run
/// time; the scalar type picks the routine, see ``NetworkScalar``). The network's only products, so the dense
/// layers' cost is one well-tuned kernel per product (split over the cores when `BLAS` runs the library
/// single-threaded), in float64 and float32 alike.
enum DenseMatrixProduct {
    /// `rows × columns` result; `inner` is the contracted dimension. `transposeA` means A is stored
    /// inner × rows; `transposeB` means B is stored columns × inner. `chunks` (tests only) overrides how many blocks
    /// the product is split into; by default that follows the work and whether `BLAS` splits products.
    static func multiply<Scalar: NetworkScalar>(
        _ a: UnsafePointer<Scalar>, transposeA: Bool = false, _ b: UnsafePointer<Scalar>, transposeB: Bool = false,
        into c: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, inner: Int, alpha: Scalar = 1, beta: Scalar = 0,
        chunks requestedChunks: Int? = nil
    ) {
        guard rows > 0, columns > 0 else { return }
        guard inner > 0 else {
            // gemm with k = 0 only scales C; do it here so β = 0 never reads uninitialised memory.
            for i in 0..<(rows * columns) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        let lda = transposeA ? rows : inner
        let ldb = transposeB ? inner : columns
        // One product on one thread below this many multiply-adds per chunk: a fraction of a millisecond, so
        // handing a chunk to another core costs a few percent at most (float32 runs them about twice as fast, still
        // well above a thread hand-off).
        let minimumWorkPerChunk = 1 << 21
        let work = Double(rows) * Double(columns) * Double(inner)
        let automatic =
            BLAS.splitsProducts
            ? Parallel.chunkCount(Int(min(work, Double(Int.max / 2))), minimumChunk: minimumWorkPerChunk) : 1
        let chunks = min(requestedChunks ?? automatic, max(rows, columns))
        guard chunks > 1 else {
            Scalar.gemm(
                transposeA: transposeA, transposeB: transposeB, rows: Int32(rows), columns: Int32(columns),
                inner: Int32(inner), alpha: alpha, a, lda: Int32(lda), b, ldb: Int32(ldb), beta: beta, c,
                ldc: Int32(columns))
            return
        }
        // Disjoint blocks of C, each one product with the full contraction, so every element is summed in the
        // same order as by one call: blocks of rows (of A's rows) when C is tall, else blocks of columns.
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        if rows >= columns {
            Parallel.forEachChunk(count: rows, chunks: chunks) { _, block in
                Scalar.gemm(
                    transposeA: transposeA, transposeB: transposeB, rows: Int32(block.count), columns: Int32(columns),
                    inner: Int32(inner), alpha: alpha, a + (transposeA ? block.lowerBound : block.lowerBound * lda),
                    lda: Int32(lda), b, ldb: Int32(ldb), beta: beta, c + block.lowerBound * columns,
                    ldc: Int32(columns))
            }
        } else {
            Parallel.forEachChunk(count: columns, chunks: chunks) { _, block in
                Scalar.gemm(
                    transposeA: transposeA, transposeB: transposeB, rows: Int32(rows), columns: Int32(block.count),
                    inner: Int32(inner), alpha: alpha, a, lda: Int32(lda),
                    b + (transposeB ? block.lowerBound * ldb : block.lowerBound), ldb: Int32(ldb), beta: beta,
                    c + block.lowerBound, ldc: Int32(columns))
            }
        }
    }

    /// y = Aᵀ·x for row-major A (rows × columns): the column sums of A weighted by x (dgemv, sgemv).
    static func transposedTimesVector<Scalar: NetworkScalar>(
        _ a: UnsafePointer<Scalar>, rows: Int, columns: Int, _ x: UnsafePointer<Scalar>,
        into y: UnsafeMutablePointer<Scalar>,
        beta: Scalar = 0
    ) {
        guard rows > 0, columns > 0 else { return }
        Scalar.gemvTransposed(rows: Int32(rows), columns: Int32(columns), a, lda: Int32(columns), x, beta: beta, y)
    }
}
