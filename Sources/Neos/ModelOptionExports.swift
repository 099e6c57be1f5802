import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_model_with_clipping(
    _ model: OpaquePointer?, _ clip_sample_data: UnsafePointer<Double>?, _ clip_bin_data: UnsafePointer<Double>?,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_with_clipping") {
        let model = try borrowModel(model)
        // NULL is "no clip"; a given bound must be finite (the core says which one is not).
        let clipping = ModelClipping(sampleData: clip_sample_data?.pointee, binData: clip_bin_data?.pointee)
        try newHandle(.model, into: out_model, "out_model") { try model.withClipping(clipping) }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_clipping(
    _ model: OpaquePointer?, _ out_has_clip_sample_data: UnsafeMutablePointer<Bool>?,
    _ out_clip_sample_data: UnsafeMutablePointer<Double>?, _ out_has_clip_bin_data: UnsafeMutablePointer<Bool>?,
    _ out_clip_bin_data: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_model_clipping") {
        let clipping = try borrowModel(model).clipping
        // Every output is optional; a bound that is off reads as 0.
        out_has_clip_sample_data?.pointee = clipping.sampleData != nil
        out_clip_sample_data?.pointee = clipping.sampleData ?? 0
        out_has_clip_bin_data?.pointee = clipping.binData != nil
        out_clip_bin_data?.pointee = clipping.binData ?? 0
    }
}
