/// neos's toy data: four two-dimensional Gaussian blobs with unit covariance.
///
/// | sample        | mean         |
/// |---------------|--------------|
/// | `sig`         | (−1, 1)      |
/// | `bkg_nominal` | (1, −1)      |
/// | `bkg_up`      | (2.5, 2)     |
/// | `bkg_down`    | (−2.5, −1.5) |
///
/// Draws come from ``NormalSampler`` (Box–Muller on SplitMix64). By default each sample has its own stream
/// (stream k = sample index, derived with ``NormalSampler/streamSeed(_:stream:)``). With `sharedDraws` one
/// set of standard-normal points is shifted to every mean, the structure of the reference, where all four
/// samples were drawn with the same key. The values differ from jax's PRNG; the distributions do not.
public enum GaussianBlobs {
    /// The four event-set names, in the order ``generate(pointsPerBlob:seed:sharedDraws:)`` returns the blobs.
    public static let names = ["sig", "bkg_nominal", "bkg_up", "bkg_down"]
    /// The blobs' means, aligned with ``names``.
    public static let means: [(Double, Double)] = [(-1, 1), (1, -1), (2.5, 2), (-2.5, -1.5)]

    /// The four blobs, each `pointsPerBlob` events of two features, reproducible from `seed`.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when `pointsPerBlob` is below 2.
    public static func generate(pointsPerBlob: Int, seed: UInt64 = 0, sharedDraws: Bool = false) throws -> [EventSet] {
        guard pointsPerBlob >= 2 else {
            throw NeosError.invalidArgument("points per blob must be at least 2, got \(pointsPerBlob)")
        }
        func draws(stream: UInt64) -> [Double] {
            var sampler = NormalSampler(seed: NormalSampler.streamSeed(seed, stream: stream))
            return (0..<(2 * pointsPerBlob)).map { _ in sampler.next() }
        }
        let shared = sharedDraws ? draws(stream: 0) : []
        return try means.enumerated().map { index, mean in
            var points = sharedDraws ? shared : draws(stream: UInt64(index))
            for k in 0..<pointsPerBlob {
                points[2 * k] += mean.0
                points[2 * k + 1] += mean.1
            }
            return try EventSet(points: points, dimension: 2)
        }
    }
}
