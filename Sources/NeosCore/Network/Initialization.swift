#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a dense layer's weights are drawn (biases are always N(0, 0.01²), as stax's Dense does).
///
/// Both schemes are jax's `variance_scaling` with a normal truncated to ±2 standard deviations, the standard
/// deviation corrected by 0.87962566103423978 so the truncated draw keeps the target variance:
/// - `glorot`: scale 1, fan_avg, σ² = 2/(fan_in + fan_out) (stax's glorot_normal; neos's default);
/// - `he`: scale 2, fan_in, σ² = 2/fan_in (suited to ReLU stacks).
public enum WeightInitialization: String, Sendable, CaseIterable {
    /// Glorot (Xavier) normal: σ² = 2/(fan_in + fan_out), keeping activations' variance for tanh-like layers.
    case glorot
    /// He normal: σ² = 2/fan_in, keeping activations' variance through ReLU layers.
    case he

    func standardDeviation(fanIn: Int, fanOut: Int) -> Double {
        let variance: Double
        switch self {
        case .glorot: variance = 2 / Double(fanIn + fanOut)
        case .he: variance = 2 / Double(fanIn)
        }
        return variance.squareRoot() / 0.879_625_661_034_239_78
    }
}

/// Standard-normal draws from a SplitMix64 stream: Box–Muller on two 53-bit uniforms, both outputs used.
/// Documented so that a seed reproduces data and initial weights exactly on any platform.
public struct NormalSampler: Sendable {
    var generator: SplitMix64
    var spare: Double?

    /// A sampler over the stream of `SplitMix64(seed: seed)`.
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// The next standard-normal draw. Draws come in pairs from one Box–Muller transform: the cosine branch is
    /// returned first and the sine branch on the following call.
    public mutating func next() -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let radius = (-2 * log(1 - generator.nextUniform())).squareRoot()
        let angle = 2 * Double.pi * generator.nextUniform()
        spare = radius * sin(angle)
        return radius * cos(angle)
    }

    /// A standard normal conditioned on |z| ≤ 2 (rejection; accepts 95.4% of draws).
    public mutating func nextTruncated() -> Double {
        while true {
            let z = next()
            if abs(z) <= 2 { return z }
        }
    }

    /// Derives the seed of stream k from one user seed: the first SplitMix64 output for the state
    /// seed ⊕ k·0xD1B54A32D192ED03. Each random stream (blob data, split, batches, initial weights) has its own
    /// k, so adding a stream or drawing more from one never shifts the others.
    public static func streamSeed(_ seed: UInt64, stream: UInt64) -> UInt64 {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }
}
