import CNeos
import NeosCore

/// See include/neos.h. One call for what a minimiser asks at every step: the core's `nllAndGradient` shares the
/// argument checks and the buffers of the two separate calls (neos_model_logpdf, neos_model_nll_derivatives), and
/// computes each number with the same kernels, so the results are theirs bit for bit.
@c @implementation
public func neos_model_nll_and_gradient(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_out_gradient: Int
) -> neos_status {
    abiCall("neos_model_nll_and_gradient") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = try observations(data, n_data, model)
        // Both outputs are checked before the work, so that nothing is written when any argument is wrong.
        let nllOut = try scalarOutput(out_value, "out_value")
        let gradientOut = try optionalOutput(
            out_gradient, n_out_gradient, expected: model.parameterCount, "out_gradient")
        // The core checks the value and every element of the gradient for finiteness, naming the cause.
        let result = try model.nllAndGradient(point, data: observed)
        nllOut.pointee = result.value
        gradientOut?.write(result.gradient)
    }
}
