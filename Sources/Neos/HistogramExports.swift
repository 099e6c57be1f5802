import CNeos
import NeosCore

/// The histogram options of a NEOS_HIST_* bit set, refusing unknown bits.
func histogramOptions(_ flags: UInt32) throws -> HistogramOptions {
    let known = UInt32(NEOS_HIST_DENSITY | NEOS_HIST_REFLECT_INFINITIES)
    guard flags & ~known == 0 else { throw NeosError.invalidArgument("flags has unknown bits: \(flags)") }
    return HistogramOptions(
        density: flags & UInt32(NEOS_HIST_DENSITY) != 0,
        reflectInfinities: flags & UInt32(NEOS_HIST_REFLECT_INFINITIES) != 0)
}

/// The cut side of a neos_cut_keep constant.
func cutSide(_ keep: neos_cut_keep) throws -> CutSide {
    switch keep {
    case NEOS_KEEP_ABOVE: .above
    case NEOS_KEEP_BELOW: .below
    default: throw NeosError.invalidArgument("keep must be NEOS_KEEP_ABOVE (0) or NEOS_KEEP_BELOW (1), not \(keep)")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_hist(
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ weights: UnsafePointer<Double>?,
    _ edges: UnsafePointer<Double>?, _ n_edges: Int, _ bandwidth: Double, _ flags: UInt32,
    _ out_counts: UnsafeMutablePointer<Double>?, _ n_out_counts: Int
) -> neos_status {
    abiCall("neos_hist") {
        let dataBuffer = try input(data, n_data, "data")
        let edgeBuffer = try input(edges, n_edges, "edges")
        let out = try output(out_counts, n_out_counts, expected: max(n_edges - 1, 0), "out_counts")
        // Into scratch first, as neos_hist_vjp: extreme but finite edges or weights can overflow to a non-finite
        // count, which is refused with nothing written.
        var counts = [Double](repeating: 0, count: out.count)
        try counts.withUnsafeMutableBufferPointer { counts in
            try Histogram.counts(
                data: dataBuffer, edges: edgeBuffer, bandwidth: bandwidth, weights: optionalInput(weights, n_data),
                options: histogramOptions(flags), into: counts)
        }
        let checked = try finite(counts, "out_counts")
        for index in checked.indices { out[index] = checked[index] }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_hist_vjp(
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ weights: UnsafePointer<Double>?,
    _ edges: UnsafePointer<Double>?, _ n_edges: Int, _ bandwidth: Double, _ flags: UInt32,
    _ cotangent: UnsafePointer<Double>?, _ n_cotangent: Int, _ out_grad_data: UnsafeMutablePointer<Double>?,
    _ n_out_grad_data: Int, _ out_grad_weights: UnsafeMutablePointer<Double>?, _ n_out_grad_weights: Int,
    _ out_grad_edges: UnsafeMutablePointer<Double>?, _ n_out_grad_edges: Int,
    _ out_grad_bandwidth: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_hist_vjp") {
        let dataBuffer = try input(data, n_data, "data")
        let edgeBuffer = try input(edges, n_edges, "edges")
        let cotangentBuffer = try input(cotangent, n_cotangent, "cotangent")
        let dataOut = try optionalOutput(out_grad_data, n_out_grad_data, expected: n_data, "out_grad_data")
        let weightsOut = try optionalOutput(
            out_grad_weights, n_out_grad_weights, expected: n_data, "out_grad_weights")
        let edgesOut = try optionalOutput(out_grad_edges, n_out_grad_edges, expected: n_edges, "out_grad_edges")
        // Into scratch first: extreme but finite inputs can overflow to a non-finite gradient, which is refused
        // with nothing written (the fuzzer found NaN data gradients returned with NEOS_OK).
        var gradData = [Double](repeating: 0, count: dataOut == nil ? 0 : n_data)
        var gradWeights = [Double](repeating: 0, count: weightsOut == nil ? 0 : n_data)
        var gradEdges = [Double](repeating: 0, count: edgesOut == nil ? 0 : n_edges)
        let bandwidthGradient = try gradData.withUnsafeMutableBufferPointer { gradData in
            try gradWeights.withUnsafeMutableBufferPointer { gradWeights in
                try gradEdges.withUnsafeMutableBufferPointer { gradEdges in
                    try Histogram.vjp(
                        cotangent: cotangentBuffer, data: dataBuffer, edges: edgeBuffer, bandwidth: bandwidth,
                        weights: optionalInput(weights, n_data), options: histogramOptions(flags),
                        gradData: dataOut == nil ? nil : gradData, gradWeights: weightsOut == nil ? nil : gradWeights,
                        gradEdges: edgesOut == nil ? nil : gradEdges)
                }
            }
        }
        let checkedData = try finite(gradData, "out_grad_data")
        let checkedWeights = try finite(gradWeights, "out_grad_weights")
        let checkedEdges = try finite(gradEdges, "out_grad_edges")
        let checkedBandwidth = try finite(bandwidthGradient, "out_grad_bandwidth")
        dataOut?.write(checkedData)
        weightsOut?.write(checkedWeights)
        edgesOut?.write(checkedEdges)
        out_grad_bandwidth?.pointee = checkedBandwidth
    }
}

/// See include/neos.h.
@c @implementation
public func neos_cut(
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ cut_value: Double, _ slope: Double, _ keep: neos_cut_keep,
    _ out_weights: UnsafeMutablePointer<Double>?, _ n_out_weights: Int
) -> neos_status {
    abiCall("neos_cut") {
        let dataBuffer = try input(data, n_data, "data")
        let out = try output(out_weights, n_out_weights, expected: n_data, "out_weights")
        try Cut.weights(data: dataBuffer, cutValue: cut_value, slope: slope, keep: cutSide(keep), into: out)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_cut_vjp(
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ cut_value: Double, _ slope: Double, _ keep: neos_cut_keep,
    _ cotangent: UnsafePointer<Double>?, _ n_cotangent: Int, _ out_grad_data: UnsafeMutablePointer<Double>?,
    _ n_out_grad_data: Int, _ out_grad_cut_value: UnsafeMutablePointer<Double>?,
    _ out_grad_slope: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_cut_vjp") {
        let dataBuffer = try input(data, n_data, "data")
        let cotangentBuffer = try input(cotangent, n_cotangent, "cotangent")
        let dataOut = try optionalOutput(out_grad_data, n_out_grad_data, expected: n_data, "out_grad_data")
        // Into scratch first: finite but extreme cotangents and slopes can overflow a gradient, which is refused
        // with nothing written.
        if dataOut != nil { try Memory.reserve(n_data, for: "the data gradient") }
        var gradData = [Double](repeating: 0, count: dataOut == nil ? 0 : n_data)
        let gradients = try gradData.withUnsafeMutableBufferPointer { gradData in
            try Cut.vjp(
                cotangent: cotangentBuffer, data: dataBuffer, cutValue: cut_value, slope: slope, keep: cutSide(keep),
                gradData: dataOut == nil ? nil : gradData)
        }
        let checkedData = try finite(gradData, "out_grad_data")
        let cutGradient = try finite(gradients.cutValue, "out_grad_cut_value")
        let slopeGradient = try finite(gradients.slope, "out_grad_slope")
        dataOut?.write(checkedData)
        out_grad_cut_value?.pointee = cutGradient
        out_grad_slope?.pointee = slopeGradient
    }
}
