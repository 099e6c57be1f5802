#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gradients of a scalar ⟨cotangent, counts⟩ with respect to every input of ``SoftmaxHistogram/counts``.
public struct SoftmaxHistogramGradients: Sendable, Equatable {
    /// ∂/∂logits, events × bins row-major like the logits.
    public var logits: [Double]
    /// ∂/∂weights, one value per event (also when the counts were taken with unit weights).
    public var weights: [Double]
    /// ∂/∂temperature.
    public var temperature: Double
}

/// INFERNO's soft summary (de Castro & Dorigo, CPC 244 (2019) 170): a network's `bins` outputs z_k per event
/// become that event's soft bin assignment through a softmax with temperature τ, and bin j receives
///
///     c_j = Σ_k w_k softmax(z_k / τ)_j,   softmax(u)_j = exp(u_j) / Σ_i exp(u_i).
///
/// Every event's assignments sum to 1, so the counts sum to Σ_k w_k at any τ. As τ → 0 the assignment tends to
/// the one-hot vector of the largest output, the hard histogram of ``hardCounts(logits:bins:weights:)``, which is
/// how a trained summary is evaluated. The largest output of each event is subtracted before the exponentials
/// (the softmax does not change), so large logits or small τ cannot overflow.
public enum SoftmaxHistogram {
    /// Soft counts per bin (`bins` values) of the events' `logits` (events × bins, row-major).
    public static func counts(logits: [Double], bins: Int, temperature: Double, weights: [Double]? = nil) throws
        -> [Double]
    {
        let events = try validate(logits: logits, bins: bins, weights: weights)
        try validate(temperature: temperature)
        var counts = [Double](repeating: 0, count: bins)
        var assignment = [Double](repeating: 0, count: bins)
        for k in 0..<events {
            softmax(logits, event: k, bins: bins, temperature: temperature, into: &assignment)
            let weight = weights?[k] ?? 1
            for j in 0..<bins { counts[j] += weight * assignment[j] }
        }
        return counts
    }

    /// The hard histogram of the same summary: each event's weight in the bin of its largest output (the first of
    /// equal ones), the τ → 0 limit of ``counts(logits:bins:temperature:weights:)``.
    public static func hardCounts(logits: [Double], bins: Int, weights: [Double]? = nil) throws -> [Double] {
        let events = try validate(logits: logits, bins: bins, weights: weights)
        var counts = [Double](repeating: 0, count: bins)
        for k in 0..<events {
            var best = 0
            for j in 1..<max(bins, 1) where logits[k * bins + j] > logits[k * bins + best] { best = j }
            counts[best] += weights?[k] ?? 1
        }
        return counts
    }

    /// Vector-Jacobian product: the gradient of ⟨cotangent, counts⟩ with respect to the logits, the weights (ones
    /// when `weights` is nil) and the temperature. With p_k the assignment of event k and c̄_k = Σ_j p_kj t_j its
    /// mean cotangent, ∂/∂z_kj = w_k p_kj (t_j − c̄_k) / τ, ∂/∂w_k = c̄_k and ∂/∂τ = −Σ_kj (∂/∂z_kj) z_kj / τ.
    public static func vjp(
        cotangent: [Double], logits: [Double], bins: Int, temperature: Double, weights: [Double]? = nil
    ) throws -> SoftmaxHistogramGradients {
        let events = try validate(logits: logits, bins: bins, weights: weights)
        try validate(temperature: temperature)
        try Validate.length(cotangent.count, equals: bins, "cotangent")
        try cotangent.withUnsafeBufferPointer { try Validate.finite($0, "cotangent") }
        var gradients = SoftmaxHistogramGradients(
            logits: [Double](repeating: 0, count: logits.count), weights: [Double](repeating: 0, count: events),
            temperature: 0)
        var assignment = [Double](repeating: 0, count: bins)
        for k in 0..<events {
            softmax(logits, event: k, bins: bins, temperature: temperature, into: &assignment)
            var mean = 0.0
            for j in 0..<bins { mean += assignment[j] * cotangent[j] }
            gradients.weights[k] = mean
            let weight = weights?[k] ?? 1
            for j in 0..<bins {
                let dLogit = weight * assignment[j] * (cotangent[j] - mean) / temperature
                gradients.logits[k * bins + j] = dLogit
                gradients.temperature -= dLogit * logits[k * bins + j] / temperature
            }
        }
        return gradients
    }

    /// softmax(z_k / τ) of one event into `out` (length bins).
    private static func softmax(
        _ logits: [Double], event k: Int, bins: Int, temperature: Double, into out: inout [Double]
    ) {
        var largest = -Double.infinity
        for j in 0..<bins { largest = max(largest, logits[k * bins + j]) }
        var total = 0.0
        for j in 0..<bins {
            let value = exp((logits[k * bins + j] - largest) / temperature)
            out[j] = value
            total += value
        }
        for j in 0..<bins { out[j] /= total }
    }

    /// The number of events; throws `invalidArgument` unless bins ≥ 1, the logits fill whole events and are
    /// finite, and the weights (if any) have one finite value per event.
    private static func validate(logits: [Double], bins: Int, weights: [Double]?) throws -> Int {
        guard bins >= 1 else { throw NeosError.invalidArgument("bins is \(bins); it must be at least 1") }
        guard logits.count % bins == 0 else {
            throw NeosError.invalidArgument(
                "logits has length \(logits.count), not a whole number of events of \(bins) outputs")
        }
        try logits.withUnsafeBufferPointer { try Validate.finite($0, "logits") }
        let events = logits.count / bins
        if let weights {
            try Validate.length(weights.count, equals: events, "weights")
            try weights.withUnsafeBufferPointer { try Validate.finite($0, "weights") }
        }
        return events
    }

    /// Throws `invalidArgument` unless τ is finite and positive.
    private static func validate(temperature: Double) throws {
        guard temperature.isFinite && temperature > 0 else {
            throw NeosError.invalidArgument("temperature is \(temperature); it must be finite and positive")
        }
    }
}
