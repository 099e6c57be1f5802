import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_grid_hypotest(
    _ background: OpaquePointer?, _ patchset: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_names: Int, _ measurement_name: UnsafePointer<CChar>?, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ threads: Int32, _ out_values: UnsafeMutablePointer<Double>?,
    _ n_out_values: Int, _ out_status: UnsafeMutablePointer<neos_status>?, _ n_out_status: Int
) -> neos_status {
    abiCall("neos_grid_hypotest") {
        let workspace = try borrowHandle(background, .workspace, as: Workspace.self, "background")
        let patches = try borrowPatchset(patchset)
        let pointCount = try count(n_names, "n_names", elementSize: MemoryLayout<UnsafePointer<CChar>>.size)
        var chosen: [String]? = nil
        if let names {
            chosen = try (0..<pointCount).map { try string(names[$0], "names[\($0)]") }
        } else if pointCount != patches.patchNames.count {
            throw NeosError.invalidArgument(
                "names is NULL (every patch) but n_names is \(n_names), not the patchset's \(patches.patchNames.count)")
        }
        let rows = Int(NEOS_HYPOTEST_ROWS)
        let valuesOut = try output(
            out_values, n_out_values, expected: try count(pointCount, times: rows, "n_names × NEOS_HYPOTEST_ROWS"),
            "out_values")
        guard let out_status else { throw NeosError.invalidArgument("out_status is NULL") }
        guard n_out_status == pointCount else {
            throw NeosError.invalidArgument(
                "out_status has length \(UInt(bitPattern: n_out_status)), expected \(pointCount)")
        }
        guard poi.isFinite else { throw NeosError.invalidArgument("poi is \(poi); it must be finite") }
        guard threads >= 0 else {
            throw NeosError.invalidArgument("threads is \(threads); it must be 0 (every core) or more")
        }
        let statistic = try testStatistic(test_stat)
        let points = try SignalGrid.hypotests(
            background: workspace, patchset: patches, names: chosen, poi: poi, testStatistic: statistic,
            measurementName: optionalString(measurement_name),
            modifierSettings: try modifierSettings(modifier_settings_json),
            threads: threads == 0 ? nil : Int(threads))
        // Every point has run: only now are the caller's buffers written, each row whole.
        for (index, point) in points.enumerated() {
            var row = [Double](repeating: 0, count: rows)
            var status = NEOS_OK
            switch point.outcome {
            case .success(let result):
                let values = hypotestRows(result)
                if values.allSatisfy(\.isFinite) { row = values } else { status = NEOS_ERR_NUMERIC }
            case .failure(let error):
                status = error.kind.status
            }
            for r in 0..<rows { valuesOut[index * rows + r] = row[r] }
            out_status[index] = status
        }
    }
}
