/// Derivatives of fitted parameters by the implicit function theorem at the optimum, never by unrolling the
/// minimiser: on the parameters that move freely at the optimum (not fixed, not on a bound, not held at a kink of
/// the likelihood) the optimality condition ∇_θ NLL = 0 holds, so dθ/dψ = −H⁻¹ ∂²NLL/∂θ∂ψ there; the others do not
/// move to first order and get zero derivative. A parameter that sits on a kink without being held by it (level
/// slopes on both sides, as at a perfect fit) moves, with the curvature of the side the Hessian is evaluated on: its
/// derivative is one-sided, exact for the changes of the inputs that move it to that side.
public enum ImplicitDifferentiation {
    /// Jacobians of a fit's parameters, row-major: `inputs` is n_pars × n_inputs (w.r.t. `model.inputs()`),
    /// `data` is n_pars × data.count (main data and auxdata).
    public struct FitJacobian: Sendable {
        /// d θ̂/dψ, row-major parameterCount × inputCount.
        public var inputs: [Double]
        /// d θ̂/dn, row-major parameterCount × data.count.
        public var data: [Double]
        /// The parameters that moved freely at the optimum (the rest have zero rows).
        public var moving: [Int]
    }

    /// The Jacobians of `fit`, a fit of `model` to `data` within `bounds` (the model's suggested bounds when nil).
    public static func fitJacobian(
        _ fit: FitResult, model: Model, data: [Double], bounds: [(lower: Double, upper: Double)]? = nil
    ) throws -> FitJacobian {
        try fitJacobian(fit, of: model, data: data, bounds: bounds)
    }

    /// `fitJacobian(_:model:data:bounds:)` for any differentiable model.
    static func fitJacobian(
        _ fit: FitResult, of model: some DifferentiableLikelihoodModel, data: [Double],
        bounds: [(lower: Double, upper: Double)]?
    ) throws -> FitJacobian {
        let n = model.parameterCount
        let x = fit.parameters
        let limits = bounds ?? model.suggestedBounds
        let fullHessian = try model.nllHessian(x, data: data)
        let largestCurvature = (0..<n).map { abs(fullHessian[$0 * n + $0]) }.max() ?? 0
        let moving = (0..<n).filter { i in
            // Held: the fit found the likelihood rising on both sides of a kink (or pushing against a bound), so
            // small changes leave the parameter there.
            if fit.fixed[i] || fit.held[i] || x[i] <= limits[i].lower || x[i] >= limits[i].upper { return false }
            // A direction the likelihood does not see at all (no curvature: e.g. a normfactor on a sample that
            // vanished) is undetermined and moves nothing to first order.
            return abs(fullHessian[i * n + i]) > 1e-14 * largestCurvature
        }
        let m = moving.count
        let inputCount = model.inputCount
        var inputJacobian = [Double](repeating: 0, count: n * inputCount)
        var dataJacobian = [Double](repeating: 0, count: n * data.count)
        guard m > 0 else { return FitJacobian(inputs: inputJacobian, data: dataJacobian, moving: []) }
        let hessian = DenseLinearAlgebra.submatrix(fullHessian, size: n, indices: moving)
        try requireUniqueOptimum(hessian, moving: moving, names: model.parameterNames)
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
                    if into == 0 {
                        inputJacobian[i * columns + k] = -solved[a]
                    } else {
                        dataJacobian[i * columns + k] = -solved[a]
                    }
                }
            }
        }
        return FitJacobian(inputs: inputJacobian, data: dataJacobian, moving: moving)
    }

    /// The smallest 1 − R² a moving parameter may have (R its multiple correlation with the others at the
    /// optimum). Below it the optimum is a valley: parameters that the likelihood sees only in a fixed combination
    /// (a free normalisation and the POI on the same samples, say) are determined by rounding, and so would be any
    /// derivative of them.
    static let degeneracyThreshold = 1e-12

    /// Throws where the moving parameters are degenerate: the Cholesky pivots of the unit-diagonal Hessian are the
    /// successive 1 − R² (negative where the point is not a minimum at all).
    static func requireUniqueOptimum(_ hessian: [Double], moving: [Int], names: [String]) throws {
        let m = moving.count
        let scale = (0..<m).map { 1 / hessian[$0 * m + $0].squareRoot() }
        var factor = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            var pivot = hessian[j * m + j] * scale[j] * scale[j]
            for k in 0..<j { pivot -= factor[j * m + k] * factor[j * m + k] }
            guard pivot >= degeneracyThreshold, pivot.isFinite else {
                let name = moving[j] < names.count ? names[moving[j]] : "parameter \(moving[j])"
                if pivot < -1e-8 {
                    throw NeosError(
                        .numeric,
                        "the Hessian at the fit is not positive definite (\(name)): no minimum, so no derivative")
                }
                throw NeosError(
                    .numeric,
                    "the best fit is not unique: \(name) is degenerate with the other free parameters (1 − R² = "
                        + "\(max(pivot, 0))), so the fit has no derivative")
            }
            factor[j * m + j] = pivot.squareRoot()
            for i in (j + 1)..<max(m, j + 1) {
                var value = hessian[i * m + j] * scale[i] * scale[j]
                for k in 0..<j { value -= factor[i * m + k] * factor[j * m + k] }
                factor[i * m + j] = value / factor[j * m + j]
            }
        }
    }
}
