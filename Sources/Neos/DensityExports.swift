import CNeos
import NeosCore

/// The inputs of a density call read in place, all of the first one's length (checked before anything is read),
/// and the output checked against it; nothing is computed here.
func densityArguments(
    _ inputs: [(UnsafePointer<Double>?, Int, String)], _ out_logpdf: UnsafeMutablePointer<Double>?,
    _ n_out_logpdf: Int
) throws -> (inputs: [UnsafeBufferPointer<Double>], out: UnsafeMutableBufferPointer<Double>) {
    let length = try count(inputs[0].1, "n_\(inputs[0].2)")
    for (_, n, name) in inputs { try Validate.count(n, equals: length, "n_\(name)") }
    let buffers = try inputs.map { pointer, n, name in try input(pointer, n, name) }
    return (buffers, try output(out_logpdf, n_out_logpdf, expected: length, "out_logpdf"))
}

/// See include/neos.h.
@c @implementation
public func neos_poisson_logpdf(
    _ counts: UnsafePointer<Double>?, _ n_counts: Int, _ rates: UnsafePointer<Double>?, _ n_rates: Int,
    _ out_logpdf: UnsafeMutablePointer<Double>?, _ n_out_logpdf: Int
) -> neos_status {
    abiCall("neos_poisson_logpdf") {
        let (inputs, out) = try densityArguments(
            [(counts, n_counts, "counts"), (rates, n_rates, "rates")], out_logpdf, n_out_logpdf)
        // Every value is an output, NaN and -inf included (the header's Densities section).
        for i in out.indices { out[i] = Densities.poissonLogPDF(inputs[0][i], rate: inputs[1][i]) }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_normal_logpdf(
    _ values: UnsafePointer<Double>?, _ n_values: Int, _ means: UnsafePointer<Double>?, _ n_means: Int,
    _ sigmas: UnsafePointer<Double>?, _ n_sigmas: Int, _ out_logpdf: UnsafeMutablePointer<Double>?,
    _ n_out_logpdf: Int
) -> neos_status {
    abiCall("neos_normal_logpdf") {
        let (inputs, out) = try densityArguments(
            [(values, n_values, "values"), (means, n_means, "means"), (sigmas, n_sigmas, "sigmas")], out_logpdf,
            n_out_logpdf)
        for i in out.indices { out[i] = Densities.normalLogPDF(inputs[0][i], mean: inputs[1][i], sigma: inputs[2][i]) }
    }
}
