/// A neos training run: data, network, pipeline and optimiser, stepped one mini-batch at a time.
///
/// The optimised vector (``parameters``) is the network's flat parameters followed, when `train_edges` is on,
/// by the inner bin edges (the outer edges stay fixed; never for the softmax summary, which has no edges). After
/// every step of ``run(steps:progress:)`` the test metrics are computed with hard histograms (`eval_bandwidth`, or
/// softmax's argmax bins), logged, and the best step (lowest `select_by` metric) is kept.
public final class Trainer {
    /// The configuration the run was made from.
    public let configuration: TrainerConfiguration
    /// The differentiable chain being trained.
    public let pipeline: Pipeline
    /// The training events, keyed by event-set name.
    public let train: [String: EventSet]
    /// The held-out events the metrics are computed on.
    public let test: [String: EventSet]
    /// The network's current flat parameters.
    public private(set) var networkParameters: [Double]
    /// The full edge vector (outer edges included), unguarded as the optimiser left it.
    public private(set) var edges: [Double]
    /// The optimiser steps taken so far.
    public private(set) var stepCount = 0
    /// One record per step taken by ``run(steps:progress:)``.
    public private(set) var records: [StepRecord] = []
    /// The logged step with the lowest finite selection metric; nil before the first.
    public private(set) var best: Best?
    /// The plot recording; nil until ``recordPlotFrame()`` is first called.
    public private(set) var plotRecording: TrainingPlotData?
    var optimizer: any Optimizer
    var batcher: Batcher

    /// What is logged after one step.
    public struct StepRecord: Sendable {
        /// The step's index, from 0.
        public var step: Int
        /// The batch objective before the update.
        public var loss: Double
        /// Each term's batch value, keyed by loss name.
        public var terms: [String: Double]
        /// The test metrics after the update.
        public var test: [String: Double]
        /// Wall time of the step's update (forward, backward, optimiser), without the test evaluation.
        public var seconds: Double
    }

    /// The state at the best logged step, to return to with ``restoreBest()``.
    public struct Best: Sendable {
        /// The step's index.
        public var step: Int
        /// Its test metrics.
        public var test: [String: Double]
        /// The network parameters after it.
        public var networkParameters: [Double]
        /// The full edge vector after it.
        public var edges: [Double]
    }

    /// `events`: for `data: "events"`, the caller's train and test sets keyed by event-set name.
    public init(
        configuration: TrainerConfiguration, events: (train: [String: EventSet], test: [String: EventSet])? = nil
    ) throws {
        self.configuration = configuration
        let c = configuration
        let network = try MultilayerPerceptron(
            sizes: [c.inputs] + c.hidden + [c.summary.outputCount(bins: c.edges.count - 1)],
            activations: Array(repeating: c.activation, count: c.hidden.count) + [c.outputActivation],
            precision: c.precision)
        let model: PipelineModel
        if let workspace = c.workspace {
            model = try PipelineModel.workspace(
                workspace, measurement: c.measurement, replacements: c.replacements, bins: c.edges.count - 1,
                modifierSettings: c.modifierSettings, unconstrained: c.unconstrained)
        } else {
            model = try PipelineModel.neos(
                bins: c.edges.count - 1, interpolation: c.interpolation, unconstrained: c.unconstrained)
        }
        var scales: [String: Double] = [:]
        for name in model.eventSetNames { scales[name] = c.scale(name) }
        var pipeline = try Pipeline(
            network: network, model: model, objective: c.objective, bandwidth: c.bandwidth, scales: scales,
            luminosity: c.luminosity, floor: c.floor, summary: c.summary)
        pipeline.reflectInfinities = c.reflectInfinities
        pipeline.edgeGap = c.edgeGap
        pipeline.bceSignal = c.bceSignal
        pipeline.bceBackground = c.bceBackground
        self.pipeline = pipeline

        let needed = pipeline.eventSetNames
        var trainSizes: [Int] = []
        switch (c.data, events) {
        case ("blobs", nil):
            for name in needed where !GaussianBlobs.names.contains(name) {
                throw NeosError.invalidArgument(
                    "event set \"\(name)\" is not one of the blobs (\(GaussianBlobs.names.joined(separator: ", ")))")
            }
            let blobs = try GaussianBlobs.generate(
                pointsPerBlob: c.pointsPerBlob, seed: NormalSampler.streamSeed(c.seed, stream: 1),
                sharedDraws: c.sharedDraws)
            let split = try trainTestSplit(
                blobs, testFraction: c.testFraction, seed: NormalSampler.streamSeed(c.seed, stream: 2))
            var train: [String: EventSet] = [:]
            var test: [String: EventSet] = [:]
            for (i, name) in GaussianBlobs.names.enumerated() {
                train[name] = split.train[i]
                test[name] = split.test[i]
            }
            self.train = train
            self.test = test
            trainSizes = needed.map { train[$0]!.count }
        case ("events", let given?):
            for name in needed {
                guard given.train[name] != nil, given.test[name] != nil else {
                    throw NeosError.invalidArgument("missing train or test events for event set \"\(name)\"")
                }
            }
            // Checked here, not at the first step: events the network cannot read make no trainer.
            for (split, sets) in [("train", given.train), ("test", given.test)] {
                for name in sets.keys.sorted() where sets[name]!.dimension != c.inputs {
                    throw NeosError.invalidArgument(
                        "\(split) events of \"\(name)\" have \(sets[name]!.dimension) features; the network "
                            + "takes \(c.inputs) (the configuration's inputs)")
                }
            }
            self.train = given.train
            self.test = given.test
            trainSizes = needed.map { given.train[$0]!.count }
        case ("blobs", _):
            throw NeosError.invalidArgument(
                "events were supplied but the configuration says data \"blobs\"; set data to \"events\"")
        default:
            throw NeosError.invalidArgument("data \"events\" needs the caller's train and test events")
        }
        batcher = try Batcher(
            sizes: trainSizes, batchSize: c.batchSize, seed: NormalSampler.streamSeed(c.seed, stream: 3))
        networkParameters = network.initialParameters(
            seed: NormalSampler.streamSeed(c.seed, stream: 4), scheme: c.initialization)
        edges = c.edges
        switch c.optimizer {
        case "sgd": optimizer = try StochasticGradientDescent(learningRate: c.learningRate, momentum: c.momentum)
        default: optimizer = try Adam(learningRate: c.learningRate)
        }
    }

    // MARK: the optimised vector

    var innerEdgeCount: Int { configuration.trainEdges ? edges.count - 2 : 0 }

    /// Network parameters, then (if trained) the inner edges.
    public var parameters: [Double] { networkParameters + Array(edges[1..<(1 + innerEdgeCount)]) }

    /// The length of ``parameters``: the network's parameters, plus the inner edges when they are trained.
    public var parameterCount: Int { pipeline.network.parameterCount + innerEdgeCount }

    /// Sets the optimised vector (laid out as ``parameters``).
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` on a wrong length or a non-finite value; nothing changes
    ///   then.
    public func setParameters(_ values: [Double]) throws {
        try Validate.length(values.count, equals: parameterCount, "trainer parameters")
        try values.withUnsafeBufferPointer { try Validate.finite($0, "trainer parameters") }
        let (network, inner) = split(values)
        networkParameters = network
        for (i, e) in inner.enumerated() { edges[1 + i] = e }
    }

    func split(_ values: [Double]) -> (network: [Double], innerEdges: [Double]) {
        let n = pipeline.network.parameterCount
        return (Array(values[0..<n]), Array(values[n...]))
    }

    func fullEdges(innerEdges: [Double]) -> [Double] {
        var out = edges
        for (i, e) in innerEdges.enumerated() { out[1 + i] = e }
        return out
    }

    // MARK: training

    /// The objective and its gradient with respect to ``parameters`` at `values` on `events` (nothing changes).
    public func lossAndGradient(parameters values: [Double], events: [String: EventSet]) throws -> (
        loss: Double, gradient: [Double], terms: [String: Double]
    ) {
        try Validate.length(values.count, equals: parameterCount, "trainer parameters")
        let (network, inner) = split(values)
        return try lossAndGradient(network: network, edges: fullEdges(innerEdges: inner), events: events)
    }

    /// The objective and its flat gradient (network, then inner edges) at the given network parameters and full
    /// edges.
    func lossAndGradient(network: [Double], edges: [Double], events: [String: EventSet]) throws -> (
        loss: Double, gradient: [Double], terms: [String: Double]
    ) {
        let evaluation = try pipeline.evaluate(networkParameters: network, edges: edges, events: events)
        let gradient = evaluation.networkGradient + evaluation.edgeGradient[1..<(1 + innerEdgeCount)]
        try gradient.withUnsafeBufferPointer { try Validate.finite($0, "gradient of the objective") }
        return (evaluation.loss, gradient, evaluation.terms)
    }

    /// The next mini-batch of the training events.
    func nextBatch() -> [String: EventSet] {
        let names = pipeline.eventSetNames
        let indices = batcher.next()
        var batch: [String: EventSet] = [:]
        for (i, name) in names.enumerated() { batch[name] = train[name]!.subset(indices[i]) }
        return batch
    }

    /// One optimiser step on the next batch; returns the batch objective (before the update). On an error the
    /// parameters are unchanged.
    @discardableResult
    public func step() throws -> (loss: Double, terms: [String: Double]) {
        // At the current parameters as they are stored (no split copy of the flat vector), and the flat vector
        // made only after the gradient: a step of neos's default network holds two parameter-sized arrays at a
        // time beyond its state, not four.
        let result = try lossAndGradient(network: networkParameters, edges: edges, events: nextBatch())
        var updated = parameters
        try optimizer.update(parameters: &updated, gradient: result.gradient)
        try setParameters(updated)  // refuses a non-finite update
        stepCount += 1
        return (result.loss, result.terms)
    }

    /// Test metrics (cls, discovery, poi_uncert) with `eval_bandwidth` histograms (the softmax summary: argmax
    /// histograms).
    public func evaluate() throws -> [String: Double] {
        try pipeline.metrics(
            networkParameters: networkParameters, edges: edges, events: test, bandwidth: configuration.evalBandwidth)
    }

    /// Yields of the model's event sets on the test (or train) events; `bandwidth` nil = `eval_bandwidth`.
    public func histograms(split: String = "test", bandwidth: Double? = nil) throws -> [String: [Double]] {
        guard split == "test" || split == "train" else {
            throw NeosError.invalidArgument("split must be \"test\" or \"train\", got \"\(split)\"")
        }
        return try pipeline.yields(
            networkParameters: networkParameters, edges: edges, events: split == "test" ? test : train,
            bandwidth: bandwidth ?? configuration.evalBandwidth)
    }

    /// The network's output at `points` (rows × inputs): rows × outputs (one per bin for the softmax summary).
    public func predict(_ points: [Double]) throws -> [Double] {
        let inputs = pipeline.network.inputSize
        guard points.count % inputs == 0 else {
            throw NeosError.invalidArgument(
                "\(points.count) coordinates do not divide into points of \(inputs) features")
        }
        return try pipeline.network.forwardOutputs(
            parameters: networkParameters, inputs: points, rows: points.count / inputs
        ).output
    }

    /// `steps` steps, each followed by the test metrics; returns the new records. `progress` sees each record.
    @discardableResult
    public func run(steps: Int, progress: ((StepRecord) -> Void)? = nil) throws -> [StepRecord] {
        guard steps >= 0 else { throw NeosError.invalidArgument("steps must be non-negative, got \(steps)") }
        // Every step is logged: a run whose log alone cannot fit is refused before its first step (a record with
        // its loss terms and test metrics takes well under this many bytes).
        let bytesPerRecord = 1024.0
        try MemoryBudget.require(Double(steps) * bytesPerRecord, for: "the log of \(steps) steps")
        var new: [StepRecord] = []
        let clock = ContinuousClock()
        for _ in 0..<steps {
            // A step whose evaluation fails is undone, so a failure leaves the trainer as the last logged step.
            let saved = (networkParameters, edges, optimizer, batcher, stepCount)
            let start = clock.now
            let result = try step()
            let elapsed = start.duration(to: clock.now)
            let test: [String: Double]
            do {
                test = try evaluate()
            } catch {
                (networkParameters, edges, optimizer, batcher, stepCount) = saved
                throw error
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let record = StepRecord(
                step: stepCount - 1, loss: result.loss, terms: result.terms, test: test, seconds: seconds)
            records.append(record)
            new.append(record)
            let metric = configuration.selectionMetric
            if let value = test[metric], value.isFinite, best.map({ value < $0.test[metric]! }) ?? true {
                best = Best(step: record.step, test: test, networkParameters: networkParameters, edges: edges)
            }
            progress?(record)
        }
        return new
    }

    /// Restores the parameters of the best step so far.
    public func restoreBest() throws {
        guard let best else { throw NeosError.invalidArgument("no step has been evaluated yet") }
        networkParameters = best.networkParameters
        edges = best.edges
    }

    /// metrics.json: {"config": …, "steps": [{"step", "loss", "test": {cls, discovery, poi_uncert}, "seconds"}, …],
    /// "best": {"step", "test"}} (plus "terms" per step when the objective has several terms).
    public func metricsJSON() -> String {
        func metrics(_ values: [String: Double]) -> JSON {
            .object(values.keys.sorted().map { JSON.Member(key: $0, value: .number(values[$0]!)) })
        }
        let steps: [JSON] = records.map { r in
            var members: [JSON.Member] = [
                .init(key: "step", value: .number(Double(r.step))),
                .init(key: "loss", value: .number(r.loss)),
                .init(key: "test", value: metrics(r.test)),
                .init(key: "seconds", value: .number(r.seconds)),
            ]
            if r.terms.count > 1 { members.append(.init(key: "terms", value: metrics(r.terms))) }
            return .object(members)
        }
        var members: [JSON.Member] = [
            .init(key: "config", value: configuration.json),
            .init(key: "objective", value: .string(configuration.objective.name)),
            .init(key: "select_by", value: .string(configuration.selectionMetric)),
            .init(key: "steps", value: .array(steps)),
        ]
        if let best {
            members.append(
                .init(
                    key: "best",
                    value: .object([
                        .init(key: "step", value: .number(Double(best.step))),
                        .init(key: "test", value: metrics(best.test)),
                        .init(key: "edges", value: .array(best.edges.map { .number($0) })),
                    ])))
        } else {
            members.append(.init(key: "best", value: .null))
        }
        return JSON.object(members).serialized()
    }

    /// The plot recording (``TrainingPlotData``): the first call starts it at the current state ("before", step
    /// −1); each later call adds a frame labelled with the last step taken.
    public func recordPlotFrame() throws {
        if var recording = plotRecording {
            try recording.recordFrame(self, step: stepCount - 1)
            plotRecording = recording
        } else {
            plotRecording = try TrainingPlotData(trainer: self)
        }
    }

    /// plot_data.json of the recording, with "after" the current state.
    public func plotDataJSON() throws -> String {
        guard let plotRecording else { throw NeosError.invalidArgument("no plot frames have been recorded") }
        return try plotRecording.json(trainer: self)
    }

    /// The current network and edges as a ``ParameterFile``.
    public func parameterFile() throws -> ParameterFile {
        try ParameterFile(network: pipeline.network, parameters: networkParameters, binEdges: edges)
    }

    /// Loads network parameters and edges saved by ``parameterFile()`` (the shapes must match; the precision the
    /// network is evaluated in need not, as the saved parameters are float64 either way).
    public func load(_ file: ParameterFile) throws {
        guard file.network.hasSameLayers(as: pipeline.network) else {
            throw NeosError.invalidArgument(
                "the saved network \(file.network.sizes) differs from this trainer's \(pipeline.network.sizes)")
        }
        if !file.binEdges.isEmpty {
            try Validate.length(file.binEdges.count, equals: edges.count, "saved bin edges")
            edges = file.binEdges
        }
        networkParameters = file.parameters
    }
}
