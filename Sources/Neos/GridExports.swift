import CNeos
import NeosCore

/// What every grid call takes before its own arguments, checked before any point runs: the background workspace,
/// the patchset, the names (NULL: every patch, and n_names must be their number) and out_status of n_names values.
struct GridArguments {
    let workspace: Workspace
    let patches: Patchset
    /// The chosen patch names, or nil for every patch in the patchset's order.
    let names: [String]?
    /// The number of points, n_names.
    let pointCount: Int
    let status: UnsafeMutablePointer<neos_status>
    /// The thread count for the core: nil for every core (threads = 0).
    let threads: Int?

    init(
        _ background: OpaquePointer?, _ patchset: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
        _ n_names: Int, _ threads: Int32, _ out_status: UnsafeMutablePointer<neos_status>?, _ n_out_status: Int
    ) throws {
        workspace = try borrowHandle(background, .workspace, as: Workspace.self, "background")
        patches = try borrowPatchset(patchset)
        pointCount = try count(n_names, "n_names", elementSize: MemoryLayout<UnsafePointer<CChar>>.size)
        if let names {
            self.names = try (0..<pointCount).map { try string(names[$0], "names[\($0)]") }
        } else if pointCount != patches.patchNames.count {
            throw NeosError.invalidArgument(
                "names is NULL (every patch) but n_names is \(n_names), not the patchset's \(patches.patchNames.count)")
        } else {
            self.names = nil
        }
        guard let out_status else { throw NeosError.invalidArgument("out_status is NULL") }
        guard n_out_status == pointCount else {
            throw NeosError.invalidArgument(
                "out_status has length \(UInt(bitPattern: n_out_status)), expected \(pointCount)")
        }
        status = out_status
        guard threads >= 0 else {
            throw NeosError.invalidArgument("threads is \(threads); it must be 0 (every core) or more")
        }
        self.threads = threads == 0 ? nil : Int(threads)
    }

    /// Writes each point's row of `rows` values into `valuesOut` (row i for point i) and its status, once every
    /// point has run: a point that failed, or whose values are not all finite, gets its status and a row of zeros.
    /// `row` gives a point's values; `written(i)` is called for each point whose row was written with NEOS_OK.
    func write<Value>(
        _ points: [GridPoint<Value>], rows: Int, into valuesOut: UnsafeMutableBufferPointer<Double>,
        _ row: (Value) -> [Double], written: (Int, Value) -> Void = { _, _ in }
    ) {
        for (index, point) in points.enumerated() {
            var values = [Double](repeating: 0, count: rows)
            var pointStatus = NEOS_OK
            switch point.outcome {
            case .success(let result):
                let computed = row(result)
                if computed.allSatisfy(\.isFinite) {
                    values = computed
                    written(index, result)
                } else {
                    pointStatus = NEOS_ERR_NUMERIC
                }
            case .failure(let error):
                pointStatus = error.kind.status
            }
            for r in 0..<rows { valuesOut[index * rows + r] = values[r] }
            status[index] = pointStatus
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_grid_hypotest(
    _ background: OpaquePointer?, _ patchset: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_names: Int, _ measurement_name: UnsafePointer<CChar>?, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ threads: Int32, _ out_values: UnsafeMutablePointer<Double>?,
    _ n_out_values: Int, _ out_status: UnsafeMutablePointer<neos_status>?, _ n_out_status: Int
) -> neos_status {
    abiCall("neos_grid_hypotest") {
        let grid = try GridArguments(background, patchset, names, n_names, threads, out_status, n_out_status)
        let rows = Int(NEOS_HYPOTEST_ROWS)
        let valuesOut = try output(
            out_values, n_out_values, expected: try count(grid.pointCount, times: rows, "n_names × NEOS_HYPOTEST_ROWS"),
            "out_values")
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        let statistic = try testStatistic(test_stat)
        let points = try SignalGrid.hypotests(
            background: grid.workspace, patchset: grid.patches, names: grid.names, poi: poi, testStatistic: statistic,
            measurementName: optionalString(measurement_name),
            modifierSettings: try modifierSettings(modifier_settings_json), threads: grid.threads)
        // Every point has run: only now are the caller's buffers written, each row whole.
        grid.write(points, rows: rows, into: valuesOut, hypotestRows)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_grid_upper_limit(
    _ background: OpaquePointer?, _ patchset: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_names: Int, _ measurement_name: UnsafePointer<CChar>?, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ level: Double, _ scan: UnsafePointer<Double>?, _ n_scan: Int, _ test_stat: UnsafePointer<CChar>?,
    _ threads: Int32, _ out_limits: UnsafeMutablePointer<Double>?, _ n_out_limits: Int,
    _ out_positions: UnsafeMutablePointer<Int32>?, _ n_out_positions: Int,
    _ out_status: UnsafeMutablePointer<neos_status>?, _ n_out_status: Int
) -> neos_status {
    abiCall("neos_grid_upper_limit") {
        let grid = try GridArguments(background, patchset, names, n_names, threads, out_status, n_out_status)
        // As neos_upper_limit: NULL is root finding, and n_scan is then ignored.
        let points = try scan.map { _ in try copiedInput(scan, n_scan, "scan") }
        let rows = Int(NEOS_UPPER_LIMIT_ROWS)
        let total = try count(grid.pointCount, times: rows, "n_names × NEOS_UPPER_LIMIT_ROWS")
        let limitsOut = try output(out_limits, n_out_limits, expected: total, "out_limits")
        if out_positions != nil {
            guard n_out_positions == total else {
                throw NeosError.invalidArgument(
                    "out_positions has length \(UInt(bitPattern: n_out_positions)), expected \(total) "
                        + "(n_names × NEOS_UPPER_LIMIT_ROWS)")
            }
        }
        let statistic = try testStatistic(test_stat)
        let results = try SignalGrid.upperLimits(
            background: grid.workspace, patchset: grid.patches, names: grid.names, scan: points, level: level,
            testStatistic: statistic, measurementName: optionalString(measurement_name),
            modifierSettings: try modifierSettings(modifier_settings_json), threads: grid.threads)
        // A failed point's positions are 0 (inside), as its limits are zeros: its status says they mean nothing.
        if let out_positions { for index in 0..<total { out_positions[index] = 0 } }
        grid.write(results, rows: rows, into: limitsOut, { [$0.observed] + $0.expected }) { index, result in
            for (row, position) in result.positions.enumerated() {
                out_positions?[index * rows + row] = position.rawValue
            }
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_grid_toy_hypotest(
    _ background: OpaquePointer?, _ patchset: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_names: Int, _ measurement_name: UnsafePointer<CChar>?, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ n_toys: Int, _ seed: UInt64, _ threads: Int32,
    _ out_values: UnsafeMutablePointer<Double>?, _ n_out_values: Int,
    _ out_status: UnsafeMutablePointer<neos_status>?, _ n_out_status: Int
) -> neos_status {
    abiCall("neos_grid_toy_hypotest") {
        let grid = try GridArguments(background, patchset, names, n_names, threads, out_status, n_out_status)
        let toys = try toyCount(n_toys)
        guard toys >= 1 else { throw NeosError.invalidArgument("n_toys is 0; a p-value needs at least one toy") }
        let rows = Int(NEOS_TOY_HYPOTEST_ROWS)
        let valuesOut = try output(
            out_values, n_out_values,
            expected: try count(grid.pointCount, times: rows, "n_names × NEOS_TOY_HYPOTEST_ROWS"), "out_values")
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        let statistic = try testStatistic(test_stat)
        // A point holds its two distributions, their sorted copies and the band's p-values: about eight values per
        // toy, refused up front when even one point's would not fit.
        try Memory.reserve(try count(toys, times: 8, "n_toys × 8"), for: "the toys of a point")
        let points = try SignalGrid.toyHypotests(
            background: grid.workspace, patchset: grid.patches, names: grid.names, poi: poi, testStatistic: statistic,
            count: toys, seed: seed, measurementName: optionalString(measurement_name),
            modifierSettings: try modifierSettings(modifier_settings_json), threads: grid.threads)
        grid.write(points, rows: rows, into: valuesOut) { result in
            [result.qObserved, result.observed.clsb, result.observed.clb, result.observed.cls]
                + result.expectedHeadline
        }
    }
}
