import CNeos
import NeosCore

/// Checks a loss's outputs, then writes its value and (when wanted) its gradient.
func writeLoss(
    _ loss: LossWithGradient, _ out_value: UnsafeMutablePointer<Double>,
    _ out_gradient: UnsafeMutableBufferPointer<Double>?
) throws {
    let value = try finite(loss.value, "out_value")
    if let out_gradient, loss.gradient.count != out_gradient.count {
        throw NeosError(.internal, "the loss has \(loss.gradient.count) gradient entries, not n_inputs")
    }
    let gradient = out_gradient == nil ? [] : try finite(loss.gradient, "out_gradient")
    out_value.pointee = value
    out_gradient?.write(gradient)
}

/// The shape every loss export shares: borrow the model, evaluate, write value and gradient.
func exportLoss(
    _ function: StaticString, _ model: OpaquePointer?, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int,
    _ loss: (Model) throws -> LossWithGradient
) -> neos_status {
    abiCall(function) {
        let model = try borrowModel(model)
        let value = try scalarOutput(out_value, "out_value")
        let gradient = try optionalOutput(out_gradient, n_out_gradient, expected: model.inputCount, "out_gradient")
        try writeLoss(try loss(model), value, gradient)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_loss_expected_cls(
    _ model: OpaquePointer?, _ poi: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_expected_cls", model, out_value, out_gradient, n_out_gradient) { model in
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        return try Losses.expectedCLs(model: model, testPOI: poi)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_loss_discovery_p0(
    _ model: OpaquePointer?, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_out_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_discovery_p0", model, out_value, out_gradient, n_out_gradient) { model in
        try Losses.discoveryP0(model: model)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_loss_expected_upper_limit(
    _ model: OpaquePointer?, _ level: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_expected_upper_limit", model, out_value, out_gradient, n_out_gradient) { model in
        try Losses.expectedUpperLimit(model: model, level: level)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_loss_poi_uncertainty(
    _ model: OpaquePointer?, _ poi: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_poi_uncertainty", model, out_value, out_gradient, n_out_gradient) { model in
        try Losses.poiUncertainty(model: model, poiValue: poi)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_loss_poi_variance(
    _ model: OpaquePointer?, _ poi: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_poi_variance", model, out_value, out_gradient, n_out_gradient) { model in
        try Losses.poiVariance(model: model, poiValue: poi)
    }
}
