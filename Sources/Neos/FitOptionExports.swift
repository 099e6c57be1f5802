import CNeos
import NeosCore

/// A caller's fit options, checked before anything else of the call is read: max_iterations in
/// 1...NEOS_FIT_MAX_ITERATIONS (a wrapped negative size_t is reported as the size the caller passed),
/// edm_tolerance finite and positive.
func fitOptions(_ max_iterations: Int, _ edm_tolerance: Double) throws -> (maxIterations: Int, edmTolerance: Double) {
    let limit = Int(NEOS_FIT_MAX_ITERATIONS)
    guard max_iterations >= 1 && max_iterations <= limit else {
        throw NeosError.invalidArgument(
            "max_iterations = \(UInt(bitPattern: max_iterations)) is outside 1...\(limit) (NEOS_FIT_MAX_ITERATIONS)")
    }
    guard edm_tolerance.isFinite && edm_tolerance > 0 else {
        throw NeosError.invalidArgument("edm_tolerance = \(edm_tolerance); it must be finite and > 0")
    }
    return (max_iterations, edm_tolerance)
}

/// The shared body of neos_fit_with_options and neos_fixed_poi_fit_with_options: neos_fit's checks and outputs
/// (every output optional, all checked before the fit), with the caller's iteration cap and EDM tolerance, and
/// the iterations the fit took.
func fitWithOptionsCall(
    _ model: OpaquePointer?, poi: Double?, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ max_iterations: Int, _ edm_tolerance: Double, _ out_pars: UnsafeMutablePointer<Double>?,
    _ n_out_pars: Int, _ out_twice_nll: UnsafeMutablePointer<Double>?,
    _ out_uncertainties: UnsafeMutablePointer<Double>?, _ n_out_uncertainties: Int,
    _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int,
    _ out_iterations: UnsafeMutablePointer<Int>?
) throws {
    let options = try fitOptions(max_iterations, edm_tolerance)
    let model = try borrowModel(model)
    let observed = try observations(data, n_data, model)
    var configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
    configuration.maxIterations = options.maxIterations
    configuration.edmTolerance = options.edmTolerance
    let n = model.parameterCount
    let square = try count(n, times: n, "n_pars × n_pars")
    let parsOut = try optionalOutput(out_pars, n_out_pars, expected: n, "out_pars")
    let uncertaintiesOut = try optionalOutput(
        out_uncertainties, n_out_uncertainties, expected: n, "out_uncertainties")
    let correlationsOut = try optionalOutput(
        out_correlations, n_out_correlations, expected: square, "out_correlations")
    let jacobianOut = try JacobianOutputs(
        rows: n, model: model, dataCount: observed.count, out_jacobian_inputs, n_out_jacobian_inputs,
        out_jacobian_data, n_out_jacobian_data)
    if uncertaintiesOut != nil || correlationsOut != nil { try Memory.reserve(square, for: "the inverse Hessian") }
    let fit =
        try poi.map { try MLE.fixedPOIFit(poi: $0, data: observed, model: model, configuration: configuration) }
        ?? MLE.fit(data: observed, model: model, configuration: configuration)
    let parameters = try finite(fit.parameters, "out_pars")
    let twiceNLL = try finite(fit.twiceNLL, "out_twice_nll")
    let uncertainties = uncertaintiesOut == nil ? [] : try finite(fit.uncertainties(), "out_uncertainties")
    let correlations = correlationsOut == nil ? [] : try finite(fit.correlations(), "out_correlations")
    var jacobian = (inputs: [Double](), data: [Double]())
    if jacobianOut.wanted {
        let solved = try ImplicitDifferentiation.fitJacobian(
            fit, model: model, data: observed, bounds: configuration.bounds)
        jacobian = (solved.inputs, solved.data)
    }
    try jacobianOut.verify(inputs: jacobian.inputs, data: jacobian.data)
    parsOut?.write(parameters)
    out_twice_nll?.pointee = twiceNLL
    uncertaintiesOut?.write(uncertainties)
    correlationsOut?.write(correlations)
    jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    out_iterations?.pointee = fit.iterations
}

/// See include/neos.h.
@c @implementation
public func neos_fit_with_options(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?, _ n_pars: Int, _ max_iterations: Int,
    _ edm_tolerance: Double, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_out_uncertainties: Int, _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int,
    _ out_iterations: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_fit_with_options") {
        try fitWithOptionsCall(
            model, poi: nil, data, n_data, initial, bounds, fixed, n_pars, max_iterations, edm_tolerance, out_pars,
            n_out_pars, out_twice_nll, out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations,
            out_jacobian_inputs, n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data, out_iterations)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_fixed_poi_fit_with_options(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ max_iterations: Int, _ edm_tolerance: Double, _ out_pars: UnsafeMutablePointer<Double>?,
    _ n_out_pars: Int, _ out_twice_nll: UnsafeMutablePointer<Double>?,
    _ out_uncertainties: UnsafeMutablePointer<Double>?, _ n_out_uncertainties: Int,
    _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int,
    _ out_iterations: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_fixed_poi_fit_with_options") {
        try fitWithOptionsCall(
            model, poi: poi, data, n_data, initial, bounds, fixed, n_pars, max_iterations, edm_tolerance, out_pars,
            n_out_pars, out_twice_nll, out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations,
            out_jacobian_inputs, n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data, out_iterations)
    }
}
