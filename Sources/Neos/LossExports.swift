import CNeos
import NeosCore

func writeLoss(
    _ loss: LossWithGradient, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_gradient: Int
) throws {
    guard let out_value else { throw NeosError.invalidArgument("out_value is NULL") }
    let gradient = try optionalOutput(out_gradient, n_gradient, expected: loss.gradient.count, "out_gradient")
    out_value.pointee = loss.value
    gradient?.write(loss.gradient)
}

/// The shape every loss export shares: borrow the model, evaluate, write value and gradient.
func exportLoss(
    _ function: StaticString, _ model: OpaquePointer?, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int, _ loss: (Model) throws -> LossWithGradient
) -> neos_status {
    abiCall(function) { try writeLoss(try loss(try borrowModel(model)), out_value, out_gradient, n_gradient) }
}

@c @implementation
public func neos_loss_expected_cls(
    _ model: OpaquePointer?, _ test_poi: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_expected_cls", model, out_value, out_gradient, n_gradient) { model in
        guard test_poi.isFinite else { throw NeosError.invalidArgument("test_poi is \(test_poi); it must be finite") }
        return try Losses.expectedCLs(model: model, testPOI: test_poi)
    }
}

@c @implementation
public func neos_loss_discovery_p0(
    _ model: OpaquePointer?, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_discovery_p0", model, out_value, out_gradient, n_gradient) { model in
        try Losses.discoveryP0(model: model)
    }
}

@c @implementation
public func neos_loss_expected_upper_limit(
    _ model: OpaquePointer?, _ level: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_expected_upper_limit", model, out_value, out_gradient, n_gradient) { model in
        try Losses.expectedUpperLimit(model: model, level: level)
    }
}

@c @implementation
public func neos_loss_poi_uncertainty(
    _ model: OpaquePointer?, _ poi_value: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_poi_uncertainty", model, out_value, out_gradient, n_gradient) { model in
        try Losses.poiUncertainty(model: model, poiValue: poi_value)
    }
}

@c @implementation
public func neos_loss_poi_variance(
    _ model: OpaquePointer?, _ poi_value: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    exportLoss("neos_loss_poi_variance", model, out_value, out_gradient, n_gradient) { model in
        try Losses.poiVariance(model: model, poiValue: poi_value)
    }
}
