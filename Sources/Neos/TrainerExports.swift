import CNeos
import NeosCore

// The trainer handle. A Trainer is a mutable class; the header states that one handle is used from one thread
// at a time, so the ABI adds no locking.

/// The trainer behind a caller's handle.
func borrowTrainer(_ pointer: OpaquePointer?) throws -> Trainer {
    try borrowHandle(pointer, .trainer, as: Trainer.self, "trainer")
}

/// The caller's event sets (names, points, counts, optional weights) copied into Swift values. The network fixes
/// the features per event (`expectedDimension`): `dimension` is checked against it before any point is read, so a
/// claimed dimension longer than the caller's rows is refused rather than read past.
func eventSets(
    _ n_sets: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ dimension: Int, expectedDimension: Int,
    _ points: UnsafePointer<UnsafePointer<Double>?>?, _ counts: UnsafePointer<Int>?,
    _ weights: UnsafePointer<UnsafePointer<Double>?>?, _ label: String
) throws -> [String: EventSet] {
    let prefix = label.isEmpty ? "" : label + "_"
    let n = try count(n_sets, "n_sets", elementSize: MemoryLayout<UnsafePointer<Double>>.size)
    guard n > 0 else { throw NeosError.invalidArgument("n_sets is 0") }
    guard let names else { throw NeosError.invalidArgument("names is NULL") }
    guard let points else { throw NeosError.invalidArgument("\(prefix)points is NULL") }
    guard let counts else { throw NeosError.invalidArgument("\(prefix)counts is NULL") }
    let d = try count(dimension, "dimension")
    guard d > 0 else { throw NeosError.invalidArgument("dimension is 0") }
    guard d == expectedDimension else {
        throw NeosError.invalidArgument("dimension is \(d); the network takes \(expectedDimension) features per event")
    }
    var out: [String: EventSet] = [:]
    for i in 0..<n {
        let name = try string(names[i], "names[\(i)]")
        guard out[name] == nil else { throw NeosError.invalidArgument("event set \"\(name)\" is given twice") }
        let events = try count(counts[i], "\(prefix)counts[\(i)]")
        let values = try count(events, times: d, "\(prefix)counts[\(i)] × dimension")
        let buffer = try copiedInput(points[i], values, "\(prefix)points[\(i)]")
        let w = try weights.flatMap { $0[i] }.map { try copiedInput($0, events, "\(prefix)weights[\(i)]") }
        do {
            out[name] = try EventSet(points: buffer, dimension: d, weights: w)
        } catch let error as NeosError {
            throw NeosError(error.kind, "\(label.isEmpty ? "" : label + " ")events \"\(name)\": \(error.message)")
        }
    }
    return out
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_create(
    _ config_json: UnsafePointer<CChar>?, _ out_trainer: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_trainer_create") {
        try newHandle(.trainer, into: out_trainer, "out_trainer") {
            let configuration = try TrainerConfiguration(json: try string(config_json, "config_json"))
            try Memory.reserve(bytes: configuration.requireMemory(), for: "the trainer's configuration")
            return try Trainer(configuration: configuration)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_create_with_events(
    _ config_json: UnsafePointer<CChar>?, _ n_sets: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ dimension: Int, _ train_points: UnsafePointer<UnsafePointer<Double>?>?, _ train_counts: UnsafePointer<Int>?,
    _ train_weights: UnsafePointer<UnsafePointer<Double>?>?, _ test_points: UnsafePointer<UnsafePointer<Double>?>?,
    _ test_counts: UnsafePointer<Int>?, _ test_weights: UnsafePointer<UnsafePointer<Double>?>?,
    _ out_trainer: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_trainer_create_with_events") {
        try newHandle(.trainer, into: out_trainer, "out_trainer") {
            let configuration = try TrainerConfiguration(json: try string(config_json, "config_json"))
            let d = configuration.inputs
            let train = try eventSets(
                n_sets, names, dimension, expectedDimension: d, train_points, train_counts, train_weights, "train")
            let test = try eventSets(
                n_sets, names, dimension, expectedDimension: d, test_points, test_counts, test_weights, "test")
            let needed = try configuration.requireMemory(
                trainCounts: train.values.map(\.count), testCounts: test.values.map(\.count))
            try Memory.reserve(bytes: needed, for: "the trainer's configuration and events")
            return try Trainer(configuration: configuration, events: (train, test))
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_free(_ trainer: OpaquePointer?) {
    releaseHandle(trainer, .trainer)
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_sizes(
    _ trainer: OpaquePointer?, _ out_n_parameters: UnsafeMutablePointer<Int>?,
    _ out_n_network: UnsafeMutablePointer<Int>?, _ out_n_bins: UnsafeMutablePointer<Int>?,
    _ out_n_steps: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_sizes") {
        let trainer = try borrowTrainer(trainer)
        out_n_parameters?.pointee = trainer.parameterCount
        out_n_network?.pointee = trainer.pipeline.network.parameterCount
        out_n_bins?.pointee = trainer.edges.count - 1
        out_n_steps?.pointee = trainer.stepCount
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_parameters(
    _ trainer: OpaquePointer?, _ out_parameters: UnsafeMutablePointer<Double>?, _ n_out_parameters: Int
) -> neos_status {
    abiCall("neos_trainer_parameters") {
        let trainer = try borrowTrainer(trainer)
        try copy(trainer.parameters, into: out_parameters, n_out_parameters, "out_parameters")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_set_parameters(
    _ trainer: OpaquePointer?, _ parameters: UnsafePointer<Double>?, _ n_parameters: Int
) -> neos_status {
    abiCall("neos_trainer_set_parameters") {
        let trainer = try borrowTrainer(trainer)
        try trainer.setParameters(
            try copiedInput(parameters, n_parameters, expected: trainer.parameterCount, "parameters"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_bin_edges(
    _ trainer: OpaquePointer?, _ out_edges: UnsafeMutablePointer<Double>?, _ n_out_edges: Int
) -> neos_status {
    abiCall("neos_trainer_bin_edges") {
        let trainer = try borrowTrainer(trainer)
        try copy(trainer.edges, into: out_edges, n_out_edges, "out_edges")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_step(_ trainer: OpaquePointer?, _ out_loss: UnsafeMutablePointer<Double>?) -> neos_status {
    abiCall("neos_trainer_step") {
        let loss = try borrowTrainer(trainer).step().loss
        out_loss?.pointee = loss
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_run(_ trainer: OpaquePointer?, _ n_steps: Int) -> neos_status {
    abiCall("neos_trainer_run") {
        try borrowTrainer(trainer).run(steps: try count(n_steps, "n_steps"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_evaluate(
    _ trainer: OpaquePointer?, _ out_cls: UnsafeMutablePointer<Double>?, _ out_discovery: UnsafeMutablePointer<Double>?,
    _ out_poi_uncertainty: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_trainer_evaluate") {
        let metrics = try borrowTrainer(trainer).evaluate()
        func metric(_ key: String) throws -> Double {
            guard let value = metrics[key] else { throw NeosError(.internal, "the metrics have no \"\(key)\"") }
            return value
        }
        // Only the metrics asked for must be finite: one that is not is refused with nothing written.
        let cls = out_cls == nil ? 0 : try finite(metric("cls"), "out_cls")
        let discovery = out_discovery == nil ? 0 : try finite(metric("discovery"), "out_discovery")
        let uncertainty = out_poi_uncertainty == nil ? 0 : try finite(metric("poi_uncert"), "out_poi_uncertainty")
        out_cls?.pointee = cls
        out_discovery?.pointee = discovery
        out_poi_uncertainty?.pointee = uncertainty
    }
}

/// Every model event set's yields on a split, with the header's bandwidth rule (negative: the eval bandwidth).
func trainerYields(_ trainer: Trainer, _ split: neos_split, _ bandwidth: Double) throws -> [String: [Double]] {
    let split = try splitName(split)
    guard !bandwidth.isNaN, bandwidth.isFinite || bandwidth < 0 else {
        throw NeosError.invalidArgument("bandwidth is \(bandwidth)")
    }
    return try trainer.histograms(split: split, bandwidth: bandwidth < 0 ? nil : bandwidth)
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_histogram(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: neos_split, _ bandwidth: Double,
    _ out_yields: UnsafeMutablePointer<Double>?, _ n_out_yields: Int
) -> neos_status {
    abiCall("neos_trainer_histogram") {
        let trainer = try borrowTrainer(trainer)
        let name = try string(event_set, "event_set")
        let out = try output(out_yields, n_out_yields, expected: trainer.edges.count - 1, "out_yields")
        guard let values = try trainerYields(trainer, split, bandwidth)[name] else {
            throw NeosError.invalidArgument(
                "event set \"\(name)\" is not in the model (\(trainer.pipeline.model.eventSetNames.joined(separator: ", ")))"
            )
        }
        out.write(try finite(values, "out_yields"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_histograms(
    _ trainer: OpaquePointer?, _ split: neos_split, _ bandwidth: Double,
    _ out_yields: UnsafeMutablePointer<Double>?, _ n_out_yields: Int
) -> neos_status {
    abiCall("neos_trainer_histograms") {
        let trainer = try borrowTrainer(trainer)
        let names = trainer.pipeline.model.eventSetNames
        let bins = trainer.edges.count - 1
        let out = try output(out_yields, n_out_yields, expected: names.count * bins, "out_yields")
        let yields = try trainerYields(trainer, split, bandwidth)
        let values = try names.flatMap { name in
            guard let row = yields[name], row.count == bins else {
                throw NeosError(.internal, "no yields of \(bins) bins for event set \"\(name)\"")
            }
            return row
        }
        out.write(try finite(values, "out_yields"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_predict(
    _ trainer: OpaquePointer?, _ points: UnsafePointer<Double>?, _ n_points: Int, _ dimension: Int,
    _ out_values: UnsafeMutablePointer<Double>?, _ n_out_values: Int
) -> neos_status {
    abiCall("neos_trainer_predict") {
        let trainer = try borrowTrainer(trainer)
        let n = try count(n_points, "n_points")
        try Validate.count(dimension, equals: trainer.pipeline.network.inputSize, "dimension")
        let values = try count(n, times: dimension, "n_points × dimension")
        let out = try output(out_values, n_out_values, expected: n, "out_values")
        let features = try copiedInput(points, values, "points")
        // Named as the caller wrote it (the core would call them the network's inputs).
        if let index = features.firstIndex(where: { !$0.isFinite }) {
            throw NeosError.invalidArgument("points[\(index)] is \(features[index]); every value must be finite")
        }
        try Memory.reserve(n, for: "the network's outputs")
        out.write(try finite(trainer.predict(features), "out_values"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_loss_and_gradient(
    _ trainer: OpaquePointer?, _ parameters: UnsafePointer<Double>?, _ n_parameters: Int, _ n_sets: Int,
    _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ dimension: Int, _ points: UnsafePointer<UnsafePointer<Double>?>?,
    _ counts: UnsafePointer<Int>?, _ weights: UnsafePointer<UnsafePointer<Double>?>?,
    _ out_loss: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?,
    _ n_out_gradient: Int
) -> neos_status {
    abiCall("neos_trainer_loss_and_gradient") {
        let trainer = try borrowTrainer(trainer)
        let values = try copiedInput(parameters, n_parameters, expected: trainer.parameterCount, "parameters")
        let events = try eventSets(
            n_sets, names, dimension, expectedDimension: trainer.pipeline.network.inputSize, points, counts, weights,
            "")
        let lossOut = try scalarOutput(out_loss, "out_loss")
        let gradientOut = try optionalOutput(
            out_gradient, n_out_gradient, expected: trainer.parameterCount, "out_gradient")
        let result = try trainer.lossAndGradient(parameters: values, events: events)
        let loss = try finite(result.loss, "out_loss")
        let gradient = gradientOut == nil ? [] : try finite(result.gradient, "out_gradient")
        lossOut.pointee = loss
        gradientOut?.write(gradient)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_metrics_json(
    _ trainer: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_metrics_json") {
        try writeString(try borrowTrainer(trainer).metricsJSON(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_restore_best(_ trainer: OpaquePointer?) -> neos_status {
    abiCall("neos_trainer_restore_best") { try borrowTrainer(trainer).restoreBest() }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_save(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> neos_status {
    abiCall("neos_trainer_save") {
        let trainer = try borrowTrainer(trainer)
        try trainer.parameterFile().write(to: try string(path, "path"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_load(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> neos_status {
    abiCall("neos_trainer_load") {
        let trainer = try borrowTrainer(trainer)
        // The trainer's network is named, so a file of another network is refused before its parameters are read.
        let file = try ParameterFile.read(from: try string(path, "path"), expecting: trainer.pipeline.network)
        try trainer.load(file)
    }
}

/// The core's split name of a neos_split constant.
func splitName(_ split: neos_split) throws -> String {
    switch split {
    case NEOS_SPLIT_TEST: return "test"
    case NEOS_SPLIT_TRAIN: return "train"
    default:
        throw NeosError.invalidArgument(
            "split is \(split); expected NEOS_SPLIT_TEST (\(NEOS_SPLIT_TEST)) or NEOS_SPLIT_TRAIN (\(NEOS_SPLIT_TRAIN))"
        )
    }
}

/// One event set of a trainer's split.
func trainerEvents(_ trainer: Trainer, _ event_set: UnsafePointer<CChar>?, _ split: neos_split) throws -> EventSet {
    let name = try string(event_set, "event_set")
    guard let set = (try splitName(split) == "test" ? trainer.test : trainer.train)[name] else {
        throw NeosError.invalidArgument("the trainer has no event set \"\(name)\"")
    }
    return set
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_event_count(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: neos_split,
    _ out_count: UnsafeMutablePointer<Int>?,
    _ out_dimension: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_event_count") {
        let set = try trainerEvents(try borrowTrainer(trainer), event_set, split)
        out_count?.pointee = set.count
        out_dimension?.pointee = set.dimension
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_events(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: neos_split,
    _ out_points: UnsafeMutablePointer<Double>?, _ n_out_points: Int
) -> neos_status {
    abiCall("neos_trainer_events") {
        let set = try trainerEvents(try borrowTrainer(trainer), event_set, split)
        try copy(set.points, into: out_points, n_out_points, "out_points")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_event_sets_json(
    _ trainer: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_event_sets_json") {
        let names = try borrowTrainer(trainer).pipeline.model.eventSetNames
        try writeString(strings(names).serialized(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_record_plot_frame(_ trainer: OpaquePointer?) -> neos_status {
    abiCall("neos_trainer_record_plot_frame") { try borrowTrainer(trainer).recordPlotFrame() }
}

/// See include/neos.h.
@c @implementation
public func neos_trainer_plot_data_json(
    _ trainer: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_plot_data_json") {
        try writeString(try borrowTrainer(trainer).plotDataJSON(), out_json, n_out_json, out_json_length)
    }
}
