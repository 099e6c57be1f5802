#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small dense symmetric linear algebra on row-major square matrices (a few hundred rows at most: fit Hessians).
public enum DenseLinearAlgebra {
    /// The lower Cholesky factor L (row-major, upper triangle zero) with A = L Lᵀ, or nil if A is not
    /// numerically positive definite.
    public static func cholesky(_ matrix: [Double], size n: Int) -> [Double]? {
        precondition(matrix.count == n * n, "cholesky: matrix is not \(n)×\(n)")
        var factor = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = matrix[j * n + j]
            for k in 0..<j { diagonal -= factor[j * n + k] * factor[j * n + k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let pivot = diagonal.squareRoot()
            factor[j * n + j] = pivot
            for i in (j + 1)..<max(n, j + 1) {
                var value = matrix[i * n + j]
                for k in 0..<j { value -= factor[i * n + k] * factor[j * n + k] }
                factor[i * n + j] = value / pivot
            }
        }
        return factor
    }

    /// Solves L Lᵀ x = b for x given the Cholesky factor L.
    public static func choleskySolve(factor: [Double], size n: Int, _ rhs: [Double]) -> [Double] {
        var y = rhs
        for i in 0..<n {
            var value = y[i]
            for k in 0..<i { value -= factor[i * n + k] * y[k] }
            y[i] = value / factor[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var value = y[i]
            for k in (i + 1)..<max(n, i + 1) { value -= factor[k * n + i] * y[k] }
            y[i] = value / factor[i * n + i]
        }
        return y
    }

    /// A⁻¹ of a symmetric positive-definite matrix, or nil if it is not positive definite.
    public static func inverseSPD(_ matrix: [Double], size n: Int) -> [Double]? {
        guard let factor = cholesky(matrix, size: n) else { return nil }
        var inverse = [Double](repeating: 0, count: n * n)
        var unit = [Double](repeating: 0, count: n)
        for column in 0..<n {
            unit[column] = 1
            let solved = choleskySolve(factor: factor, size: n, unit)
            unit[column] = 0
            for row in 0..<n { inverse[row * n + column] = solved[row] }
        }
        // Symmetrise away rounding so callers can rely on exact symmetry.
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let mean = 0.5 * (inverse[i * n + j] + inverse[j * n + i])
                inverse[i * n + j] = mean
                inverse[j * n + i] = mean
            }
        }
        return inverse
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
        guard let (j, _) = mostNegative else { return nil }
        // Solve Lᵀ y = l over the taken pivots before j (back substitution), d = −y.
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
