#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A floating-point type the network's layers run in (``NetworkPrecision``): it brings its BLAS products and the
/// elementary functions of the activations, so the layers, the split of products over the cores and the
/// activations are written once, generic over the scalar.
protocol NetworkScalar: BinaryFloatingPoint, Sendable {
    /// C = α·op(A)·op(B) + β·C on row-major buffers (cblas_dgemm / cblas_sgemm through ``BLAS``).
    static func gemm(
        transposeA: Bool, transposeB: Bool, rows: Int32, columns: Int32, inner: Int32, alpha: Self,
        _ a: UnsafePointer<Self>, lda: Int32, _ b: UnsafePointer<Self>, ldb: Int32, beta: Self,
        _ c: UnsafeMutablePointer<Self>, ldc: Int32)

    /// y = Aᵀ·x + β·y for row-major A (rows × columns), unit strides (cblas_dgemv / cblas_sgemv).
    static func gemvTransposed(
        rows: Int32, columns: Int32, _ a: UnsafePointer<Self>, lda: Int32, _ x: UnsafePointer<Self>, beta: Self,
        _ y: UnsafeMutablePointer<Self>)

    /// tanh(x) in this type's precision.
    static func hyperbolicTangent(_ x: Self) -> Self

    /// eˣ in this type's precision.
    static func exponential(_ x: Self) -> Self
}

extension Double: NetworkScalar {
    static func gemm(
        transposeA: Bool, transposeB: Bool, rows: Int32, columns: Int32, inner: Int32, alpha: Double,
        _ a: UnsafePointer<Double>, lda: Int32, _ b: UnsafePointer<Double>, ldb: Int32, beta: Double,
        _ c: UnsafeMutablePointer<Double>, ldc: Int32
    ) {
        BLAS.dgemm(
            transposeA: transposeA, transposeB: transposeB, rows: rows, columns: columns, inner: inner, alpha: alpha,
            a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
    }

    static func gemvTransposed(
        rows: Int32, columns: Int32, _ a: UnsafePointer<Double>, lda: Int32, _ x: UnsafePointer<Double>,
        beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        BLAS.dgemvTransposed(rows: rows, columns: columns, a, lda: lda, x, beta: beta, y)
    }

    static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }

    static func exponential(_ x: Double) -> Double { exp(x) }
}

extension Float: NetworkScalar {
    static func gemm(
        transposeA: Bool, transposeB: Bool, rows: Int32, columns: Int32, inner: Int32, alpha: Float,
        _ a: UnsafePointer<Float>, lda: Int32, _ b: UnsafePointer<Float>, ldb: Int32, beta: Float,
        _ c: UnsafeMutablePointer<Float>, ldc: Int32
    ) {
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, rows: rows, columns: columns, inner: inner, alpha: alpha,
            a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
    }

    static func gemvTransposed(
        rows: Int32, columns: Int32, _ a: UnsafePointer<Float>, lda: Int32, _ x: UnsafePointer<Float>,
        beta: Float, _ y: UnsafeMutablePointer<Float>
    ) {
        BLAS.sgemvTransposed(rows: rows, columns: columns, a, lda: lda, x, beta: beta, y)
    }

    static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }

    static func exponential(_ x: Float) -> Float { expf(x) }
}
