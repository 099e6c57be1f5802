import CNeos
import NeosCore

/// The core's interpolation code for a neos_interpolation_code constant and code 4's α₀, refusing unknown codes
/// and an α₀ other than 1 for the codes that have none.
func interpolationCode(_ code: neos_interpolation_code, alpha0: Double) throws -> InterpolationBatch.Code {
    let chosen: InterpolationBatch.Code
    switch code {
    case NEOS_INTERPOLATION_CODE0: chosen = .code0
    case NEOS_INTERPOLATION_CODE1: chosen = .code1
    case NEOS_INTERPOLATION_CODE2: chosen = .code2
    case NEOS_INTERPOLATION_CODE2_REFERENCE: chosen = .code2Reference
    case NEOS_INTERPOLATION_CODE4: return .code4(alpha0: alpha0)
    case NEOS_INTERPOLATION_CODE4P: chosen = .code4p
    default:
        throw NeosError.invalidArgument(
            "code \(code) is not a neos_interpolation_code (NEOS_INTERPOLATION_CODE0, 1, 2, 4, 4P or 2_REFERENCE)")
    }
    guard alpha0 == 1 else {
        throw NeosError.invalidArgument("alpha0 is \(alpha0); only code 4 has an alpha0, the other codes need 1")
    }
    return chosen
}

/// See include/neos.h.
@c @implementation
public func neos_interpolate(
    _ code: neos_interpolation_code, _ alpha0: Double, _ n_systematics: Int, _ n_samples: Int, _ n_bins: Int,
    _ n_alphas: Int, _ histogramssets: UnsafePointer<Double>?, _ n_histogramssets: Int,
    _ alphasets: UnsafePointer<Double>?, _ n_alphasets: Int, _ out_values: UnsafeMutablePointer<Double>?,
    _ n_out_values: Int,
    _ out_dalpha: UnsafeMutablePointer<Double>?, _ n_out_dalpha: Int
) -> neos_status {
    abiCall("neos_interpolate") {
        // Every count is a real length before any product is formed; the products are checked for overflow and
        // against the machine's memory, then every buffer's length against its product, before anything is read.
        let systematics = try count(n_systematics, "n_systematics")
        let samples = try count(n_samples, "n_samples")
        let bins = try count(n_bins, "n_bins")
        let alphas = try count(n_alphas, "n_alphas")
        let histogramCount = try count(
            count(systematics, times: samples, "n_systematics × n_samples"), times: 3 * bins,
            "n_systematics × n_samples × 3 × n_bins")
        let alphaCount = try count(systematics, times: alphas, "n_systematics × n_alphas")
        let valueCount = try count(
            count(systematics, times: samples, "n_systematics × n_samples"),
            times: count(alphas, times: bins, "n_alphas × n_bins"), "n_systematics × n_samples × n_alphas × n_bins")
        try Validate.count(n_histogramssets, equals: histogramCount, "n_histogramssets")
        try Validate.count(n_alphasets, equals: alphaCount, "n_alphasets")
        let histograms = try input(histogramssets, n_histogramssets, "histogramssets")
        let alphaValues = try input(alphasets, n_alphasets, "alphasets")
        let values = try output(out_values, n_out_values, expected: valueCount, "out_values")
        let slopes = try optionalOutput(out_dalpha, n_out_dalpha, expected: valueCount, "out_dalpha")
        let batch = try InterpolationBatch(
            code: interpolationCode(code, alpha0: alpha0), systematics: systematics, samples: samples, bins: bins,
            alphas: alphas)
        // The core returns its results in arrays (written here only once all are finite): reserve them first.
        try Memory.reserve(slopes == nil ? valueCount : 2 * valueCount, for: "the interpolated values")
        let result = try batch.evaluate(
            histogramssets: histograms, alphasets: alphaValues, derivative: slopes != nil)
        values.write(result.values)
        if let slopes, let dAlpha = result.dAlpha { slopes.write(dAlpha) }
    }
}
