/// What the plots of a training run are drawn from, written as plot_data.json and read by
/// `python -m neos_swift.plots`: the model's test histograms and edges before training and now, up to 500 test
/// events per event set, and frames of the network's output on a 61 × 61 grid over [−5, 5]² (two-feature events
/// only; for the softmax summary the index of the largest output, the point's bin) with the histograms and edges
/// at that step.
public struct TrainingPlotData: Sendable {
    /// The 61 coordinates −5, −5 + 1/6, …, 5 of each axis of the output grid.
    public static let grid = (0...60).map { -5 + Double($0) / 6 }
    let before: [String: [Double]]
    let edgesBefore: [Double]
    var frames: [JSON] = []

    /// Starts a recording at the trainer's current state, which becomes "before" and the first frame (step −1).
    public init(trainer: Trainer) throws {
        before = try trainer.histograms()
        edgesBefore = trainer.edges
        try recordFrame(trainer, step: -1)
    }

    /// Adds a frame of the trainer's current state, labelled `step`.
    public mutating func recordFrame(_ trainer: Trainer, step: Int) throws {
        var members: [JSON.Member] = [.init(key: "step", value: .number(Double(step)))]
        if trainer.pipeline.network.inputSize == 2 {
            var points: [Double] = []
            for y in Self.grid { for x in Self.grid { points += [x, y] } }
            var z = try trainer.predict(points)
            let width = trainer.pipeline.network.outputSize
            if width > 1 { z = Self.largestOutputs(z, width: width) }
            let n = Self.grid.count
            members.append(
                .init(
                    key: "zz",
                    value: .array((0..<n).map { r in .array(z[(r * n)..<((r + 1) * n)].map { .number($0) }) })))
        }
        members.append(.init(key: "edges", value: numbers(trainer.edges)))
        members.append(.init(key: "histograms", value: Self.yields(try trainer.histograms())))
        frames.append(.object(members))
    }

    /// plot_data.json's text, with "after" the trainer's current state.
    public func json(trainer: Trainer) throws -> String {
        var blobs: [JSON.Member] = []
        for name in trainer.pipeline.eventSetNames {
            guard let set = trainer.test[name] else { continue }
            blobs.append(
                .init(
                    key: name,
                    value: .array(
                        (0..<min(set.count, 500)).map { k in
                            numbers(Array(set.points[(k * set.dimension)..<((k + 1) * set.dimension)]))
                        })))
        }
        return JSON.object([
            .init(key: "before", value: Self.yields(before)),
            .init(key: "after", value: Self.yields(try trainer.histograms())),
            .init(key: "edges_before", value: numbers(edgesBefore)),
            .init(key: "edges_after", value: numbers(trainer.edges)),
            .init(
                key: "grid",
                value: .object([.init(key: "x", value: numbers(Self.grid)), .init(key: "y", value: numbers(Self.grid))])
            ),
            .init(key: "blobs", value: .object(blobs)),
            .init(key: "frames", value: .array(frames)),
        ]).serialized()
    }

    /// One output per bin (softmax summary): the index of each row's largest output, the bin the point goes to.
    static func largestOutputs(_ z: [Double], width: Int) -> [Double] {
        (0..<(z.count / width)).map { (k: Int) -> Double in
            var best = 0
            for j in 1..<width where z[k * width + j] > z[k * width + best] { best = j }
            return Double(best)
        }
    }

    static func yields(_ y: [String: [Double]]) -> JSON {
        .object(y.keys.sorted().map { JSON.Member(key: $0, value: numbers(y[$0]!)) })
    }
}

private func numbers(_ values: [Double]) -> JSON { .array(values.map { .number($0) }) }
