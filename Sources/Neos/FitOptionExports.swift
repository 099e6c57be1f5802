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
        let options = try fitOptions(max_iterations, edm_tolerance)  // checked before anything else is read
        try fitCall(
            model, poi: nil, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations, out_jacobian_inputs,
            n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data, options: options,
            out_iterations: out_iterations)
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
        let options = try fitOptions(max_iterations, edm_tolerance)  // checked before anything else is read
        try fitCall(
            model, poi: poi, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations, out_jacobian_inputs,
            n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data, options: options,
            out_iterations: out_iterations)
    }
}
