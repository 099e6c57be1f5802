import Synchronization

/// A spare forward pass whose big arrays the next evaluation of the same size reuses.
final class ForwardCache: Sendable {
    private let slot = Mutex<MultilayerPerceptron.Forward?>(nil)
    func take() -> MultilayerPerceptron.Forward? {
        slot.withLock { value in
            defer { value = nil }
            return value
        }
    }
    func put(_ forward: MultilayerPerceptron.Forward) { slot.withLock { $0 = forward } }
}

/// neos's differentiable chain, as one function of the network parameters and the bin edges:
///
///     events → network → summary histogram per event set → yields = counts·scale·lumi/Σw + floor
///            → HistFactory model (``PipelineModel``) → objective (``PipelineObjective``)
///
/// with the exact gradient of the objective with respect to every network parameter and every bin edge,
/// composed stage by stage from each stage's vector-Jacobian product. The summary (``PipelineSummary``) is neos's
/// binned KDE of one output, or INFERNO's softmax of one output per bin (whose edges receive no gradient).
public struct Pipeline: Sendable {
    /// The network that maps each event to the summary's inputs (one output for the KDE, one per bin for softmax).
    public let network: MultilayerPerceptron
    /// How the network's outputs become histograms.
    public let summary: PipelineSummary
    /// Where the yields enter the statistical model.
    public let model: PipelineModel
    /// What is minimised.
    public let objective: PipelineObjective
    /// KDE bandwidth used for training.
    public var bandwidth: Double
    /// Keep kernel mass outside the edges in the outer bins (``HistogramOptions/reflectInfinities``; neos: off).
    public var reflectInfinities = false
    /// Per event set: its expected yield is scale × luminosity (neos: sig 2, backgrounds 10, lumi 10).
    public var scales: [String: Double]
    /// The luminosity factor of every yield (neos: 10).
    public var luminosity: Double
    /// Added to every bin of every yield, so no bin is ever empty (neos: 1e-3).
    public var floor: Double
    /// The ordering guard's gap between trainable edges (neos: 1e-4).
    public var edgeGap = 1e-4
    /// Event sets labelled signal (1) for the bce loss.
    public var bceSignal: [String] = ["sig"]
    /// Event sets labelled background (0) for the bce loss.
    public var bceBackground: [String] = ["bkg_nominal"]
    /// The spare forward pass of training batches (evaluations keep no hidden layers, so they need none).
    let trainingCache = ForwardCache()

    /// A pipeline of the given stages; ``reflectInfinities``, ``edgeGap`` and the bce labels keep their defaults
    /// and can be set afterwards.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the network's output count is not the summary's (one
    ///   for the KDE, the model's bins for softmax), the softmax temperature or the bandwidth is not positive and
    ///   finite, the luminosity is not positive or the floor is negative (or either is not finite), the bce loss is
    ///   asked for with the softmax summary or without a sigmoid output, or an event set of the model has no
    ///   positive, finite scale.
    public init(
        network: MultilayerPerceptron, model: PipelineModel, objective: PipelineObjective, bandwidth: Double,
        scales: [String: Double], luminosity: Double, floor: Double, summary: PipelineSummary = .kde
    ) throws {
        let outputs = summary.outputCount(bins: model.binCount)
        guard network.outputSize == outputs else {
            let what = summary == .kde ? "one output (the observable)" : "one output per bin (\(outputs))"
            throw NeosError.invalidArgument(
                "the \(summary.name) summary needs a network with \(what), got \(network.outputSize)")
        }
        if case .softmax(let temperature) = summary {
            guard temperature > 0, temperature.isFinite else {
                throw NeosError.invalidArgument(
                    "the softmax temperature must be positive and finite, got \(temperature)")
            }
            if objective.terms.contains(where: { $0.loss == .bce }) {
                throw NeosError.invalidArgument(
                    "the bce loss needs the kde summary's one sigmoid output, not the softmax summary's one per bin")
            }
        }
        guard bandwidth > 0, bandwidth.isFinite else {
            throw NeosError.invalidArgument("the training bandwidth must be positive and finite, got \(bandwidth)")
        }
        guard luminosity > 0, luminosity.isFinite, floor >= 0, floor.isFinite else {
            throw NeosError.invalidArgument(
                "luminosity must be positive and the floor non-negative (got \(luminosity), \(floor))")
        }
        if objective.terms.contains(where: { $0.loss == .bce }) && network.activations.last != .sigmoid {
            throw NeosError.invalidArgument("the bce loss needs a sigmoid output layer")
        }
        for name in model.eventSetNames {
            guard let scale = scales[name], scale > 0, scale.isFinite else {
                throw NeosError.invalidArgument("event set \"\(name)\" needs a positive, finite scale")
            }
        }
        self.network = network
        self.summary = summary
        self.model = model
        self.objective = objective
        self.bandwidth = bandwidth
        self.scales = scales
        self.luminosity = luminosity
        self.floor = floor
    }

    var usesModel: Bool { objective.terms.contains { $0.loss.usesModel } }
    var usesBCE: Bool { objective.terms.contains { $0.loss == .bce } }

    /// Every event set the pipeline reads: the model's, then the bce labels' (first-use order).
    public var eventSetNames: [String] {
        var names = model.eventSetNames
        if usesBCE { for n in bceSignal + bceBackground where !names.contains(n) { names.append(n) } }
        return names
    }

    /// The result of one evaluation: the objective, each term's value, the gradients, and the yields used.
    public struct Evaluation: Sendable {
        /// The objective, Σ weight·term.
        public var loss: Double
        /// Each term's unweighted value, keyed by loss name.
        public var terms: [String: Double]
        /// The gradient with respect to the network parameters, `network.parameterCount` values.
        public var networkGradient: [Double]
        /// Gradient with respect to the full (unguarded) edge vector; outer edges included.
        public var edgeGradient: [Double]
        /// The yields the model was built from, keyed by event set (each `binCount` long).
        public var yields: [String: [Double]]
    }

    /// The forward pass over every event set's events (in the order of `names`), each set's rows in it, and the
    /// concatenated input points (which the backward pass needs again).
    /// `cache` nil: an evaluation, whose forward pass keeps no hidden layers
    /// (``MultilayerPerceptron/forwardOutputs(parameters:inputs:rows:)``).
    func outputs(_ parameters: [Double], _ events: [String: EventSet], names: [String], cache: ForwardCache?) throws
        -> (forward: MultilayerPerceptron.Forward, ranges: [Range<Int>], points: [Double])
    {
        var points: [Double] = []
        var ranges: [Range<Int>] = []
        for name in names {
            guard let set = events[name] else { throw NeosError.invalidArgument("no events for event set \"\(name)\"") }
            guard set.dimension == network.inputSize else {
                throw NeosError.invalidArgument(
                    "events of \"\(name)\" have \(set.dimension) features, the network takes \(network.inputSize)")
            }
            let start = points.count / network.inputSize
            points += set.points
            ranges.append(start..<(start + set.count))
        }
        let rows = points.count / network.inputSize
        guard let cache else {
            return (try network.forwardOutputs(parameters: parameters, inputs: points, rows: rows), ranges, points)
        }
        let forward = try network.forward(parameters: parameters, inputs: points, rows: rows, recycling: cache.take())
        return (forward, ranges, points)
    }

    func checkEdges(_ edges: [Double]) throws {
        guard edges.count == model.binCount + 1 else {
            throw NeosError.invalidArgument(
                "expected \(model.binCount + 1) bin edges for \(model.binCount) bins, got \(edges.count)")
        }
        try edges.withUnsafeBufferPointer { try Validate.finite($0, "bin edges") }
    }

    /// Counts → yields for one event set.
    func yieldFactor(_ name: String, _ set: EventSet) -> Double { (scales[name] ?? 1) * luminosity / set.totalWeight }

    /// The network outputs of the events in `rows` (a range of events): `outputSize` values per event.
    func outputSlice(_ output: [Double], rows: Range<Int>) -> [Double] {
        let width = network.outputSize
        return Array(output[(rows.lowerBound * width)..<(rows.upperBound * width)])
    }

    /// One event set's yields from its network outputs: summary counts · scale · lumi / Σw + floor. `training`:
    /// the summary's differentiable counts (KDE at `bandwidth`, softmax at its temperature); otherwise the test
    /// metrics' (KDE at `bandwidth`, 0 = hard; softmax's argmax histogram, `bandwidth` unused).
    func yields(
        _ name: String, outputs: [Double], _ set: EventSet, guardedEdges: [Double], bandwidth: Double, training: Bool
    ) throws -> [Double] {
        let counts: [Double]
        switch summary {
        case .kde:
            counts = try Histogram.counts(
                data: outputs, edges: guardedEdges, bandwidth: bandwidth, weights: set.weights,
                options: HistogramOptions(density: false, reflectInfinities: reflectInfinities))
        case .softmax(let temperature):
            counts =
                training
                ? try SoftmaxHistogram.counts(
                    logits: outputs, bins: model.binCount, temperature: temperature, weights: set.weights)
                : try SoftmaxHistogram.hardCounts(logits: outputs, bins: model.binCount, weights: set.weights)
        }
        let factor = yieldFactor(name, set)
        return counts.map { $0 * factor + floor }
    }

    /// The objective and its gradient at `(networkParameters, edges)` on `events` (keyed by event-set name).
    public func evaluate(networkParameters: [Double], edges: [Double], events: [String: EventSet]) throws -> Evaluation
    {
        try checkEdges(edges)
        let names = eventSetNames
        let (firstPass, ranges, points) = try outputs(networkParameters, events, names: names, cache: trainingCache)
        var forward = firstPass
        defer { trainingCache.put(forward) }
        let output = forward.output
        let guarded = BinEdgeGuard.apply(edges, gap: edgeGap)
        let modelSets = model.eventSetNames
        // Each model set's outputs, sliced once for the histogram and its VJP.
        var setOutputs: [String: [Double]] = [:]
        var yields: [String: [Double]] = [:]
        for name in modelSets {
            let sliced = outputSlice(output, rows: ranges[names.firstIndex(of: name)!])
            setOutputs[name] = sliced
            yields[name] = try self.yields(
                name, outputs: sliced, events[name]!, guardedEdges: guarded, bandwidth: bandwidth, training: true)
        }

        var loss = 0.0
        var terms: [String: Double] = [:]
        var outputCotangent = [Double](repeating: 0, count: output.count)
        var logitCotangent = [Double](repeating: 0, count: output.count)
        var guardedEdgeGradient = [Double](repeating: 0, count: edges.count)

        if usesModel {
            let statModel = try model.model(yields: yields)
            var inputGradient = [Double](repeating: 0, count: statModel.inputCount)
            for term in objective.terms where term.loss.usesModel {
                let result = try term.loss.evaluate(on: statModel)
                terms[term.loss.rawValue] = result.value
                loss += term.weight * result.value
                for k in 0..<inputGradient.count { inputGradient[k] += term.weight * result.gradient[k] }
            }
            // Back through the yields and the histograms to the network outputs and the edges.
            let yieldGradient = model.yieldGradient(inputGradient: inputGradient)
            for name in modelSets {
                let set = events[name]!
                let range = ranges[names.firstIndex(of: name)!]
                let factor = yieldFactor(name, set)
                let cotangent = yieldGradient[name]!.map { $0 * factor }
                let start = range.lowerBound * network.outputSize
                switch summary {
                case .kde:
                    let gradients = try Histogram.dataAndEdgeVJP(
                        cotangent: cotangent, data: setOutputs[name]!, edges: guarded, bandwidth: bandwidth,
                        weights: set.weights,
                        options: HistogramOptions(density: false, reflectInfinities: reflectInfinities))
                    for (k, g) in gradients.data.enumerated() { outputCotangent[start + k] += g }
                    for j in 0..<edges.count { guardedEdgeGradient[j] += gradients.edges[j] }
                case .softmax(let temperature):
                    // The softmax counts do not depend on the edges: their gradient stays 0.
                    let gradients = try SoftmaxHistogram.vjp(
                        cotangent: cotangent, logits: setOutputs[name]!, bins: model.binCount,
                        temperature: temperature, weights: set.weights)
                    for (k, g) in gradients.logits.enumerated() { outputCotangent[start + k] += g }
                }
            }
        }
        if usesBCE {
            let sets = bceSignal + bceBackground
            let labels = bceSignal.map { _ in 1.0 } + bceBackground.map { _ in 0.0 }
            let slices = sets.map { Array(forward.logits[ranges[names.firstIndex(of: $0)!]]) }
            let result = BinaryCrossEntropy.evaluate(
                logits: slices, labels: labels, weights: sets.map { events[$0]!.weights })
            let weight = objective.terms.filter { $0.loss == .bce }.reduce(0) { $0 + $1.weight }
            terms[PipelineLoss.bce.rawValue] = result.value
            loss += weight * result.value
            for (i, name) in sets.enumerated() {
                let range = ranges[names.firstIndex(of: name)!]
                for (k, g) in result.gradients[i].enumerated() { logitCotangent[range.lowerBound + k] += weight * g }
            }
        }
        guard loss.isFinite else {
            throw NeosError(.numeric, "the objective \(objective.name) is \(loss) (terms \(terms))")
        }
        let fromOutputs = network.outputCotangentToLogits(outputCotangent, forward: forward)
        for k in 0..<logitCotangent.count { logitCotangent[k] += fromOutputs[k] }
        let networkGradient = try network.backward(
            parameters: networkParameters, inputs: points, forward: &forward, logitCotangent: logitCotangent)
        return Evaluation(
            loss: loss, terms: terms, networkGradient: networkGradient,
            edgeGradient: BinEdgeGuard.vjp(guardedEdgeGradient, edges: edges), yields: yields)
    }

    /// The model's yields as the test metrics see them, keyed by event set: the KDE at `bandwidth` (0: an ordinary
    /// histogram), or softmax's argmax histogram (`bandwidth` unused).
    public func yields(networkParameters: [Double], edges: [Double], events: [String: EventSet], bandwidth: Double)
        throws -> [String: [Double]]
    {
        try checkEdges(edges)
        let names = model.eventSetNames
        let (forward, ranges, _) = try outputs(networkParameters, events, names: names, cache: nil)
        let guarded = BinEdgeGuard.apply(edges, gap: edgeGap)
        var out: [String: [Double]] = [:]
        for (i, name) in names.enumerated() {
            out[name] = try yields(
                name, outputs: outputSlice(forward.output, rows: ranges[i]), events[name]!, guardedEdges: guarded,
                bandwidth: bandwidth, training: false)
        }
        return out
    }

    /// neos's test metrics on `events` with the histograms of ``yields(networkParameters:edges:events:bandwidth:)``
    /// (neos evaluates with hard histograms, `bandwidth` 0): expected CLs, discovery p₀ and σ_μ.
    public func metrics(networkParameters: [Double], edges: [Double], events: [String: EventSet], bandwidth: Double)
        throws -> [String: Double]
    {
        let statModel = try model.model(
            yields: yields(networkParameters: networkParameters, edges: edges, events: events, bandwidth: bandwidth))
        return [
            "cls": try Losses.expectedCLs(model: statModel).value,
            "discovery": try Losses.discoveryP0(model: statModel).value,
            "poi_uncert": try Losses.poiUncertainty(model: statModel).value,
        ]
    }
}
