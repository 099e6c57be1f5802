/// Small dense symmetric linear algebra on row-major square matrices (a few hundred rows at most: fit Hessians).
///
/// Cholesky factorisation, solves and SPD inverses go through LAPACK (dpotrf, dpotrs, dpotri) of the library `BLAS`
/// chose at run time (the one the network's dgemm uses). LAPACK is column-major, and a row-major symmetric matrix is its own
/// column-major image: the row-major lower triangle is LAPACK's upper one ("U"), so the row-major lower factor L of
/// A = L Lᵀ is LAPACK's U of A = UᵀU in the same memory, with no transposition.
///
/// Below `smallOrder` the factorisation and the solve run as the loops of `PortableLinearAlgebra` instead: a fit
/// factorises its Hessian (tens of parameters) several times per Newton step, and OpenBLAS's blocked dpotrf and
/// dpotrs spend most of such a small call in dispatch and blocking (a quarter of an ATLAS sbottom hypotest, 64
/// parameters, in `perf`; the vectorised loops take less than half of that time).
public enum DenseLinearAlgebra {
    /// The order from which Cholesky factorisations and solves go through LAPACK.
    static let smallOrder = 128
    /// The lower Cholesky factor L (row-major, upper triangle zero) with A = L Lᵀ, or nil if A is not
    /// numerically positive definite (a pivot that is not positive, or any non-finite entry of the factor). Only
    /// A's lower triangle is read.
    public static func cholesky(_ matrix: [Double], size n: Int) -> [Double]? {
        precondition(matrix.count == n * n, "cholesky: matrix is not \(n)×\(n)")
        guard n > 0 else { return [] }
        var factor = matrix
        let info = factor.withUnsafeMutableBufferPointer { a in
            n < smallOrder
                ? PortableLinearAlgebra.choleskyFactor(order: n, a.baseAddress!)
                : BLAS.choleskyFactor(order: lapackOrder(n), a.baseAddress!)
        }
        guard info == 0 else { return nil }
        // dpotrf leaves the other triangle as it was; the factor's upper triangle is zero by definition. dpotrf's
        // pivot test (a_jj ≤ 0) lets NaN through, so finiteness is checked on the result.
        for i in 0..<n {
            for j in 0..<i { guard factor[i * n + j].isFinite else { return nil } }
            guard factor[i * n + i].isFinite else { return nil }
            for j in (i + 1)..<n { factor[i * n + j] = 0 }
        }
        return factor
    }

    /// Solves L Lᵀ x = b for x given the Cholesky factor L from `cholesky` (n×n, row-major) and b (length n).
    public static func choleskySolve(factor: [Double], size n: Int, _ rhs: [Double]) -> [Double] {
        precondition(factor.count == n * n && rhs.count == n, "choleskySolve: wrong sizes")
        guard n > 0 else { return [] }
        var solution = rhs
        let info = factor.withUnsafeBufferPointer { a in
            solution.withUnsafeMutableBufferPointer { b in
                guard n >= smallOrder else {
                    PortableLinearAlgebra.choleskySolve(order: n, a.baseAddress!, b.baseAddress!)
                    return Int32(0)
                }
                return BLAS.choleskySolve(order: lapackOrder(n), a.baseAddress!, b.baseAddress!)
            }
        }
        precondition(info == 0, "dpotrs rejected argument \(-info)")
        return solution
    }

    /// A⁻¹ of a symmetric positive-definite matrix (row-major, exactly symmetric), or nil if `cholesky` refuses it.
    public static func inverseSPD(_ matrix: [Double], size n: Int) -> [Double]? {
        guard var inverse = cholesky(matrix, size: n) else { return nil }
        guard n > 0 else { return [] }
        let info = inverse.withUnsafeMutableBufferPointer { a in
            BLAS.choleskyInverse(order: lapackOrder(n), a.baseAddress!)
        }
        guard info == 0 else { return nil }
        // dpotri fills the triangle it was given (the row-major lower one); the upper one is its mirror image.
        for i in 0..<n {
            for j in (i + 1)..<n { inverse[i * n + j] = inverse[j * n + i] }
        }
        return inverse
    }

    /// n as LAPACK's 32-bit order and leading dimension.
    private static func lapackOrder(_ n: Int) -> Int32 {
        precondition(n <= Int(Int32.max), "LAPACK: order \(n) exceeds 32-bit integers")
        return Int32(n)
    }

    /// A direction d of negative curvature (dᵀAd < 0) of a symmetric matrix, or nil if there is none worth
    /// following: every pivot of A's Cholesky factorisation is non-negative up to `tolerance` × `scale` (a
    /// positive semi-definite A, or one whose negative eigenvalues are rounding).
    ///
    /// The factorisation skips the pivots it cannot take instead of failing, so it always runs to the end; the
    /// most negative skipped pivot s_j (relative to scale_j) gives d with d_j = 1, supported on j and the pivots
    /// taken before it: d = (−L⁻ᵀ l, 1), l the computed part of row j of the factor, for which dᵀAd = s_j exactly
    /// (the Schur complement of the taken block). Cost: one factorisation and one triangular solve.
    public static func negativeCurvatureDirection(
        _ matrix: [Double], size n: Int, scale: [Double], tolerance: Double = 1e-8
    ) -> [Double]? {
        guard let factorisation = pivotSkippingCholesky(matrix, size: n, scale: scale, tolerance: tolerance),
            let (j, _) = factorisation.mostNegative
        else { return nil }
        return negativeCurvatureDirection(factorisation, size: n, pivot: j)
    }

    /// The pivot-skipping Cholesky factorisation of `negativeCurvatureDirection`: the factor (row-major lower,
    /// zero in the columns of skipped pivots), which pivots were taken, and the most negative skipped pivot with
    /// its value relative to its scale.
    struct PivotSkippingCholesky {
        var factor: [Double]
        var taken: [Bool]
        var mostNegative: (index: Int, relative: Double)?
    }

    /// The factorisation of `negativeCurvatureDirection` (see there), nil if a pivot is not finite. The arrow
    /// solver (ArrowMatrix.swift) runs it on each block and on the Schur complement of the global rows.
    static func pivotSkippingCholesky(
        _ matrix: [Double], size n: Int, scale: [Double], tolerance: Double
    ) -> PivotSkippingCholesky? {
        precondition(matrix.count == n * n && scale.count == n, "negativeCurvatureDirection: wrong sizes")
        var factor = [Double](repeating: 0, count: n * n)
        var taken = [Bool](repeating: false, count: n)
        var mostNegative: (index: Int, relative: Double)? = nil
        for j in 0..<n {
            var pivot = matrix[j * n + j]
            for k in 0..<j where taken[k] { pivot -= factor[j * n + k] * factor[j * n + k] }
            guard pivot.isFinite else { return nil }
            if pivot > tolerance * scale[j] {
                taken[j] = true
                let root = pivot.squareRoot()
                factor[j * n + j] = root
                for i in (j + 1)..<max(n, j + 1) {
                    var value = matrix[i * n + j]
                    for k in 0..<j where taken[k] { value -= factor[i * n + k] * factor[j * n + k] }
                    factor[i * n + j] = value / root
                }
            } else if pivot < -tolerance * scale[j], pivot / scale[j] < (mostNegative?.relative ?? 0) {
                mostNegative = (j, pivot / scale[j])
            }
        }
        return PivotSkippingCholesky(factor: factor, taken: taken, mostNegative: mostNegative)
    }

    /// The direction of a skipped pivot j of a pivot-skipping factorisation: Lᵀ y = l over the pivots taken
    /// before j (back substitution), d = (−y, 1).
    static func negativeCurvatureDirection(_ factorisation: PivotSkippingCholesky, size n: Int, pivot j: Int)
        -> [Double]
    {
        let factor = factorisation.factor
        let taken = factorisation.taken
        var direction = [Double](repeating: 0, count: n)
        direction[j] = 1
        for k in stride(from: j - 1, through: 0, by: -1) where taken[k] {
            var value = factor[j * n + k]
            for i in (k + 1)..<j where taken[i] { value += factor[i * n + k] * direction[i] }
            direction[k] = -value / factor[k * n + k]
        }
        return direction
    }

    /// The rows and columns `indices` of a row-major n×n matrix.
    public static func submatrix(_ matrix: [Double], size n: Int, indices: [Int]) -> [Double] {
        var result = [Double](repeating: 0, count: indices.count * indices.count)
        for (a, i) in indices.enumerated() {
            for (b, j) in indices.enumerated() { result[a * indices.count + b] = matrix[i * n + j] }
        }
        return result
    }
}
