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

    /// The rows and columns `indices` of a row-major n×n matrix.
    public static func submatrix(_ matrix: [Double], size n: Int, indices: [Int]) -> [Double] {
        var result = [Double](repeating: 0, count: indices.count * indices.count)
        for (a, i) in indices.enumerated() {
            for (b, j) in indices.enumerated() { result[a * indices.count + b] = matrix[i * n + j] }
        }
        return result
    }
}
