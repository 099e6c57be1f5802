/// The Hessian a fit works with: dense (row-major n × n, factorised through LAPACK), or block-arrow
/// (ArrowMatrix.swift) for models with many bin-local parameters, where a dense matrix would cost n² memory and n³
/// time per iteration. The minimiser (BoundedNewton.swift) and the fit result use only the operations below, so both
/// forms run the same algorithm; the dense form performs exactly the arithmetic the minimiser did on plain arrays.
enum FitHessian: Sendable {
    case dense([Double], size: Int)
    case arrow(ArrowMatrix)

    /// The order.
    var size: Int {
        switch self {
        case .dense(_, let size): size
        case .arrow(let matrix): matrix.size
        }
    }

    /// Whether every entry is finite.
    var isFinite: Bool {
        switch self {
        case .dense(let values, _): values.allSatisfy(\.isFinite)
        case .arrow(let matrix): matrix.isFinite
        }
    }

    /// Entry (i, j).
    func entry(_ i: Int, _ j: Int) -> Double {
        switch self {
        case .dense(let values, let n): values[i * n + j]
        case .arrow(let matrix): matrix.entry(i, j)
        }
    }

    /// Entry (i, i).
    func diagonal(_ i: Int) -> Double { entry(i, i) }

    /// The row-major dense matrix.
    var denseMatrix: [Double] {
        switch self {
        case .dense(let values, _): values
        case .arrow(let matrix): matrix.dense
        }
    }

    /// The rows and columns `indices` (ascending), in that order.
    func restricted(to indices: [Int]) -> FitHessian {
        switch self {
        case .dense(let values, let n):
            .dense(DenseLinearAlgebra.submatrix(values, size: n, indices: indices), size: indices.count)
        case .arrow(let matrix): .arrow(matrix.restricted(to: indices))
        }
    }

    /// The Cholesky factorisation of H + diag(shift), or nil if that is not numerically positive definite.
    func cholesky(shift: [Double]) -> FitHessianFactor? {
        switch self {
        case .dense(var values, let n):
            for a in 0..<n { values[a * n + a] += shift[a] }
            return DenseLinearAlgebra.cholesky(values, size: n).map { .dense($0, size: n) }
        case .arrow(let matrix):
            return matrix.cholesky(shift: shift).map { .arrow($0) }
        }
    }

    /// xᵀ H x.
    func quadraticForm(_ x: [Double]) -> Double {
        switch self {
        case .dense(let h, let m):
            var quadratic = 0.0
            for a in 0..<m {
                var row = 0.0
                for b in 0..<m { row += h[a * m + b] * x[b] }
                quadratic += x[a] * row
            }
            return quadratic
        case .arrow(let matrix):
            return zip(x, matrix.multiply(x)).map(*).reduce(0, +)
        }
    }

    /// A direction of negative curvature (`DenseLinearAlgebra.negativeCurvatureDirection`), or nil.
    func negativeCurvatureDirection(scale: [Double]) -> [Double]? {
        switch self {
        case .dense(let values, let n): DenseLinearAlgebra.negativeCurvatureDirection(values, size: n, scale: scale)
        case .arrow(let matrix): matrix.negativeCurvatureDirection(scale: scale)
        }
    }
}

/// A Cholesky factorisation from `FitHessian.cholesky`.
enum FitHessianFactor {
    case dense([Double], size: Int)
    case arrow(ArrowCholesky)

    /// x with (H + diag(shift)) x = rhs.
    func solve(_ rhs: [Double]) -> [Double] {
        switch self {
        case .dense(let factor, let n): DenseLinearAlgebra.choleskySolve(factor: factor, size: n, rhs)
        case .arrow(let factor): factor.solve(rhs)
        }
    }
}
