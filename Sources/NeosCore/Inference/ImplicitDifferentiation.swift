/// Derivatives of fitted parameters by the implicit function theorem at the optimum, never by unrolling the
/// minimiser: on the parameters that move freely at the optimum (not fixed, not on a bound, not held at a kink of
/// the likelihood) the optimality condition ∇_θ NLL = 0 holds, so dθ/dψ = −H⁻¹ ∂²NLL/∂θ∂ψ there; the others do not
/// move to first order and get zero derivative.
public enum ImplicitDifferentiation {
    /// Jacobians of a fit's parameters, row-major: `inputs` is n_pars × n_inputs (w.r.t. `model.inputs()`),
    /// `data` is n_pars × data.count (main data and auxdata).
    public struct FitJacobian: Sendable {
        public var inputs: [Double]
        public var data: [Double]
        /// The parameters that moved freely at the optimum (the rest have zero rows).
        public var moving: [Int]
    }

    public static func fitJacobian(
        _ fit: FitResult, model: Model, data: [Double], bounds: [(lower: Double, upper: Double)]? = nil
    ) throws -> FitJacobian {
        let n = model.parameterCount
        let x = fit.parameters
        let limits = bounds ?? model.suggestedBounds
        let breakpoints = model.parameterBreakpoints
        let fullHessian = try model.nllHessian(x, data: data)
        let largestCurvature = (0..<n).map { abs(fullHessian[$0 * n + $0]) }.max() ?? 0
        let moving = (0..<n).filter { i in
            if fit.fixed[i] || x[i] <= limits[i].lower || x[i] >= limits[i].upper { return false }
            // A direction the likelihood does not see at all (no curvature: e.g. a normfactor on a sample that
            // vanished) is undetermined and moves nothing to first order.
            if abs(fullHessian[i * n + i]) <= 1e-14 * largestCurvature { return false }
            let tolerance = 4 * max(1, abs(x[i])).ulp
            return !(i < breakpoints.count && breakpoints[i].contains { abs(x[i] - $0) <= tolerance })
        }
        let m = moving.count
        let inputCount = model.inputCount
        var inputJacobian = [Double](repeating: 0, count: n * inputCount)
        var dataJacobian = [Double](repeating: 0, count: n * data.count)
        guard m > 0 else { return FitJacobian(inputs: inputJacobian, data: dataJacobian, moving: []) }
        let hessian = DenseLinearAlgebra.submatrix(fullHessian, size: n, indices: moving)
        guard let factor = DenseLinearAlgebra.cholesky(hessian, size: m) else {
            throw NeosError(.numeric, "the Hessian at the fit is not positive definite: the fit has no derivative")
        }
        let mixedInputs = try model.nllGradientJacobianInputs(x, data: data)
        let mixedData = try model.nllGradientJacobianData(x, data: data)
        // One solve per column of ∂²NLL/∂θ_M∂ψ.
        for (columns, mixed, into) in [(inputCount, mixedInputs, 0), (data.count, mixedData, 1)] {
            var column = [Double](repeating: 0, count: m)
            for k in 0..<columns {
                var nonzero = false
                for (a, i) in moving.enumerated() {
                    column[a] = mixed[i * columns + k]
                    nonzero = nonzero || column[a] != 0
                }
                guard nonzero else { continue }
                let solved = DenseLinearAlgebra.choleskySolve(factor: factor, size: m, column)
                for (a, i) in moving.enumerated() {
                    if into == 0 { inputJacobian[i * columns + k] = -solved[a] } else { dataJacobian[i * columns + k] = -solved[a] }
                }
            }
        }
        return FitJacobian(inputs: inputJacobian, data: dataJacobian, moving: moving)
    }
}
