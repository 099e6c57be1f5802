/// Events of one sample: `count` points of `dimension` features (row-major) and optional per-event weights.
/// Weights are relative: a sample's expected yield is set by its scale and the luminosity (see
/// ``Pipeline``), so only their ratios matter.
public struct EventSet: Sendable, Equatable {
    /// The coordinates, `count × dimension` values, event after event.
    public var points: [Double]
    /// Features per event.
    public var dimension: Int
    /// One non-negative weight per event, or nil for unit weights.
    public var weights: [Double]?

    /// A checked event set.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when `dimension` is not positive, the coordinates do not
    ///   divide into points, there are no events, a value is not finite, or the weights have the wrong length, a
    ///   negative value or no positive one.
    public init(points: [Double], dimension: Int, weights: [Double]? = nil) throws {
        guard dimension > 0 else {
            throw NeosError.invalidArgument("event dimension must be positive, got \(dimension)")
        }
        guard points.count % dimension == 0 else {
            throw NeosError.invalidArgument(
                "\(points.count) coordinates do not divide into points of dimension \(dimension)")
        }
        guard !points.isEmpty else { throw NeosError.invalidArgument("an event set needs at least one event") }
        try points.withUnsafeBufferPointer { try Validate.finite($0, "event coordinates") }
        if let weights {
            try Validate.length(weights.count, equals: points.count / dimension, "event weights")
            try weights.withUnsafeBufferPointer { try Validate.finite($0, "event weights") }
            guard weights.allSatisfy({ $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
                throw NeosError.invalidArgument("event weights must be non-negative with a positive sum")
            }
        }
        self.points = points
        self.dimension = dimension
        self.weights = weights
    }

    /// The number of events.
    public var count: Int { points.count / dimension }

    /// Σ weights (the event count when unweighted).
    public var totalWeight: Double { weights?.reduce(0, +) ?? Double(count) }

    /// The events at `indices`, in that order.
    public func subset(_ indices: some Collection<Int>) -> EventSet {
        // Element by element into an array of the final size: appending a slice per event cost a memmove call
        // per event of two values, 4% of the small demo step.
        let dimension = dimension
        let points = self.points.withUnsafeBufferPointer { source in
            [Double](unsafeUninitializedCapacity: indices.count * dimension) { target, initialized in
                var next = 0
                for i in indices {
                    for k in 0..<dimension { target[next + k] = source[i * dimension + k] }
                    next += dimension
                }
                initialized = next
            }
        }
        let weights = self.weights.map { w in indices.map { w[$0] } }
        return EventSet(uncheckedPoints: points, dimension: dimension, weights: weights)
    }

    init(uncheckedPoints: [Double], dimension: Int, weights: [Double]?) {
        self.points = uncheckedPoints
        self.dimension = dimension
        self.weights = weights
    }
}

/// A seeded permutation (Fisher–Yates driven by SplitMix64).
func seededPermutation(_ count: Int, seed: UInt64) -> [Int] {
    var generator = SplitMix64(seed: seed)
    var permutation = Array(0..<count)
    var i = count - 1
    while i > 0 {
        let j = Int(generator.next() % UInt64(i + 1))
        permutation.swapAt(i, j)
        i -= 1
    }
    return permutation
}

/// A seeded train/test split as scikit-learn's `train_test_split` does it: the test part has ⌈fraction·n⌉
/// events; when every sample has the same size the same permutation splits all of them (as neos does, keeping
/// the samples' events aligned), otherwise each sample gets its own permutation from the same stream seed.
public func trainTestSplit(_ samples: [EventSet], testFraction: Double, seed: UInt64) throws -> (
    train: [EventSet], test: [EventSet]
) {
    guard testFraction > 0, testFraction < 1 else {
        throw NeosError.invalidArgument("test fraction must lie strictly between 0 and 1, got \(testFraction)")
    }
    var train: [EventSet] = []
    var test: [EventSet] = []
    for (index, sample) in samples.enumerated() {
        let n = sample.count
        let testCount = Int((testFraction * Double(n)).rounded(.up))
        guard testCount >= 1, testCount < n else {
            throw NeosError.invalidArgument(
                "a sample of \(n) events cannot be split with test fraction \(testFraction)")
        }
        let sameSize = samples.allSatisfy { $0.count == n }
        let permutation = seededPermutation(
            n, seed: sameSize ? seed : NormalSampler.streamSeed(seed, stream: UInt64(index)))
        test.append(sample.subset(permutation[0..<testCount]))
        train.append(sample.subset(permutation[testCount...]))
    }
    return (train, test)
}

/// Per-epoch mini-batches: each epoch draws a fresh permutation (stream seeded from `seed` and the epoch) and
/// batch i takes positions i·size ..< (i+1)·size of it, the last batch holding the remainder, as neos's demo
/// does. Samples of equal size share the permutation; otherwise each sample is cut into the same number of
/// batches in proportion to its size.
public struct Batcher: Sendable {
    /// Events per sample per batch when all samples have one size; otherwise the first sample's batches have this
    /// size and fix the number of batches of the others.
    public let batchSize: Int
    /// The root seed of the per-epoch permutations.
    public let seed: UInt64
    /// The current epoch, from 0.
    public private(set) var epoch = 0
    /// The position in the epoch of the batch ``next()`` returns next.
    public private(set) var batchInEpoch = 0
    let sizes: [Int]
    var permutations: [[Int]] = []

    /// A batcher over samples of `sizes` events, at the start of epoch 0.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when `batchSize` is not positive or there is no sample or
    ///   an empty one.
    public init(sizes: [Int], batchSize: Int, seed: UInt64) throws {
        guard batchSize > 0 else { throw NeosError.invalidArgument("batch size must be positive, got \(batchSize)") }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
            throw NeosError.invalidArgument("every sample needs at least one training event")
        }
        self.sizes = sizes
        self.batchSize = batchSize
        self.seed = seed
        permutations = makePermutations()
    }

    /// ⌈sizes[0] / batchSize⌉: the batches of one epoch.
    public var batchesPerEpoch: Int { (sizes[0] + batchSize - 1) / batchSize }

    func makePermutations() -> [[Int]] {
        let epochSeed = NormalSampler.streamSeed(seed, stream: UInt64(epoch))
        if sizes.allSatisfy({ $0 == sizes[0] }) {
            return Array(repeating: seededPermutation(sizes[0], seed: epochSeed), count: sizes.count)
        }
        return sizes.enumerated().map { index, size in
            seededPermutation(size, seed: NormalSampler.streamSeed(epochSeed, stream: UInt64(index)))
        }
    }

    /// The indices of the next batch, one list per sample; advances to the next epoch after the last batch.
    public mutating func next() -> [[Int]] {
        let batches = batchesPerEpoch
        let i = batchInEpoch
        let indices: [[Int]] = sizes.enumerated().map { sample, size in
            if sizes.allSatisfy({ $0 == sizes[0] }) {
                return Array(permutations[sample][(i * batchSize)..<min((i + 1) * batchSize, size)])
            }
            return Array(permutations[sample][(size * i / batches)..<(size * (i + 1) / batches)])
        }
        batchInEpoch += 1
        if batchInEpoch == batches {
            batchInEpoch = 0
            epoch += 1
            permutations = makePermutations()
        }
        return indices
    }
}
