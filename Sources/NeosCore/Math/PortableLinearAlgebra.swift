/// The BLAS and LAPACK routines of `BLAS` as plain Swift loops, for a process with no BLAS library: the same
/// arguments and storage (row-major products; LAPACK's column-major "U" triangle, which is the row-major lower
/// one), correct to rounding and without blocking or threads, so slow on large products.
enum PortableLinearAlgebra {
    /// C = α·op(A)·op(B) + β·C on row-major buffers with leading dimensions lda, ldb, ldc (dgemm for Double,
    /// sgemm for Float: the sums run in the scalar's own precision, as the library's would).
    static func gemm<Scalar: BinaryFloatingPoint>(
        transposeA: Bool, transposeB: Bool, rows: Int, columns: Int, inner: Int, alpha: Scalar,
        _ a: UnsafePointer<Scalar>, lda: Int, _ b: UnsafePointer<Scalar>, ldb: Int, beta: Scalar,
        _ c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        for i in 0..<rows {
            let row = c + i * ldc
            for j in 0..<columns { row[j] = beta == 0 ? 0 : beta * row[j] }
            for k in 0..<inner {
                let scale = alpha * (transposeA ? a[k * lda + i] : a[i * lda + k])
                guard scale != 0 else { continue }
                if transposeB {
                    for j in 0..<columns { row[j] += scale * b[j * ldb + k] }
                } else {
                    let bRow = b + k * ldb
                    for j in 0..<columns { row[j] += scale * bRow[j] }
                }
            }
        }
    }

    /// y = Aᵀ·x + β·y for row-major A (rows × columns, leading dimension lda), in the scalar's precision (dgemv,
    /// sgemv).
    static func gemvTransposed<Scalar: BinaryFloatingPoint>(
        rows: Int, columns: Int, _ a: UnsafePointer<Scalar>, lda: Int, _ x: UnsafePointer<Scalar>, beta: Scalar,
        _ y: UnsafeMutablePointer<Scalar>
    ) {
        for j in 0..<columns { y[j] = beta == 0 ? 0 : beta * y[j] }
        for i in 0..<rows {
            let row = a + i * lda
            for j in 0..<columns { y[j] += x[i] * row[j] }
        }
    }

    /// dpotrf "U": A = L Lᵀ in place in the row-major lower triangle (element (i, j), i ≥ j, at i·n + j); the upper
    /// triangle is left as it was. Returns 0, or j + 1 when the leading minor of order j + 1 is not positive.
    ///
    /// Right-looking: after column j is scaled, the trailing lower triangle takes the outer product of that column
    /// with itself, one contiguous row segment at a time against a contiguous copy of the column, so the inner
    /// loop is an axpy the compiler vectorises (a dot-product inner loop is a sequential floating-point reduction,
    /// which it may not reorder: four times slower on the fits' 64 × 64 Hessians).
    static func choleskyFactor(order n: Int, _ a: UnsafeMutablePointer<Double>) -> Int32 {
        let column = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
        defer { column.deallocate() }
        for j in 0..<n {
            let pivot = a[j &* n &+ j]
            // As LAPACK: a pivot that is not positive stops the factorisation (NaN passes, as in dpotrf).
            guard !(pivot <= 0) else { return Int32(j + 1) }
            let root = pivot.squareRoot()
            a[j &* n &+ j] = root
            for i in (j + 1)..<max(n, j + 1) {
                let value = a[i &* n &+ j] / root
                a[i &* n &+ j] = value
                column[i] = value
            }
            for i in (j + 1)..<max(n, j + 1) {
                let scale = column[i]
                let row = a + i &* n
                for k in (j + 1)...i { row[k] -= scale * column[k] }
            }
        }
        return 0
    }

    /// dpotrs "U" with one right-hand side: solves L Lᵀ x = b given the factor in the row-major lower triangle.
    /// The backward pass runs along rows of L (axpys), the forward pass as dot products.
    static func choleskySolve(order n: Int, _ a: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let row = a + i &* n
            var value = b[i]
            for k in 0..<i { value -= row[k] * b[k] }
            b[i] = value / row[i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let row = a + i &* n
            let value = b[i] / row[i]
            b[i] = value
            for k in 0..<i { b[k] -= row[k] * value }
        }
    }

    /// dpotri "U": (L Lᵀ)⁻¹ from the factor, written over the row-major lower triangle. Returns 0, or i + 1 when
    /// the factor's diagonal element i is zero.
    static func choleskyInverse(order n: Int, _ a: UnsafeMutablePointer<Double>) -> Int32 {
        for i in 0..<n where a[i * n + i] == 0 { return Int32(i + 1) }
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<n { column[i] = i == j ? 1 : 0 }
            column.withUnsafeMutableBufferPointer { choleskySolve(order: n, UnsafePointer(a), $0.baseAddress!) }
            for i in 0..<n { inverse[i * n + j] = column[i] }
        }
        for i in 0..<n {
            for j in 0...i { a[i * n + j] = 0.5 * (inverse[i * n + j] + inverse[j * n + i]) }
        }
        return 0
    }
}
