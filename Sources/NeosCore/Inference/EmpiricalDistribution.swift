/// The distribution of a test statistic given by samples of it, the toys' values (pyhf's
/// `EmpiricalDistribution`): p-values are the fraction of samples at or above a value, and expected values are the
/// samples' percentiles, linearly interpolated as numpy's `percentile` (its default `method="linear"`) interpolates
/// them, so that both agree with pyhf 0.7.6 on its numpy backend bit for bit.
public struct EmpiricalDistribution: Sendable {
    /// The samples, in the order given.
    public let samples: [Double]
    /// The samples in ascending order: a p-value is then a binary search and a percentile two reads.
    let sorted: [Double]

    /// A distribution of `samples`, which must be at least one value, every one finite: an empty distribution has no
    /// p-value (pyhf divides 0 by 0), and a NaN sample has no place in the order that percentiles read.
    public init(samples: [Double]) throws {
        guard !samples.isEmpty else {
            throw NeosError.invalidArgument("an empirical distribution needs at least one sample; there are none")
        }
        if let index = samples.firstIndex(where: { !$0.isFinite }) {
            throw NeosError.invalidArgument("samples[\(index)] is \(samples[index]); every sample must be finite")
        }
        self.samples = samples
        self.sorted = samples.sorted()
    }

    /// The fraction of the samples at or above `value` (pyhf's `pvalue`: the count over the number of samples,
    /// one IEEE division). A NaN `value` is below no sample: 0, as numpy's comparison gives.
    public func pvalue(_ value: Double) -> Double {
        Double(sorted.count - Self.countBelow(value, in: sorted)) / Double(sorted.count)
    }

    /// The statistic `nsigma` standard deviations into the distribution (pyhf's `expected_value`): the
    /// percentile at 100 Φ(nsigma).
    public func expectedValue(nsigma: Double) -> Double {
        Self.percentile(sorted: sorted, Normal.cdf(nsigma) * 100)
    }

    /// How many of the ascending `values` are below `value` (numpy's `searchsorted(side="left")`).
    static func countBelow(_ value: Double, in values: [Double]) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        // Nothing compares >= NaN: every sample counts as below it.
        return value.isNaN ? values.count : low
    }

    /// numpy's `percentile(values, q, method="linear")` of ascending, finite `values` at `q` in [0, 100], in
    /// numpy's own arithmetic: the virtual index (n − 1)·(q / 100), the largest value at or beyond the last index,
    /// and otherwise numpy's `_lerp` of the two neighbours, which for a weight of one half or more interpolates
    /// from the upper one (b − (b − a)(1 − t)) so that t = 1 gives b exactly.
    static func percentile(sorted values: [Double], _ q: Double) -> Double {
        // numpy's NaN for a NaN percentile (an expected value at nsigma = NaN), not an end of the samples.
        if q.isNaN { return .nan }
        let last = values.count - 1
        let index = Double(last) * (q / 100)
        guard index < Double(last) else { return values[last] }
        guard index > 0 else { return values[0] }
        let lower = index.rounded(.down)
        let weight = index - lower
        let (a, b) = (values[Int(lower)], values[Int(lower) + 1])
        let difference = b - a
        return weight >= 0.5 ? b - difference * (1 - weight) : a + difference * weight
    }
}
