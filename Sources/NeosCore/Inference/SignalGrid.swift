/// The outcome of one point of a signal grid: a patch of a patchset, its metadata values (the signal's parameters,
/// e.g. the masses) and the result, or the error that point met, without losing the others.
public struct GridPoint<Value: Sendable>: Sendable {
    /// The patch's name (`metadata.name`).
    public var name: String
    /// The patch's `metadata.values`: the signal hypothesis' parameters.
    public var values: [Double]
    /// The point's result or its error.
    public var outcome: Result<Value, NeosError>
}

/// Signal grids: one inference per patch of a patchset on the background-only workspace (pyhf's
/// `workspace.model(patches=[patchset[name]])` for each point), spread over threads. Each point is computed exactly
/// as it is alone, so the results do not depend on the number of threads or on the order the points run in.
public enum SignalGrid {
    /// The hypotest (``Hypotest/run(poi:data:model:testStatistic:configuration:)``) of `poi` for each patch of
    /// `patchset` (all, or `names` in that order), in that order, on `threads` threads (nil: every core).
    ///
    /// - Throws: `.invalidArgument` for a name the patchset does not have, a thread count below 1, a statistic the
    ///   asymptotic calculator does not support or a POI that is not finite; what each point meets (a patch that
    ///   does not apply, a failed fit) is in its `outcome`.
    public static func hypotests(
        background: Workspace, patchset: Patchset, names: [String]? = nil, poi: Double = 1,
        testStatistic: TestStatistic = .qmuTilde, measurementName: String? = nil,
        modifierSettings: ModifierSettings? = nil, threads: Int? = nil
    ) throws -> [GridPoint<HypotestResult>] {
        // Arguments every point would refuse are refused once, before any point runs.
        try Hypotest.checkSupported(testStatistic, by: "asymptotic")
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        return try map(patchset, names: names, threads: threads) { patch in
            let model = try background.model(
                measurementName: measurementName, modifierSettings: modifierSettings, patchDocuments: [patch])
            return try Hypotest.run(
                poi: poi, data: try background.data(model: model), model: model, testStatistic: testStatistic)
        }
    }

    /// The upper limits at CLs = `level` for each patch (as ``hypotests(background:patchset:names:poi:testStatistic:measurementName:modifierSettings:threads:)``):
    /// ``UpperLimits/upperLimit(data:model:scan:level:testStatistic:)``, over `scan` or by root finding.
    ///
    /// - Throws: as `hypotests`, and `.invalidArgument` for a level outside (0, 1) or a scan that cannot be
    ///   interpolated (a value that is not finite, fewer than two distinct values), before any point runs.
    public static func upperLimits(
        background: Workspace, patchset: Patchset, names: [String]? = nil, scan: [Double]? = nil,
        level: Double = 0.05, testStatistic: TestStatistic = .qmuTilde, measurementName: String? = nil,
        modifierSettings: ModifierSettings? = nil, threads: Int? = nil
    ) throws -> [GridPoint<UpperLimitResult>] {
        try Hypotest.checkSupported(testStatistic, by: "asymptotic")
        try UpperLimits.validate(level: level)
        if let scan { _ = try UpperLimits.validate(scan: scan) }
        return try map(patchset, names: names, threads: threads) { patch in
            let model = try background.model(
                measurementName: measurementName, modifierSettings: modifierSettings, patchDocuments: [patch])
            return try UpperLimits.upperLimit(
                data: try background.data(model: model), model: model, scan: scan, level: level,
                testStatistic: testStatistic)
        }
    }

    /// The toy-based hypotest (``ToyCalculator/hypotest(poi:data:model:testStatistic:count:seed:configuration:threads:)``)
    /// of `poi` with `count` toys per hypothesis for each patch (as ``hypotests(background:patchset:names:poi:testStatistic:measurementName:modifierSettings:threads:)``).
    /// Every point draws its toys from `seed`, as a `ToyCalculator(seed=seed)` of that point alone does, so a point's
    /// numbers do not depend on the others, on the order they run in or on the threads: points share the threads,
    /// and a point's toys use the threads left over when there are fewer points than threads.
    ///
    /// - Throws: as `hypotests`, and `.invalidArgument` for a toy count outside 1...``Toys/maximumCount``, before
    ///   any point runs.
    public static func toyHypotests(
        background: Workspace, patchset: Patchset, names: [String]? = nil, poi: Double = 1,
        testStatistic: TestStatistic = .qmuTilde, count: Int, seed: UInt64, measurementName: String? = nil,
        modifierSettings: ModifierSettings? = nil, threads: Int? = nil
    ) throws -> [GridPoint<ToyHypotestResult>] {
        try Hypotest.checkSupported(testStatistic, by: "toy")
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        guard count >= 1 && count <= Toys.maximumCount else {
            throw NeosError.invalidArgument("the number of toys is \(count); it must lie in 1...\(Toys.maximumCount)")
        }
        let points = max(names?.count ?? patchset.patchNames.count, 1)
        let toyThreads = max((threads ?? Parallel.coreCount) / points, 1)
        return try map(patchset, names: names, threads: threads) { patch in
            let model = try background.model(
                measurementName: measurementName, modifierSettings: modifierSettings, patchDocuments: [patch])
            return try ToyCalculator.hypotest(
                poi: poi, data: try background.data(model: model), model: model, testStatistic: testStatistic,
                count: count, seed: seed, threads: toyThreads)
        }
    }

    /// `body` of each named patch's operations on `threads` threads (``Parallel/forEachIndex(count:workers:_:)``),
    /// the results in the names' order.
    static func map<Value: Sendable>(
        _ patchset: Patchset, names: [String]?, threads: Int?, _ body: (JSON) throws -> Value
    ) throws -> [GridPoint<Value>] {
        if let threads, threads < 1 {
            throw NeosError.invalidArgument("threads is \(threads); it must be at least 1")
        }
        let chosen = names ?? patchset.patchNames
        let entries = try chosen.map { try patchset.entry(named: $0) }
        var outcomes = [Result<Value, NeosError>?](repeating: nil, count: chosen.count)
        outcomes.withUnsafeMutableBufferPointer { outcomes in
            nonisolated(unsafe) let outcomes = outcomes
            Parallel.forEachIndex(count: entries.count, workers: threads ?? Parallel.coreCount) { point in
                do {
                    outcomes[point] = .success(try body(entries[point].patch))
                } catch let error as NeosError {
                    outcomes[point] = .failure(error)
                } catch {
                    outcomes[point] = .failure(NeosError(.internal, "\(error)"))
                }
            }
        }
        return chosen.indices.map {
            GridPoint(name: chosen[$0], values: entries[$0].values, outcome: outcomes[$0]!)
        }
    }
}
