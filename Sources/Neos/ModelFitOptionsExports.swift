import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_model_with_fit_options(
    _ model: OpaquePointer?, _ max_iterations: Int, _ edm_tolerance: Double,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_with_fit_options") {
        let model = try borrowModel(model)
        // The same checks and words as neos_fit_with_options' options.
        let options = try fitOptions(max_iterations, edm_tolerance)
        try newHandle(.model, into: out_model, "out_model") {
            try model.withFitOptions(
                FitOptions(maxIterations: options.maxIterations, edmTolerance: options.edmTolerance))
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_fit_options(
    _ model: OpaquePointer?, _ out_max_iterations: UnsafeMutablePointer<Int>?,
    _ out_edm_tolerance: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_model_fit_options") {
        let options = try borrowModel(model).fitOptions
        // Both outputs are optional.
        out_max_iterations?.pointee = options.maxIterations
        out_edm_tolerance?.pointee = options.edmTolerance
    }
}
