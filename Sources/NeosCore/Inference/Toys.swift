/// The distribution of a model's data at one parameter point, as pyhf's `Model.make_pdf(pars)` builds it: each
/// main bin Poisson around its expected rate, each auxiliary datum from its constraint (Gaussian around the
/// constrained parameter, or Poisson around θτ), and auxiliary data without a constraint held at their values.
public struct DataDistribution: Sendable {
    /// A Gaussian auxiliary datum: its slot in the auxdata, its mean (the parameter) and width.
    public struct Gaussian: Sendable {
        /// The index within the auxdata (not the full data vector).
        public var index: Int
        /// The mean, the constrained parameter's value.
        public var mean: Double
        /// The standard deviation.
        public var sigma: Double
    }

    /// A Poisson auxiliary datum: its slot in the auxdata and its mean θτ.
    public struct Poisson: Sendable {
        /// The index within the auxdata (not the full data vector).
        public var index: Int
        /// The mean, the parameter times the constraint's τ.
        public var rate: Double
    }

    /// The expected main-bin rates, each the mean of a Poisson count.
    public var mainRates: [Double]
    /// The auxdata values a toy starts from; slots named by a constraint are replaced by its draw.
    public var auxdata: [Double]
    /// The Gaussian constraints, in auxdata order.
    public var gaussian: [Gaussian]
    /// The Poisson constraints, in auxdata order.
    public var poisson: [Poisson]

    /// A distribution from its parts; every index must lie within `auxdata`.
    public init(mainRates: [Double], auxdata: [Double], gaussian: [Gaussian], poisson: [Poisson]) throws {
        for index in gaussian.map(\.index) + poisson.map(\.index) where !auxdata.indices.contains(index) {
            throw NeosError.invalidArgument(
                "a constraint names auxdata slot \(index), but there are \(auxdata.count) auxiliary data")
        }
        self.mainRates = mainRates
        self.auxdata = auxdata
        self.gaussian = gaussian
        self.poisson = poisson
    }

    /// One pseudo-experiment (main bins then auxdata). Draws come in one fixed order: the main bins in order, then
    /// the Gaussian constraints, then the Poisson ones, so a stream gives the same data everywhere. A negative or
    /// non-finite rate, or a width that is not positive, is `.numeric` (numpy refuses those too).
    public func sample(_ generator: inout SplitMix64) throws -> [Double] {
        var data = [Double]()
        data.reserveCapacity(mainRates.count + auxdata.count)
        for rate in mainRates { data.append(try RandomVariates.poisson(mean: rate, &generator)) }
        var aux = auxdata
        for constraint in gaussian {
            aux[constraint.index] = try RandomVariates.normal(
                mean: constraint.mean, sigma: constraint.sigma, &generator)
        }
        for constraint in poisson {
            aux[constraint.index] = try RandomVariates.poisson(mean: constraint.rate, &generator)
        }
        data.append(contentsOf: aux)
        return data
    }
}

/// A likelihood model that can also generate its own data: what pseudo-experiments need.
public protocol ToyGeneratingModel: LikelihoodModel {
    /// The distribution of the data (main bins then auxdata) at `pars`.
    func dataDistribution(_ pars: [Double]) throws -> DataDistribution
}

extension Model: ToyGeneratingModel {
    /// pyhf's `make_pdf(pars)`: Poisson main bins at `expectedActualData(pars)`, the Gaussian constraints (normsys,
    /// histosys, lumi, staterror) around their parameters with their widths, the Poisson ones (shapesys) around
    /// θτ.
    public func dataDistribution(_ pars: [Double]) throws -> DataDistribution {
        let s = structure
        let rates = try expectedActualData(pars)
        let gaussian = (0..<s.gaussParam.count).map { g in
            DataDistribution.Gaussian(index: s.gaussAux[g], mean: pars[s.gaussParam[g]], sigma: numbers.gaussSigma[g])
        }
        let poisson = (0..<s.poisParam.count).map { c in
            DataDistribution.Poisson(index: s.poisAux[c], rate: pars[s.poisParam[c]] * numbers.poisTau[c])
        }
        return try DataDistribution(mainRates: rates, auxdata: auxdata, gaussian: gaussian, poisson: poisson)
    }
}

/// Pseudo-experiments ("toys", pyhf's `ToyCalculator`): data sets drawn from a model at fixed parameters, and the
/// test statistic of each, fitted exactly as `TestStatistic.evaluate` fits the observed data.
///
/// Reproducibility: toy i of seed s draws from its own stream, `SplitMix64(seed: x_i)` where x_i is output i
/// (counting from 0) of `SplitMix64(seed: s)`. A toy's data therefore depend only on (s, i), never on which thread
/// ran it or on the other toys, and a run over toys a..<b gives the toys a..<b of the full run.
public enum Toys {
    /// The most toys one call generates (a bound on the work and the output a caller can ask for).
    public static let maximumCount = 100_000_000

    /// The stream of toy `index` under `seed`: output `index` of SplitMix64(seed) (the state after `index` steps is
    /// seed + index·γ, so it is reached in O(1)) seeds the toy's own generator.
    public static func generator(seed: UInt64, toy index: Int) -> SplitMix64 {
        var root = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        return SplitMix64(seed: root.next())
    }

    static func checkCount(_ count: Int) throws {
        guard count >= 0 && count <= maximumCount else {
            throw NeosError.invalidArgument("the number of toys is \(count); it must lie in 0...\(maximumCount)")
        }
    }

    static func checkParameters(_ pars: [Double], model: some LikelihoodModel) throws {
        try Validate.count(pars.count, equals: model.parameterCount, "the parameters to sample at")
        if let index = pars.firstIndex(where: { !$0.isFinite }) {
            throw NeosError.invalidArgument("the parameters to sample at have \(pars[index]) at \(index)")
        }
    }

    /// `count` pseudo-experiments drawn at `parameters` (each main bins then auxdata), toy i from
    /// `generator(seed:toy:)`.
    public static func data(
        model: some ToyGeneratingModel, parameters: [Double], count: Int, seed: UInt64
    ) throws -> [[Double]] {
        try checkCount(count)
        try checkParameters(parameters, model: model)
        let distribution = try model.dataDistribution(parameters)
        return try (0..<count).map { toy in
            var generator = generator(seed: seed, toy: toy)
            return try distribution.sample(&generator)
        }
    }

    /// The test statistic at `poi` of each of `count` pseudo-experiments drawn at `parameters`: pyhf's
    /// `ToyCalculator.distributions` loop for one hypothesis. Toys run on up to `threads` threads (nil: every
    /// core) in contiguous blocks; every toy's value is the same for any number of threads. When toys fail (a fit
    /// that does not converge, a sampled rate that is not valid), the error of the lowest-numbered failing toy is
    /// thrown, also independently of the threads, with that toy's number in its message.
    public static func testStatistics(
        poi: Double, testStatistic: TestStatistic, model: some ToyGeneratingModel, parameters: [Double],
        count: Int, seed: UInt64, configuration: FitConfiguration = .init(), threads: Int? = nil
    ) throws -> [Double] {
        try checkCount(count)
        try checkParameters(parameters, model: model)
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        if let threads, threads < 1 {
            throw NeosError.invalidArgument("threads is \(threads); it must be at least 1")
        }
        let distribution = try model.dataDistribution(parameters)
        if count == 0 { return [] }
        let chunks = max(1, min(threads ?? Parallel.coreCount, count))
        var values = [Double](repeating: 0, count: count)
        var failures = [(toy: Int, error: Error)?](repeating: nil, count: chunks)
        values.withUnsafeMutableBufferPointer { values in
            failures.withUnsafeMutableBufferPointer { failures in
                nonisolated(unsafe) let values = values
                nonisolated(unsafe) let failures = failures
                Parallel.forEachChunk(count: count, chunks: chunks) { chunk, toys in
                    for toy in toys {
                        do {
                            var generator = generator(seed: seed, toy: toy)
                            let data = try distribution.sample(&generator)
                            values[toy] =
                                try testStatistic.evaluate(
                                    poi: poi, data: data, model: model, configuration: configuration
                                ).value
                        } catch {
                            failures[chunk] = (toy, error)
                            return
                        }
                    }
                }
            }
        }
        if let first = failures.compactMap({ $0 }).min(by: { $0.toy < $1.toy }) {
            let kind = (first.error as? NeosError)?.kind ?? .internal
            throw NeosError(kind, "toy \(first.toy) of \(count) (seed \(seed)): \(first.error)")
        }
        return values
    }
}
