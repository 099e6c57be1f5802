/// A `LikelihoodModel` that is also differentiable with respect to the numbers it is built from (its inputs ψ) and
/// its data: what neos's losses, the implicit differentiation of fits and the hypotest and upper-limit Jacobians
/// need beyond a fit. HistFactory's `Model` conforms.
///
/// Shapes: parameter vectors have `parameterCount` entries, input vectors `inputCount`, data vectors the main bins
/// followed by the auxiliary data; matrices are row-major. NLL = −logpdf, as in `LikelihoodModel`.
public protocol DifferentiableLikelihoodModel: LikelihoodModel {
    /// The number of inputs ψ, the variables every input derivative is taken with respect to.
    var inputCount: Int { get }
    /// ∇ logpdf with respect to the parameters, the data (main + aux) and the inputs.
    func logpdfVJP(_ pars: [Double], data: [Double]) throws -> (pars: [Double], data: [Double], inputs: [Double])
    /// cotangent · ∂expectedData/∂(pars, inputs), the cotangent as long as `expectedData(pars, includeAuxdata:)`.
    func expectedDataVJP(cotangent: [Double], pars: [Double], includeAuxdata: Bool) throws -> (
        pars: [Double], inputs: [Double]
    )
    /// ∂²NLL/∂θ∂ψ, parameterCount × inputCount.
    func nllGradientJacobianInputs(_ pars: [Double], data: [Double]) throws -> [Double]
    /// ∂²NLL/∂θ∂n, parameterCount × data.count.
    func nllGradientJacobianData(_ pars: [Double], data: [Double]) throws -> [Double]
    /// The Fisher information −∇²_θ logpdf on the Asimov data of `pars`, parameterCount × parameterCount.
    func fisherInformation(_ pars: [Double]) throws -> [Double]
    /// ∂(vᵀ I v)/∂ψ for the Fisher information I at `pars` (the Asimov data following the inputs) and a fixed
    /// direction v of length parameterCount; inputCount values.
    func fisherFormInputGradient(_ pars: [Double], direction: [Double]) throws -> [Double]
}

extension DifferentiableLikelihoodModel {
    /// The NLL Hessian on the expected data of `pars`, auxdata included: on its own Asimov data a model's Poisson
    /// weights 1 − n/λ vanish and the Hessian is the Fisher information.
    public func fisherInformation(_ pars: [Double]) throws -> [Double] {
        try nllHessian(pars, data: try expectedData(pars, includeAuxdata: true))
    }
}

extension Model: DifferentiableLikelihoodModel {}
