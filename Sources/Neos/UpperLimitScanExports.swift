import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_upper_limit_scan(
    _ model: OpaquePointer?, _ level: Double, _ scan: UnsafePointer<Double>?, _ n_scan: Int,
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?, _ n_pars: Int,
    _ out_limits: UnsafeMutablePointer<Double>?, _ n_out_limits: Int, _ out_positions: UnsafeMutablePointer<Int32>?,
    _ n_out_positions: Int, _ out_scan_cls: UnsafeMutablePointer<Double>?, _ n_out_scan_cls: Int
) -> neos_status {
    abiCall("neos_upper_limit_scan") {
        let model = try borrowModel(model)
        let points = try copiedInput(scan, n_scan, "scan")
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let rows = Int(NEOS_UPPER_LIMIT_ROWS)
        // Every output's length is checked before the hypotests run.
        let limitsOut = try output(out_limits, n_out_limits, expected: rows, "out_limits")
        if out_positions != nil {
            guard n_out_positions == rows else {
                throw NeosError.invalidArgument(
                    "n_out_positions is \(UInt(bitPattern: n_out_positions)) but must be \(rows) "
                        + "(NEOS_UPPER_LIMIT_ROWS)")
            }
        }
        let clsOut = try optionalOutput(
            out_scan_cls, n_out_scan_cls, expected: try count(points.count, times: rows, "n_scan × rows"),
            "out_scan_cls")
        let result = try UpperLimits.scan(
            points, data: observed, model: model, level: level, configuration: configuration)
        let limits = try finite([result.observed] + result.expected, "out_limits")
        // The core ran each distinct value once; the caller gets one row per value it passed, in its order.
        var rowsByPoi: [Double: [Double]] = [:]
        for (poi, hypotest) in result.scanned {
            rowsByPoi[poi] = [hypotest.observed.cls] + hypotest.expected.map(\.cls)
        }
        let cls = try finite(points.flatMap { rowsByPoi[$0] ?? [] }, "out_scan_cls")
        guard cls.count == points.count * rows else {
            throw NeosError(.internal, "the scan's results do not cover every value of the scan")
        }
        limitsOut.write(limits)
        for (index, position) in result.positions.enumerated() { out_positions?[index] = position.rawValue }
        clsOut?.write(cls)
    }
}
