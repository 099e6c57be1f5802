import CNeos
import NeosCore

/// A caller's samples as a distribution: at least one, every one finite, checked here so that the message names the
/// C parameter (`name[i]`).
func empiricalDistribution(_ samples: UnsafePointer<Double>?, _ n_samples: Int, _ name: String) throws
    -> EmpiricalDistribution
{
    let values = try copiedInput(samples, n_samples, name)
    guard !values.isEmpty else {
        throw NeosError.invalidArgument("n_\(name) is 0; an empirical distribution needs at least one sample")
    }
    if let index = values.firstIndex(where: { !$0.isFinite }) {
        throw NeosError.invalidArgument("\(name)[\(index)] is \(values[index]); every sample must be finite")
    }
    return try EmpiricalDistribution(samples: values)
}

/// A caller's points to evaluate at: any number, none NaN (infinities are meaningful: beyond every sample).
func evaluationPoints(_ pointer: UnsafePointer<Double>?, _ length: Int, _ name: String) throws -> [Double] {
    let values = try copiedInput(pointer, length, name)
    if let index = values.firstIndex(where: \.isNaN) {
        throw NeosError.invalidArgument("\(name)[\(index)] is NaN")
    }
    return values
}

/// See include/neos.h.
@c @implementation
public func neos_empirical_pvalues(
    _ samples: UnsafePointer<Double>?, _ n_samples: Int, _ values: UnsafePointer<Double>?, _ n_values: Int,
    _ out_pvalues: UnsafeMutablePointer<Double>?, _ n_out_pvalues: Int
) -> neos_status {
    abiCall("neos_empirical_pvalues") {
        let distribution = try empiricalDistribution(samples, n_samples, "samples")
        let points = try evaluationPoints(values, n_values, "values")
        let out = try output(out_pvalues, n_out_pvalues, expected: points.count, "out_pvalues")
        out.write(try finite(points.map(distribution.pvalue), "out_pvalues"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_empirical_expected_values(
    _ samples: UnsafePointer<Double>?, _ n_samples: Int, _ nsigma: UnsafePointer<Double>?, _ n_nsigma: Int,
    _ out_values: UnsafeMutablePointer<Double>?, _ n_out_values: Int
) -> neos_status {
    abiCall("neos_empirical_expected_values") {
        let distribution = try empiricalDistribution(samples, n_samples, "samples")
        let points = try evaluationPoints(nsigma, n_nsigma, "nsigma")
        let out = try output(out_values, n_out_values, expected: points.count, "out_values")
        out.write(try finite(points.map { distribution.expectedValue(nsigma: $0) }, "out_values"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_toy_expected_pvalues(
    _ signal_samples: UnsafePointer<Double>?, _ n_signal_samples: Int, _ background_samples: UnsafePointer<Double>?,
    _ n_background_samples: Int, _ out_band: UnsafeMutablePointer<Double>?, _ n_out_band: Int
) -> neos_status {
    abiCall("neos_toy_expected_pvalues") {
        let signal = try empiricalDistribution(signal_samples, n_signal_samples, "signal_samples")
        let background = try empiricalDistribution(background_samples, n_background_samples, "background_samples")
        let size = Int(NEOS_EXPECTED_SET_SIZE)
        let out = try output(out_band, n_out_band, expected: 3 * size, "out_band")
        // Sorting the background's p-values holds three more arrays of its length.
        try Memory.reserve(try count(background.samples.count, times: 4, "n_background_samples × 4"), for: "the band")
        let band = ToyCalculator.expectedPValues(signal: signal, background: background)
        out.write(try finite(band.map(\.clsb) + band.map(\.clb) + band.map(\.cls), "out_band"))
    }
}
