/// Upper limits on the POI from CLs(μ) = level, observed and for the five expected-band curves
/// (`pyhf.infer.intervals.upper_limits`).
public struct UpperLimitResult: Sendable {
    /// The observed upper limit on the POI.
    public var observed: Double
    /// Ordered as pyhf's expected set (−2σ … +2σ band edges of the limit, ascending).
    public var expected: [Double]
    /// Every μ at which a hypotest ran, in the order they ran, with its results (for a scan: its distinct values,
    /// ascending).
    public var scanned: [(poi: Double, result: HypotestResult)]
    /// Where each limit (observed, then the expected set) lies relative to a scan: `.inside`, or beyond one of
    /// its ends, where the limit returned is that end (numpy.interp's clamping, pyhf's value). Root finding
    /// finds every limit it returns: all `.inside`.
    public var positions: [ScanPosition] = [ScanPosition](repeating: .inside, count: 6)
}

/// Where an upper limit lies relative to the POI values of a scan.
public enum ScanPosition: Int32, Sendable, Equatable {
    /// CLs is already below the level at the scan's smallest μ: the limit is below the scan (or there is none).
    case below = -1
    /// The scan brackets the limit (CLs at its ends on either side of the level, or equal to it).
    case inside = 0
    /// CLs is still above the level at the scan's largest μ: the limit is above the scan.
    case above = 1
}

/// Upper limits on the POI at a CLs level: by a scan with interpolation, or by root finding.
public enum UpperLimits {
    /// pyhf's `upper_limit(data, model, scan, level)`: over `scan` (``scan(_:data:model:level:testStatistic:configuration:)``)
    /// or, when it is nil, by root finding (``rootFinding(data:model:level:testStatistic:configuration:absoluteTolerance:relativeTolerance:maxBracketSteps:)``).
    public static func upperLimit(
        data: [Double], model: some LikelihoodModel, scan points: [Double]?, level: Double = 0.05,
        testStatistic: TestStatistic = .qmuTilde
    ) throws -> UpperLimitResult {
        if let points {
            return try scan(points, data: data, model: model, level: level, testStatistic: testStatistic)
        }
        return try rootFinding(data: data, model: model, level: level, testStatistic: testStatistic)
    }

    /// With a scan: CLs at every distinct scan value, then linear interpolation of μ against CLs at `level`
    /// (pyhf's `linear_grid_scan`, numpy.interp's clamping at the ends of the scan included). The values are
    /// sorted and duplicates dropped first, so the order in which they are given does not change the limit (pyhf
    /// interpolates them as given, which for an unsorted scan is not the limit); fewer than two distinct values
    /// cannot be interpolated and are refused. `positions` says which limits lie beyond the scan, where the value
    /// returned is the scan's end.
    public static func scan(
        _ points: [Double], data: [Double], model: some LikelihoodModel, level: Double = 0.05,
        testStatistic: TestStatistic = .qmuTilde, configuration: FitConfiguration = .init()
    ) throws -> UpperLimitResult {
        try validate(level: level)
        let distinct = try validate(scan: points)
        let results = try distinct.map {
            try Hypotest.run(
                poi: $0, data: data, model: model, testStatistic: testStatistic, configuration: configuration)
        }
        let curves = [results.map(\.observed.cls)] + (0..<5).map { band in results.map { $0.expected[band].cls } }
        let limits = curves.map { cls in
            interpolate(level, abscissae: Array(cls.reversed()), ordinates: Array(distinct.reversed()))
        }
        var result = UpperLimitResult(
            observed: limits[0], expected: Array(limits[1...]), scanned: Array(zip(distinct, results)))
        result.positions = curves.map { position(of: level, along: $0) }
        return result
    }

    /// The distinct values of a scan, ascending, once every value is known to be finite and at least two are
    /// distinct (what interpolation needs). Checked before any hypotest runs, also by grids before any point runs.
    static func validate(scan points: [Double]) throws -> [Double] {
        for (index, point) in points.enumerated() where !point.isFinite {
            throw NeosError.invalidArgument("scan[\(index)] is \(point); every value must be finite")
        }
        let distinct = sortedDistinct(points)
        guard distinct.count >= 2 else {
            throw NeosError.invalidArgument(
                "the scan has \(points.count) value(s), \(distinct.count) distinct: interpolating an upper limit "
                    + "needs at least two distinct POI values")
        }
        return distinct
    }

    /// The distinct values of `points`, ascending (−0 and 0 are one value).
    static func sortedDistinct(_ points: [Double]) -> [Double] {
        var distinct: [Double] = []
        for point in points.sorted() where distinct.last != point { distinct.append(point) }
        return distinct
    }

    /// Where the crossing of `level` lies for CLs values `cls` at ascending μ: `interpolate` returns the largest μ
    /// when the level is below CLs there, the smallest when it is above CLs there.
    static func position(of level: Double, along cls: [Double]) -> ScanPosition {
        if level < cls[cls.count - 1] { return .above }
        if level > cls[0] { return .below }
        return .inside
    }

    /// Without a scan: bracket each curve's crossing of `level` inside the POI bounds (halving the lower end until
    /// every curve is bracketed, as pyhf's `toms748_scan`; a limit beyond the upper bound is an error), then solve
    /// CLs(μ) = level by Brent's method to `absoluteTolerance` / `relativeTolerance`.
    public static func rootFinding(
        data: [Double], model: some LikelihoodModel, level: Double = 0.05, testStatistic: TestStatistic = .qmuTilde,
        configuration: FitConfiguration = .init(), absoluteTolerance: Double = 2e-12, relativeTolerance: Double = 1e-10,
        maxBracketSteps: Int = 30
    ) throws -> UpperLimitResult {
        try validate(level: level)
        guard let poiIndex = model.poiIndex else { throw NeosError(.model, "the model has no parameter of interest") }
        let bounds = (configuration.bounds ?? model.suggestedBounds)[poiIndex]
        var scanned: [(poi: Double, result: HypotestResult)] = []
        func hypotest(_ poi: Double) throws -> HypotestResult {
            if let cached = scanned.first(where: { $0.poi == poi }) { return cached.result }
            let result = try Hypotest.run(
                poi: poi, data: data, model: model, testStatistic: testStatistic, configuration: configuration)
            scanned.append((poi, result))
            return result
        }
        func curves(_ result: HypotestResult) -> [Double] { [result.observed.cls] + result.expected.map(\.cls) }

        var lower = bounds.lower
        let upper = bounds.upper
        var steps = 0
        while try curves(hypotest(lower)).contains(where: { $0 < level }) {
            steps += 1
            guard steps <= maxBracketSteps, lower != 0 else {
                throw NeosError(.numeric, "CLs stays below \(level) down to μ = \(lower): no upper limit to find")
            }
            lower /= 2
        }
        // pyhf's toms748_scan doubles the upper end here, but a hypotest beyond the POI's upper bound is itself
        // refused (its fits would start outside the bounds), so the bound is the end of the search.
        let unbracketed = try curves(hypotest(upper)).enumerated().filter { $0.element > level }.map(\.offset)
        if !unbracketed.isEmpty {
            let names = ["observed", "expected -2σ", "expected -1σ", "expected median", "expected +1σ", "expected +2σ"]
            throw NeosError(
                .numeric,
                "CLs stays above \(level) up to the POI's upper bound μ = \(upper) for the "
                    + unbracketed.map { names[$0] }.joined(separator: ", ")
                    + " curve(s): that limit lies beyond the bounds; widen par_bounds to find it")
        }
        var limits: [Double] = []
        for curve in 0..<6 {
            // The tightest bracket already evaluated for this curve.
            let values = scanned.map { (poi: $0.poi, excess: curves($0.result)[curve] - level) }
            let above = values.filter { $0.excess >= 0 }.min { $0.excess < $1.excess }?.poi ?? lower
            let below = values.filter { $0.excess < 0 }.max { $0.excess < $1.excess }?.poi ?? upper
            limits.append(
                try RootFinding.brent(
                    { try curves(hypotest($0))[curve] - level }, lower: above, upper: below,
                    absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance))
        }
        return UpperLimitResult(observed: limits[0], expected: Array(limits[1...]), scanned: scanned)
    }

    /// numpy.interp: piecewise-linear through increasing abscissae, clamped to the end ordinates outside.
    static func interpolate(_ x: Double, abscissae xs: [Double], ordinates ys: [Double]) -> Double {
        if x <= xs[0] { return ys[0] }
        if x >= xs[xs.count - 1] { return ys[ys.count - 1] }
        var index = 1
        while xs[index] < x { index += 1 }
        let (x0, x1, y0, y1) = (xs[index - 1], xs[index], ys[index - 1], ys[index])
        if x1 == x0 { return y1 }
        return y0 + (x - x0) * (y1 - y0) / (x1 - x0)
    }

    static func validate(level: Double) throws {
        guard level > 0, level < 1 else { throw NeosError.invalidArgument("level is \(level); it must be in (0, 1)") }
    }
}

extension UpperLimits {
    /// Upper limits by root finding and their derivatives with respect to the model's inputs and the data, by
    /// implicit differentiation of CLs(μ*, ψ) = level: dμ*/dψ = −(∂CLs/∂ψ) / (∂CLs/∂μ) at each root. Rows: the
    /// observed limit, then the five expected ones (pyhf's order).
    public static func jacobian(
        data: [Double], model: Model, level: Double = 0.05, configuration: FitConfiguration = .init(),
        absoluteTolerance: Double = 2e-12, relativeTolerance: Double = 1e-10
    ) throws -> (limits: [Double], inputs: [Double], data: [Double]) {
        try jacobian(
            data: data, of: model, level: level, configuration: configuration, absoluteTolerance: absoluteTolerance,
            relativeTolerance: relativeTolerance)
    }

    /// `jacobian(data:model:level:configuration:absoluteTolerance:relativeTolerance:)` for any differentiable
    /// model.
    static func jacobian(
        data: [Double], of model: some DifferentiableLikelihoodModel, level: Double, configuration: FitConfiguration,
        absoluteTolerance: Double, relativeTolerance: Double
    ) throws -> (limits: [Double], inputs: [Double], data: [Double]) {
        let solved = try rootFinding(
            data: data, model: model, level: level, configuration: configuration, absoluteTolerance: absoluteTolerance,
            relativeTolerance: relativeTolerance)
        let limits = [solved.observed] + solved.expected
        let inputCount = model.inputCount
        var inputRows: [Double] = []
        var dataRows: [Double] = []
        for (curve, limit) in limits.enumerated() {
            let (result, jacobian) = try Hypotest.jacobian(
                poi: limit, data: data, of: model, testStatistic: .qmuTilde, configuration: configuration)
            let slope = try Hypotest.poiSensitivity(result, model: model, data: data)[curve]
            guard slope != 0, slope.isFinite else {
                throw NeosError(.numeric, "CLs does not change with the POI at the limit \(limit): no derivative")
            }
            inputRows += (0..<inputCount).map { -jacobian.inputs[curve * inputCount + $0] / slope }
            dataRows += (0..<data.count).map { -jacobian.data[curve * data.count + $0] / slope }
        }
        return (limits, inputRows, dataRows)
    }
}
