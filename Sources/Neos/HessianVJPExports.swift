import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_model_nll_hessian_vjp(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ cotangent: UnsafePointer<Double>?, _ n_cotangent: Int,
    _ out_grad_pars: UnsafeMutablePointer<Double>?, _ n_out_grad_pars: Int,
    _ out_grad_data: UnsafeMutablePointer<Double>?, _ n_out_grad_data: Int,
    _ out_grad_inputs: UnsafeMutablePointer<Double>?, _ n_out_grad_inputs: Int
) -> neos_status {
    abiCall("neos_model_nll_hessian_vjp") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = try copiedInput(
            data, n_data, expected: model.mainBinCount + model.auxdataCount, "data")
        let n = model.parameterCount
        let square = try count(n, times: n, "n_pars × n_pars")
        let weights = try copiedInput(cotangent, n_cotangent, expected: square, "cotangent")
        let parsOut = try optionalOutput(out_grad_pars, n_out_grad_pars, expected: n, "out_grad_pars")
        let dataOut = try optionalOutput(out_grad_data, n_out_grad_data, expected: observed.count, "out_grad_data")
        let inputsOut = try optionalOutput(
            out_grad_inputs, n_out_grad_inputs, expected: model.inputCount, "out_grad_inputs")
        let gradients = try model.nllHessianVJP(
            point, data: observed, cotangent: weights, inputs: inputsOut != nil)
        let gPars = try finite(gradients.pars, "out_grad_pars")
        let gData = try finite(gradients.data, "out_grad_data")
        let gInputs = try finite(gradients.inputs, "out_grad_inputs")
        parsOut?.write(gPars)
        dataOut?.write(gData)
        inputsOut?.write(gInputs)
    }
}
