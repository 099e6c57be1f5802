import CNeos
import NeosCore

func writeLoss(
    _ loss: LossWithGradient, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_gradient: Int
) throws {
    guard let out_value else { throw NeosError.invalidArgument("out_value is NULL") }
    let gradient = try optionalOutput(out_gradient, n_gradient, expected: loss.gradient.count, "out_gradient")
    out_value.pointee = loss.value
    for (index, value) in loss.gradient.enumerated() { gradient?[index] = value }
}

@c @implementation
public func neos_loss_expected_cls(
    _ model: OpaquePointer?, _ test_poi: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    abiCall("neos_loss_expected_cls") {
        let model = try borrowModel(model)
        guard test_poi.isFinite else { throw NeosError.invalidArgument("test_poi is \(test_poi); it must be finite") }
        try writeLoss(try Losses.expectedCLs(model: model, testPOI: test_poi), out_value, out_gradient, n_gradient)
    }
}

@c @implementation
public func neos_loss_discovery_p0(
    _ model: OpaquePointer?, _ out_value: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_gradient: Int
) -> neos_status {
    abiCall("neos_loss_discovery_p0") {
        let model = try borrowModel(model)
        try writeLoss(try Losses.discoveryP0(model: model), out_value, out_gradient, n_gradient)
    }
}

@c @implementation
public func neos_loss_expected_upper_limit(
    _ model: OpaquePointer?, _ level: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    abiCall("neos_loss_expected_upper_limit") {
        let model = try borrowModel(model)
        try writeLoss(try Losses.expectedUpperLimit(model: model, level: level), out_value, out_gradient, n_gradient)
    }
}

@c @implementation
public func neos_loss_poi_uncertainty(
    _ model: OpaquePointer?, _ poi_value: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    abiCall("neos_loss_poi_uncertainty") {
        let model = try borrowModel(model)
        try writeLoss(try Losses.poiUncertainty(model: model, poiValue: poi_value), out_value, out_gradient, n_gradient)
    }
}

@c @implementation
public func neos_loss_poi_variance(
    _ model: OpaquePointer?, _ poi_value: Double, _ out_value: UnsafeMutablePointer<Double>?,
    _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    abiCall("neos_loss_poi_variance") {
        let model = try borrowModel(model)
        try writeLoss(try Losses.poiVariance(model: model, poiValue: poi_value), out_value, out_gradient, n_gradient)
    }
}
