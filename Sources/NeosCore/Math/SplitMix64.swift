/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable 64-bit generator. It is the root of every
/// random stream in neos-swift, so a seed reproduces a run exactly on any platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The 64-bit state: it advances by a fixed odd increment per draw, so `SplitMix64(seed: state)` continues
    /// this generator's stream exactly.
    public private(set) var state: UInt64

    /// A generator whose state starts at `seed`; every seed, 0 included, gives a full-period stream.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits: the state advanced by 0x9E3779B97F4A7C15 (2⁶⁴ over the golden ratio), then
    /// mixed by Stafford's 'Mix13' finaliser (two xor-shift-multiply rounds and a last xor-shift).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
