import CNeos
import NeosCore

// The trainer handle. A Trainer is a mutable class; the header states that one handle is used from one thread
// at a time, so the ABI adds no locking.

func borrowTrainer(_ pointer: OpaquePointer?) throws -> Trainer {
    try borrowHandle(pointer, .trainer, as: Trainer.self, "trainer")
}

/// The caller's event sets (names, points, counts, optional weights) copied into Swift values.
func eventSets(
    _ n_sets: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ dimension: Int,
    _ points: UnsafePointer<UnsafePointer<Double>?>?, _ counts: UnsafePointer<Int>?,
    _ weights: UnsafePointer<UnsafePointer<Double>?>?, _ label: String
) throws -> [String: EventSet] {
    let n = try count(n_sets, "n_sets")
    guard n > 0 else { throw NeosError.invalidArgument("n_sets is 0") }
    guard let names else { throw NeosError.invalidArgument("names is NULL") }
    guard let points else { throw NeosError.invalidArgument("\(label)_points is NULL") }
    guard let counts else { throw NeosError.invalidArgument("\(label)_counts is NULL") }
    let d = try count(dimension, "dimension")
    guard d > 0 else { throw NeosError.invalidArgument("dimension is 0") }
    var out: [String: EventSet] = [:]
    for i in 0..<n {
        let name = try string(names[i], "names[\(i)]")
        guard out[name] == nil else { throw NeosError.invalidArgument("event set \"\(name)\" is given twice") }
        let events = try count(counts[i], "\(label)_counts[\(i)]")
        guard events <= Int.max / max(d, 1) / 8 else {
            throw NeosError.invalidArgument("\(label)_counts[\(i)] is too large")
        }
        let buffer = try input(points[i], events * d, "\(label)_points[\(i)]")
        let w = weights.flatMap { $0[i] }.map { Array(UnsafeBufferPointer(start: $0, count: events)) }
        do {
            out[name] = try EventSet(points: Array(buffer), dimension: d, weights: w)
        } catch let error as NeosError {
            throw NeosError(error.kind, "\(label) events \"\(name)\": \(error.message)")
        }
    }
    return out
}

@c @implementation
public func neos_trainer_create(
    _ config_json: UnsafePointer<CChar>?, _ out_trainer: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_trainer_create") {
        let configuration = try TrainerConfiguration(json: try string(config_json, "config_json"))
        guard out_trainer != nil else { throw NeosError.invalidArgument("out_trainer is NULL") }
        try store(makeHandle(.trainer, try Trainer(configuration: configuration)), into: out_trainer, "out_trainer")
    }
}

@c @implementation
public func neos_trainer_create_with_events(
    _ config_json: UnsafePointer<CChar>?, _ n_sets: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ dimension: Int, _ train_points: UnsafePointer<UnsafePointer<Double>?>?, _ train_counts: UnsafePointer<Int>?,
    _ train_weights: UnsafePointer<UnsafePointer<Double>?>?, _ test_points: UnsafePointer<UnsafePointer<Double>?>?,
    _ test_counts: UnsafePointer<Int>?, _ test_weights: UnsafePointer<UnsafePointer<Double>?>?,
    _ out_trainer: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_trainer_create_with_events") {
        let configuration = try TrainerConfiguration(json: try string(config_json, "config_json"))
        let train = try eventSets(n_sets, names, dimension, train_points, train_counts, train_weights, "train")
        let test = try eventSets(n_sets, names, dimension, test_points, test_counts, test_weights, "test")
        guard out_trainer != nil else { throw NeosError.invalidArgument("out_trainer is NULL") }
        let trainer = try Trainer(configuration: configuration, events: (train, test))
        try store(makeHandle(.trainer, trainer), into: out_trainer, "out_trainer")
    }
}

@c @implementation
public func neos_trainer_free(_ trainer: OpaquePointer?) {
    releaseHandle(trainer, .trainer, as: Trainer.self)
}

@c @implementation
public func neos_trainer_sizes(
    _ trainer: OpaquePointer?, _ n_parameters: UnsafeMutablePointer<Int>?, _ n_network: UnsafeMutablePointer<Int>?,
    _ n_bins: UnsafeMutablePointer<Int>?, _ n_steps: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_sizes") {
        let trainer = try borrowTrainer(trainer)
        n_parameters?.pointee = trainer.parameterCount
        n_network?.pointee = trainer.pipeline.network.parameterCount
        n_bins?.pointee = trainer.edges.count - 1
        n_steps?.pointee = trainer.stepCount
    }
}

@c @implementation
public func neos_trainer_get_parameters(
    _ trainer: OpaquePointer?, _ out_parameters: UnsafeMutablePointer<Double>?, _ n_parameters: Int
) -> neos_status {
    abiCall("neos_trainer_get_parameters") {
        let trainer = try borrowTrainer(trainer)
        let out = try output(out_parameters, n_parameters, expected: trainer.parameterCount, "out_parameters")
        for (i, value) in trainer.parameters.enumerated() { out[i] = value }
    }
}

@c @implementation
public func neos_trainer_set_parameters(
    _ trainer: OpaquePointer?, _ parameters: UnsafePointer<Double>?, _ n_parameters: Int
) -> neos_status {
    abiCall("neos_trainer_set_parameters") {
        let trainer = try borrowTrainer(trainer)
        try Validate.count(n_parameters, equals: trainer.parameterCount, "n_parameters")
        try trainer.setParameters(Array(try input(parameters, n_parameters, "parameters")))
    }
}

@c @implementation
public func neos_trainer_bin_edges(
    _ trainer: OpaquePointer?, _ out_edges: UnsafeMutablePointer<Double>?, _ n_edges: Int
) -> neos_status {
    abiCall("neos_trainer_bin_edges") {
        let trainer = try borrowTrainer(trainer)
        let out = try output(out_edges, n_edges, expected: trainer.edges.count, "out_edges")
        for (i, value) in trainer.edges.enumerated() { out[i] = value }
    }
}

@c @implementation
public func neos_trainer_step(_ trainer: OpaquePointer?, _ out_loss: UnsafeMutablePointer<Double>?) -> neos_status {
    abiCall("neos_trainer_step") {
        let loss = try borrowTrainer(trainer).step().loss
        out_loss?.pointee = loss
    }
}

@c @implementation
public func neos_trainer_run(_ trainer: OpaquePointer?, _ n_steps: Int) -> neos_status {
    abiCall("neos_trainer_run") {
        try borrowTrainer(trainer).run(steps: try count(n_steps, "n_steps"))
    }
}

@c @implementation
public func neos_trainer_evaluate(
    _ trainer: OpaquePointer?, _ out_cls: UnsafeMutablePointer<Double>?, _ out_discovery: UnsafeMutablePointer<Double>?,
    _ out_poi_uncert: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_trainer_evaluate") {
        let metrics = try borrowTrainer(trainer).evaluate()
        out_cls?.pointee = metrics["cls"]!
        out_discovery?.pointee = metrics["discovery"]!
        out_poi_uncert?.pointee = metrics["poi_uncert"]!
    }
}

/// Every model event set's yields on a split, with the header's bandwidth rule (negative: the eval bandwidth).
func trainerYields(_ trainer: Trainer, _ split: Int32, _ bandwidth: Double) throws -> [String: [Double]] {
    let split = try splitName(split)
    guard !bandwidth.isNaN, bandwidth.isFinite || bandwidth < 0 else {
        throw NeosError.invalidArgument("bandwidth is \(bandwidth)")
    }
    return try trainer.histograms(split: split, bandwidth: bandwidth < 0 ? nil : bandwidth)
}

@c @implementation
public func neos_trainer_histogram(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: Int32, _ bandwidth: Double,
    _ out_yields: UnsafeMutablePointer<Double>?, _ n_bins: Int
) -> neos_status {
    abiCall("neos_trainer_histogram") {
        let trainer = try borrowTrainer(trainer)
        let name = try string(event_set, "event_set")
        let out = try output(out_yields, n_bins, expected: trainer.edges.count - 1, "out_yields")
        guard let values = try trainerYields(trainer, split, bandwidth)[name] else {
            throw NeosError.invalidArgument(
                "event set \"\(name)\" is not in the model (\(trainer.pipeline.model.eventSetNames.joined(separator: ", ")))"
            )
        }
        out.write(values)
    }
}

@c @implementation
public func neos_trainer_histograms(
    _ trainer: OpaquePointer?, _ split: Int32, _ bandwidth: Double, _ out_yields: UnsafeMutablePointer<Double>?,
    _ n_values: Int
) -> neos_status {
    abiCall("neos_trainer_histograms") {
        let trainer = try borrowTrainer(trainer)
        let names = trainer.pipeline.model.eventSetNames
        let bins = trainer.edges.count - 1
        let out = try output(out_yields, n_values, expected: names.count * bins, "out_yields")
        let yields = try trainerYields(trainer, split, bandwidth)
        for (s, name) in names.enumerated() { for j in 0..<bins { out[s * bins + j] = yields[name]![j] } }
    }
}

@c @implementation
public func neos_trainer_predict(
    _ trainer: OpaquePointer?, _ points: UnsafePointer<Double>?, _ n_points: Int, _ dimension: Int,
    _ out_values: UnsafeMutablePointer<Double>?, _ n_values: Int
) -> neos_status {
    abiCall("neos_trainer_predict") {
        let trainer = try borrowTrainer(trainer)
        let n = try count(n_points, "n_points")
        try Validate.count(dimension, equals: trainer.pipeline.network.inputSize, "dimension")
        guard n <= Int.max / 8 / max(dimension, 1) else { throw NeosError.invalidArgument("n_points is too large") }
        let out = try output(out_values, n_values, expected: n, "out_values")
        let values = try trainer.predict(Array(try input(points, n * dimension, "points")))
        out.write(values)
    }
}

@c @implementation
public func neos_trainer_loss_and_gradient(
    _ trainer: OpaquePointer?, _ parameters: UnsafePointer<Double>?, _ n_parameters: Int, _ n_sets: Int,
    _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ dimension: Int, _ points: UnsafePointer<UnsafePointer<Double>?>?,
    _ counts: UnsafePointer<Int>?, _ weights: UnsafePointer<UnsafePointer<Double>?>?,
    _ out_loss: UnsafeMutablePointer<Double>?, _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int
) -> neos_status {
    abiCall("neos_trainer_loss_and_gradient") {
        let trainer = try borrowTrainer(trainer)
        try Validate.count(n_parameters, equals: trainer.parameterCount, "n_parameters")
        let values = Array(try input(parameters, n_parameters, "parameters"))
        let events = try eventSets(n_sets, names, dimension, points, counts, weights, "")
        guard let out_loss else { throw NeosError.invalidArgument("out_loss is NULL") }
        let gradientOut = try optionalOutput(out_gradient, n_gradient, expected: trainer.parameterCount, "out_gradient")
        let result = try trainer.lossAndGradient(parameters: values, events: events)
        out_loss.pointee = result.loss
        for (i, g) in result.gradient.enumerated() { gradientOut?[i] = g }
    }
}

@c @implementation
public func neos_trainer_metrics_json(
    _ trainer: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_metrics_json") {
        try writeString(try borrowTrainer(trainer).metricsJSON(), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_trainer_restore_best(_ trainer: OpaquePointer?) -> neos_status {
    abiCall("neos_trainer_restore_best") { try borrowTrainer(trainer).restoreBest() }
}

@c @implementation
public func neos_trainer_save(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> neos_status {
    abiCall("neos_trainer_save") {
        let trainer = try borrowTrainer(trainer)
        try trainer.parameterFile().write(to: try string(path, "path"))
    }
}

@c @implementation
public func neos_trainer_load(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> neos_status {
    abiCall("neos_trainer_load") {
        let trainer = try borrowTrainer(trainer)
        try trainer.load(try ParameterFile.read(from: try string(path, "path")))
    }
}

/// The header's split codes: 0 test, 1 train.
func splitName(_ split: Int32) throws -> String {
    switch split {
    case 0: return "test"
    case 1: return "train"
    default: throw NeosError.invalidArgument("split is \(split); expected 0 (test) or 1 (train)")
    }
}

func trainerEvents(_ trainer: Trainer, _ event_set: UnsafePointer<CChar>?, _ split: Int32) throws -> EventSet {
    let name = try string(event_set, "event_set")
    guard let set = (try splitName(split) == "test" ? trainer.test : trainer.train)[name] else {
        throw NeosError.invalidArgument("the trainer has no event set \"\(name)\"")
    }
    return set
}

@c @implementation
public func neos_trainer_event_count(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: Int32,
    _ out_count: UnsafeMutablePointer<Int>?,
    _ out_dimension: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_event_count") {
        let set = try trainerEvents(try borrowTrainer(trainer), event_set, split)
        out_count?.pointee = set.count
        out_dimension?.pointee = set.dimension
    }
}

@c @implementation
public func neos_trainer_events(
    _ trainer: OpaquePointer?, _ event_set: UnsafePointer<CChar>?, _ split: Int32,
    _ out_points: UnsafeMutablePointer<Double>?,
    _ n_values: Int
) -> neos_status {
    abiCall("neos_trainer_events") {
        let set = try trainerEvents(try borrowTrainer(trainer), event_set, split)
        let out = try output(out_points, n_values, expected: set.points.count, "out_points")
        out.write(set.points)
    }
}

@c @implementation
public func neos_trainer_event_sets_json(
    _ trainer: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_event_sets_json") {
        let names = try borrowTrainer(trainer).pipeline.model.eventSetNames
        try writeString(strings(names).serialized(), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_trainer_record_plot_frame(_ trainer: OpaquePointer?) -> neos_status {
    abiCall("neos_trainer_record_plot_frame") { try borrowTrainer(trainer).recordPlotFrame() }
}

@c @implementation
public func neos_trainer_plot_data_json(
    _ trainer: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_trainer_plot_data_json") {
        try writeString(try borrowTrainer(trainer).plotDataJSON(), buffer, buffer_length, required_length)
    }
}
