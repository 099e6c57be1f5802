/// Everything a neos training run is made of, read from a JSON object whose keys are all optional; the
/// defaults are neos's demo (HEAD `demo.ipynb`). Unknown keys are refused with their name.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `seed` | 0 | root of every random stream (data, split, batches, initial weights) |
/// | `hidden` | [1024, 1024] | hidden-layer widths (input `inputs`, output 1, or `bins` for softmax) |
/// | `activation` | "relu" | hidden activation: relu, tanh, sigmoid, identity |
/// | `output_activation` | "sigmoid" ("identity" for softmax) | activation of the output nodes |
/// | `summary` | "kde" | "kde" (one output, binned KDE) or "softmax" (INFERNO: one output per bin, ``PipelineSummary``) |
/// | `temperature` | 0.1 | softmax only: the softmax temperature τ in training |
/// | `init` | "glorot" | weight initialisation: glorot or he |
/// | `precision` | "float64" | the network's layers in "float64" or "float32" (sgemm); all else stays float64 |
/// | `optimizer` | "adam" | adam (optax defaults) or sgd |
/// | `learning_rate` | 1e-3 | |
/// | `momentum` | 0 | sgd only |
/// | `batch_size` | 2000 | events per sample per step |
/// | `bandwidth` | 0.09 | KDE bandwidth for training (unused for softmax) |
/// | `eval_bandwidth` | 0 | bandwidth of the test metrics (0 = ordinary histogram; softmax: argmax bins) |
/// | `bins` | 4 | equal bins on [0, 1] (softmax: the network's outputs) |
/// | `edges` | – | explicit initial edges (overrides `bins`) |
/// | `train_edges` | true (false for softmax) | train the inner edges (outer edges stay fixed); refused for softmax |
/// | `edge_gap` | 1e-4 | the ordering guard's gap |
/// | `reflect_infinities` | false | keep kernel mass outside the edges in the outer bins |
/// | `data` | "blobs" | "blobs" (``GaussianBlobs``) or "events" (supplied by the caller) |
/// | `points_per_blob` | 10000 | |
/// | `shared_draws` | false | one set of normal draws shifted to every blob (the reference's structure) |
/// | `test_fraction` | 0.25 | |
/// | `inputs` | 2 | features per event (the network's input size) |
/// | `event_sets` | the four blob names | names of the event sets (data "events") |
/// | `scales` | sig 2, others 10 | per event set; its expected yield is scale × lumi |
/// | `lumi` | 10 | |
/// | `floor` | 1e-3 | added to every yield |
/// | `loss` | "cls" | a loss name or an object of weights, e.g. {"cls": 1, "bce": 0.01} |
/// | `select_by` | the loss's metric | test metric (cls, discovery, poi_uncert) that picks the best step |
/// | `interpolation` | "code4p" | histosys code of neos's model |
/// | `workspace` | – | a pyhf workspace (object) used as the model template instead of neos's model |
/// | `measurement` | first | the workspace's measurement |
/// | `modifier_settings` | pyhf defaults | pyhf's {"normsys": {"interpcode": ...}, "histosys": {...}} for the workspace |
/// | `replace` | – | with `workspace`: [{"channel", "sample", "events", "histosys": [{"modifier", "hi", "lo"}]}] |
/// | `unconstrained` | [] | parameters whose constraint terms and auxdata are dropped (HistFactory extension) |
/// | `bce_signal` | ["sig"] | event sets labelled 1 for bce |
/// | `bce_background` | ["bkg_nominal"] | event sets labelled 0 for bce |
public struct TrainerConfiguration: Sendable {
    /// `seed`: the root of every random stream.
    public var seed: UInt64 = 0
    /// `hidden`: the hidden-layer widths.
    public var hidden: [Int] = [1024, 1024]
    /// `activation`: the hidden layers' activation.
    public var activation: Activation = .relu
    /// `output_activation`: the output nodes' activation (default sigmoid; identity for the softmax summary).
    public var outputActivation: Activation = .sigmoid
    /// `summary` and `temperature`: how the network's outputs become histograms; softmax's temperature defaults
    /// to 0.1.
    public var summary: PipelineSummary = .kde
    /// `init`: how the initial weights are drawn.
    public var initialization: WeightInitialization = .glorot
    /// `precision`: the type the network's layers run in (``NetworkPrecision``). The histograms, the model, the
    /// fits, the optimiser and the parameters (``Trainer/parameters``, parameter files) are float64 either way.
    public var precision: NetworkPrecision = .float64
    /// `optimizer`: "adam" or "sgd".
    public var optimizer = "adam"
    /// `learning_rate`: the optimiser's step size.
    public var learningRate = 1e-3
    /// `momentum`: sgd's momentum (unused by adam).
    public var momentum = 0.0
    /// `batch_size`: events per sample per step.
    public var batchSize = 2000
    /// `bandwidth`: the KDE bandwidth in training.
    public var bandwidth = 0.09
    /// `eval_bandwidth`: the bandwidth of the test metrics, 0 for ordinary histograms.
    public var evalBandwidth = 0.0
    /// The initial bin edges, outer edges included: from `edges`, or `bins` equal bins on [0, 1].
    public var edges: [Double] = [0, 0.25, 0.5, 0.75, 1]
    /// `train_edges`: whether the inner edges are optimised with the network (never for the softmax summary).
    public var trainEdges = true
    /// `edge_gap`: the ordering guard's gap (``BinEdgeGuard``).
    public var edgeGap = 1e-4
    /// `reflect_infinities`: keep kernel mass outside the edges in the outer bins.
    public var reflectInfinities = false
    /// `data`: "blobs" (generated) or "events" (given to ``Trainer/init(configuration:events:)``).
    public var data = "blobs"
    /// `points_per_blob`: events per generated blob, before the split.
    public var pointsPerBlob = 10000
    /// `shared_draws`: one set of normal draws shifted to every blob.
    public var sharedDraws = false
    /// `test_fraction`: the share of each sample held out for the metrics, in (0, 1).
    public var testFraction = 0.25
    /// `inputs`: features per event, the network's input size.
    public var inputs = 2
    /// `event_sets`: the names of the caller's event sets (data "events").
    public var eventSets = GaussianBlobs.names
    /// `scales`: the configured scales only; ``scale(_:)`` supplies neos's for the others.
    public var scales: [String: Double] = [:]
    /// `lumi`: the luminosity factor of every yield.
    public var luminosity = 10.0
    /// `floor`: added to every bin of every yield.
    public var floor = 1e-3
    /// `loss`: the objective.
    public var objective = PipelineObjective(.cls)
    /// `select_by`: the test metric that picks the best step; nil means ``selectionMetric``'s default.
    public var selectBy: String? = nil
    /// `interpolation`: the histosys interpolation of neos's model.
    public var interpolation: HistosysInterpolation = .code4p
    /// `workspace`: a pyhf workspace used as the model template instead of neos's model.
    public var workspace: Workspace? = nil
    /// `measurement`: the workspace's measurement; nil means its first.
    public var measurement: String? = nil
    /// `modifier_settings`: interpolation codes for the workspace's model; nil means pyhf's defaults.
    public var modifierSettings: ModifierSettings? = nil
    /// `replace`: which workspace samples the network's histograms replace.
    public var replacements: [PipelineModel.Replacement] = []
    /// `unconstrained`: parameters of the model (neos's or the workspace's) whose constraint terms and auxdata are
    /// dropped, so they are free nuisances (INFERNO's benchmarks 1 and 2; an extension of HistFactory). Checked
    /// against the model when the trainer is made.
    public var unconstrained: [String] = []
    /// `bce_signal`: event sets labelled 1 for the bce loss.
    public var bceSignal = ["sig"]
    /// `bce_background`: event sets labelled 0 for the bce loss.
    public var bceBackground = ["bkg_nominal"]
    /// The configuration as given (echoed into metrics.json).
    public var json: JSON = .object([])

    /// neos's demo: every default of the table.
    public init() {}

    /// The scale of `name`: configured, else neos's (2 for "sig", 10 otherwise).
    public func scale(_ name: String) -> Double { scales[name] ?? (name == "sig" ? 2 : 10) }

    /// The test metric that selects the best step.
    public var selectionMetric: String {
        if let selectBy { return selectBy }
        let first = objective.terms[0].loss
        switch first {
        case .cls, .discovery: return first.rawValue
        case .poiUncert, .inferno: return "poi_uncert"
        default: return "discovery"  // what neos's demo selects by
        }
    }

    static let keys = [
        "seed", "hidden", "activation", "output_activation", "init", "precision", "optimizer", "learning_rate",
        "momentum",
        "batch_size", "bandwidth", "eval_bandwidth", "bins", "edges", "train_edges", "edge_gap", "reflect_infinities",
        "data", "points_per_blob", "shared_draws", "test_fraction", "inputs", "event_sets", "scales", "lumi", "floor",
        "loss", "select_by", "interpolation", "workspace", "measurement", "modifier_settings", "replace", "bce_signal",
        "bce_background", "summary", "temperature", "unconstrained",
    ]

    /// Parses `text` as JSON and reads the configuration from it (as the initialiser from a `JSON` value does).
    ///
    /// - Throws: `NeosError` of kind `.parse` when `text` is not JSON, and the errors of reading the object.
    public init(json text: String) throws {
        let root = try JSON.parse(text)
        try self.init(json: root)
    }

    /// Reads a configuration object; absent keys keep their defaults.
    ///
    /// - Throws: `NeosError` of kind `.parse` for an unknown key or a value of the wrong JSON type,
    ///   `.invalidArgument` for a value out of range or settings that contradict each other (`bins` and `edges`,
    ///   `replace` without `workspace`, ...), and the errors of reading an embedded workspace.
    public init(json root: JSON) throws {
        self.init()
        self.json = root
        let members = try root.members(at: "", allowed: Self.keys)
        func count(_ value: JSON, _ key: String, minimum: Int) throws -> Int {
            let x = try value.number(at: key)
            guard x == x.rounded(), x >= Double(minimum), x <= 1e9 else {
                throw NeosError(.invalidArgument, "\(key): expected an integer ≥ \(minimum), got \(x)")
            }
            return Int(x)
        }
        func positive(_ value: JSON, _ key: String, allowZero: Bool = false) throws -> Double {
            let x = try value.number(at: key)
            guard x > 0 || (allowZero && x == 0) else {
                throw NeosError(
                    .invalidArgument, "\(key): expected a \(allowZero ? "non-negative" : "positive") number, got \(x)")
            }
            return x
        }
        func names(_ value: JSON, _ key: String) throws -> [String] {
            try value.items(at: key, nonEmpty: true).enumerated().map { try $1.string(at: "\(key)[\($0)]") }
        }
        func parseActivation(_ value: JSON, _ key: String) throws -> Activation {
            let name = try value.string(at: key)
            guard let a = Activation(rawValue: name) else {
                throw NeosError(
                    .invalidArgument, "\(key): unknown activation \"\(name)\" (relu, tanh, sigmoid, identity)")
            }
            return a
        }
        var binCount: Int? = nil
        var explicitEdges: [Double]? = nil
        var summaryName = "kde"
        var temperature: Double? = nil
        var outputActivationGiven = false
        var trainEdgesGiven = false
        for member in members {
            let key = member.key
            let value = member.value
            switch key {
            case "seed": seed = UInt64(try count(value, key, minimum: 0))
            case "hidden":
                hidden = try value.items(at: key).enumerated().map { try count($1, "hidden[\($0)]", minimum: 1) }
            case "activation": activation = try parseActivation(value, key)
            case "output_activation":
                outputActivation = try parseActivation(value, key)
                outputActivationGiven = true
            case "summary":
                summaryName = try value.string(at: key)
                guard ["kde", "softmax"].contains(summaryName) else {
                    throw NeosError(
                        .invalidArgument, "summary: expected \"kde\" or \"softmax\", got \"\(summaryName)\"")
                }
            case "temperature": temperature = try positive(value, key)  // JSON numbers are finite
            case "init":
                let name = try value.string(at: key)
                guard let scheme = WeightInitialization(rawValue: name) else {
                    throw NeosError(.invalidArgument, "init: unknown initialisation \"\(name)\" (glorot, he)")
                }
                initialization = scheme
            case "precision":
                let name = try value.string(at: key)
                guard let chosen = NetworkPrecision(rawValue: name) else {
                    throw NeosError(
                        .invalidArgument, "precision: unknown precision \"\(name)\" (float64, float32)")
                }
                precision = chosen
            case "optimizer":
                optimizer = try value.string(at: key)
                guard ["adam", "sgd"].contains(optimizer) else {
                    throw NeosError(.invalidArgument, "optimizer: unknown optimizer \"\(optimizer)\" (adam, sgd)")
                }
            case "learning_rate": learningRate = try positive(value, key)
            case "momentum": momentum = try positive(value, key, allowZero: true)
            case "batch_size": batchSize = try count(value, key, minimum: 1)
            case "bandwidth": bandwidth = try positive(value, key)
            case "eval_bandwidth": evalBandwidth = try positive(value, key, allowZero: true)
            case "bins": binCount = try count(value, key, minimum: 1)
            case "edges": explicitEdges = try value.numbers(at: key)
            case "train_edges":
                trainEdges = try value.bool(at: key)
                trainEdgesGiven = true
            case "edge_gap": edgeGap = try positive(value, key)
            case "reflect_infinities": reflectInfinities = try value.bool(at: key)
            case "data":
                data = try value.string(at: key)
                guard ["blobs", "events"].contains(data) else {
                    throw NeosError(.invalidArgument, "data: expected \"blobs\" or \"events\", got \"\(data)\"")
                }
            case "points_per_blob": pointsPerBlob = try count(value, key, minimum: 2)
            case "shared_draws": sharedDraws = try value.bool(at: key)
            case "test_fraction": testFraction = try positive(value, key)
            case "inputs": inputs = try count(value, key, minimum: 1)
            case "event_sets": eventSets = try names(value, key)
            case "scales":
                for scale in try value.members(at: key) {
                    scales[scale.key] = try positive(scale.value, "scales.\(scale.key)")
                }
            case "lumi": luminosity = try positive(value, key)
            case "floor": floor = try positive(value, key, allowZero: true)
            case "loss": objective = try Self.objective(value)
            case "select_by":
                let name = try value.string(at: key)
                guard ["cls", "discovery", "poi_uncert"].contains(name) else {
                    throw NeosError(
                        .invalidArgument, "select_by: expected cls, discovery or poi_uncert, got \"\(name)\"")
                }
                selectBy = name
            case "interpolation":
                let name = try value.string(at: key)
                guard let code = HistosysInterpolation(rawValue: name) else {
                    throw NeosError(
                        .invalidArgument, "interpolation: unknown histosys code \"\(name)\" (code0, code2, code4p)")
                }
                interpolation = code
            case "workspace": workspace = try Workspace(json: value.serialized())
            case "measurement": measurement = try value.string(at: key)
            case "modifier_settings": modifierSettings = try ModifierSettings(json: value.serialized())
            case "replace": replacements = try Self.replacements(value)
            case "unconstrained":
                unconstrained = try value.items(at: key).enumerated().map { try $1.string(at: "\(key)[\($0)]") }
            case "bce_signal": bceSignal = try names(value, key)
            case "bce_background": bceBackground = try names(value, key)
            default: break
            }
        }
        if let explicitEdges {
            guard explicitEdges.count >= 2 else { throw NeosError(.invalidArgument, "edges: need at least two edges") }
            try explicitEdges.withUnsafeBufferPointer { try Validate.strictlyIncreasing($0, "edges") }
            if let binCount, binCount != explicitEdges.count - 1 {
                throw NeosError(
                    .invalidArgument, "bins (\(binCount)) disagrees with edges (\(explicitEdges.count - 1) bins)")
            }
            edges = explicitEdges
        } else if let binCount {
            // The edges are built only once the bins' memory is known to fit (10⁹ bins would need the edges alone
            // to take 8 GB, and the model far more).
            let needed = 8.0 * 96 * Double(binCount) * Double(max(eventSets.count, GaussianBlobs.names.count))
            try MemoryBudget.require(needed, for: "the histograms and the model of bins \(binCount)")
            edges = (0...binCount).map { Double($0) / Double(binCount) }
        }
        if summaryName == "softmax" {
            summary = .softmax(temperature: temperature ?? 0.1)
            if !outputActivationGiven { outputActivation = .identity }  // the softmax reads logits
            if trainEdgesGiven && trainEdges {
                throw NeosError(
                    .invalidArgument,
                    "train_edges: the softmax summary has no bin edges to train (its bins are the network's outputs)")
            }
            trainEdges = false
            if objective.terms.contains(where: { $0.loss == .bce }) {
                throw NeosError(
                    .invalidArgument,
                    "loss: bce needs the kde summary's one sigmoid output; the softmax summary has one output per bin")
            }
        } else if temperature != nil {
            throw NeosError(.invalidArgument, "temperature: only the softmax summary has a temperature")
        }
        guard testFraction < 1 else {
            throw NeosError(.invalidArgument, "test_fraction must be below 1, got \(testFraction)")
        }
        if workspace == nil && !replacements.isEmpty {
            throw NeosError(.invalidArgument, "replace: given without a workspace")
        }
        if workspace != nil && replacements.isEmpty {
            throw NeosError(
                .invalidArgument, "workspace: needs \"replace\" to say which samples the network's histograms replace")
        }
        if data == "blobs" && inputs != 2 {
            throw NeosError(.invalidArgument, "inputs: the Gaussian blobs have 2 features, got \(inputs)")
        }
        // Before anything of that size is allocated (the bin edges above are the only array sized by a key).
        try requireMemory()
    }

    /// What a training run of this configuration needs in memory, term by term, in bytes (Doubles: products of
    /// configured sizes cannot overflow). `trainCounts` / `testCounts`: the events per set when the caller
    /// supplies them (data "events"); for the blobs they follow from `points_per_blob` and `test_fraction`, and
    /// for data "events" without counts the event-dependent terms are left out (they are checked once the events
    /// are known).
    ///
    /// Each term names the keys it grows with: the network's weights with their gradient, optimiser moments and
    /// saved copies (8 vectors of the parameter count); a training batch's activations (every layer's output kept
    /// for the backward pass, its pre-activations and two widest-layer cotangent buffers); the test events'
    /// activations (the metrics run the whole test split through the network); the events themselves (given or
    /// generated, split, and a batch subset); the histograms and the statistical model of `bins` bins.
    public func memoryTerms(trainCounts: [Int]? = nil, testCounts: [Int]? = nil) -> [(what: String, bytes: Double)] {
        let widths = (hidden + [summary.outputCount(bins: max(edges.count - 1, 1))]).map(Double.init)
        let sizes = [Double(inputs)] + widths
        let parameters = (0..<widths.count).reduce(0.0) { $0 + (sizes[$1] + 1) * sizes[$1 + 1] }
        let widthSum = widths.reduce(0, +)
        let widest = widths.max() ?? 1
        let sets = Double(data == "blobs" ? GaussianBlobs.names.count : max(eventSets.count, 1))
        let bins = Double(max(edges.count - 1, 1))
        let doubles = 8.0
        var terms: [(what: String, bytes: Double)] = [
            ("the network's weights (inputs \(inputs), hidden \(hidden))", doubles * 8 * parameters),
            ("the histograms and the model (bins \(edges.count - 1))", doubles * 96 * bins * sets),
        ]
        var train: [Double]? = trainCounts.map { $0.map(Double.init) }
        var test: [Double]? = testCounts.map { $0.map(Double.init) }
        if data == "blobs" {
            let heldOut = (Double(pointsPerBlob) * testFraction).rounded(.up)
            train = Array(repeating: Double(pointsPerBlob) - heldOut, count: Int(sets))
            test = Array(repeating: heldOut, count: Int(sets))
        }
        if let train {
            let rows = train.reduce(0) { $0 + min($1, Double(batchSize)) }
            terms.append(
                (
                    "the activations of a training batch (batch_size \(batchSize) × \(Int(sets)) event sets, "
                        + "hidden \(hidden))", doubles * rows * (2 * widthSum + 2 * widest)
                ))
        }
        if let test {
            let rows = test.reduce(0, +)
            let source = data == "blobs" ? "points_per_blob \(pointsPerBlob) × test_fraction \(testFraction)" : "test"
            terms.append(
                (
                    "the activations of the test events (\(source), hidden \(hidden))",
                    doubles * rows * (widthSum + widest)
                ))
        }
        if let train, let test {
            let events = train.reduce(0, +) + test.reduce(0, +)
            let source = data == "blobs" ? "points_per_blob \(pointsPerBlob)" : "the given events"
            terms.append(("the events (\(source), inputs \(inputs))", doubles * 3 * events * Double(inputs + 1)))
        }
        return terms
    }

    /// Refuses a configuration whose training run cannot fit in this machine's memory (``memoryTerms(trainCounts:
    /// testCounts:)``), naming the largest need and the keys it grows with; returns the total bytes otherwise.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` with the size the configuration would need.
    @discardableResult
    public func requireMemory(trainCounts: [Int]? = nil, testCounts: [Int]? = nil) throws -> Double {
        let terms = memoryTerms(trainCounts: trainCounts, testCounts: testCounts)
        let total = terms.reduce(0) { $0 + $1.bytes }
        guard total <= Double(MemoryBudget.physicalBytes) else {
            let largest = terms.max { $0.bytes < $1.bytes }!
            throw NeosError(
                .invalidArgument,
                "the configuration would need \(MemoryBudget.describe(total)), more than this machine's memory "
                    + "(\(MemoryBudget.describe(Double(MemoryBudget.physicalBytes)))); most of it for "
                    + "\(largest.what): \(MemoryBudget.describe(largest.bytes))")
        }
        return total
    }

    static func objective(_ value: JSON) throws -> PipelineObjective {
        func loss(_ name: String, _ path: String) throws -> PipelineLoss {
            guard let loss = PipelineLoss(rawValue: name) else {
                throw NeosError(
                    .invalidArgument,
                    "\(path): unknown loss \"\(name)\" (\(PipelineLoss.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            return loss
        }
        if case .string(let name) = value { return PipelineObjective(try loss(name, "loss")) }
        let terms = try value.members(at: "loss").map { member in
            PipelineObjective.Term(
                loss: try loss(member.key, "loss"), weight: try member.value.number(at: "loss.\(member.key)"))
        }
        return try PipelineObjective(terms)
    }

    static func replacements(_ value: JSON) throws -> [PipelineModel.Replacement] {
        try value.items(at: "replace", nonEmpty: true).enumerated().map { index, item in
            let path = "replace[\(index)]"
            _ = try item.members(at: path, allowed: ["channel", "sample", "events", "histosys"])
            var histosys: [(modifier: String, hi: String, lo: String)] = []
            if let list = item["histosys"] {
                histosys = try list.items(at: path + ".histosys").enumerated().map { h, entry in
                    let p = "\(path).histosys[\(h)]"
                    _ = try entry.members(at: p, allowed: ["modifier", "hi", "lo"])
                    return (
                        try entry.required("modifier", at: p).string(at: p + ".modifier"),
                        try entry.required("hi", at: p).string(at: p + ".hi"),
                        try entry.required("lo", at: p).string(at: p + ".lo")
                    )
                }
            }
            return PipelineModel.Replacement(
                channel: try item.required("channel", at: path).string(at: path + ".channel"),
                sample: try item.required("sample", at: path).string(at: path + ".sample"),
                nominal: try item.required("events", at: path).string(at: path + ".events"),
                histosys: histosys)
        }
    }
}
