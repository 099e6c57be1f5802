import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_blas_use_library(_ path: UnsafePointer<CChar>?) -> neos_status {
    abiCall("neos_blas_use_library") {
        let path = try string(path, "path")
        guard !path.isEmpty else { throw NeosError.invalidArgument("path is empty") }
        try BLAS.useLibrary(at: path)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_blas_describe(
    _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int, _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_blas_describe") {
        let description = BLAS.description
        let document = JSON.object([
            .init(key: "library", value: .string(description.library)),
            .init(key: "core", value: .string(description.core)),
            .init(key: "configuration", value: .string(description.configuration)),
            .init(key: "fallback_reason", value: .string(description.fallbackReason)),
            .init(key: "splits_products", value: .bool(description.splitsProducts)),
        ])
        try writeString(document.serialized(), out_json, n_out_json, out_json_length)
    }
}
