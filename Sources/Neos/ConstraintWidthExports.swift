import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_model_constraint_widths(
    _ model: OpaquePointer?, _ out_kinds: UnsafeMutablePointer<neos_constraint_kind>?, _ n_out_kinds: Int,
    _ out_widths: UnsafeMutablePointer<Double>?, _ n_out_widths: Int
) -> neos_status {
    abiCall("neos_model_constraint_widths") {
        let model = try borrowModel(model)
        let n = model.parameterCount
        // Both requested outputs are checked, and every width found finite, before either is written.
        if out_kinds != nil { try Validate.count(n_out_kinds, equals: n, "n_out_kinds") }
        let widthsOut = try optionalOutput(out_widths, n_out_widths, expected: n, "out_widths")
        let constraints = model.constraintWidths()
        widthsOut?.write(try finite(constraints.widths, "out_widths"))
        if let out_kinds {
            for (index, kind) in constraints.kinds.enumerated() { out_kinds[index] = kind.rawValue }
        }
    }
}
