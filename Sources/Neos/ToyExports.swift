import CNeos
import NeosCore

/// A caller's toy count: a real length (not a wrapped negative size_t) within NEOS_MAX_TOYS.
func toyCount(_ n_toys: Int) throws -> Int {
    let limit = Int(NEOS_MAX_TOYS)
    guard n_toys >= 0 && n_toys <= limit else {
        throw NeosError.invalidArgument("n_toys = \(UInt(bitPattern: n_toys)) is outside 0...\(limit) (NEOS_MAX_TOYS)")
    }
    return n_toys
}

/// See include/neos.h.
@c @implementation
public func neos_toy_data(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ n_toys: Int, _ seed: UInt64,
    _ out_data: UnsafeMutablePointer<Double>?, _ n_out_data: Int
) -> neos_status {
    abiCall("neos_toy_data") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let toys = try toyCount(n_toys)
        let rows = try count(toys, times: model.mainBinCount + model.auxdataCount, "n_toys × n_data")
        let out = try output(out_data, n_out_data, expected: rows, "out_data")
        try Memory.reserve(rows, for: "\(toys) toys")
        let data = try Toys.data(model: model, parameters: point, count: toys, seed: seed)
        out.write(try finite(data.flatMap { $0 }, "out_data"))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_toy_test_statistics(
    _ model: OpaquePointer?, _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ pars: UnsafePointer<Double>?,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ n_toys: Int, _ seed: UInt64, _ n_threads: Int, _ out_values: UnsafeMutablePointer<Double>?,
    _ n_out_values: Int
) -> neos_status {
    abiCall("neos_toy_test_statistics") {
        let model = try borrowModel(model)
        let statistic = try testStatistic(test_stat)
        let point = try parameters(pars, n_pars, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let toys = try toyCount(n_toys)
        let threads = try count(n_threads, "n_threads")
        let out = try output(out_values, n_out_values, expected: toys, "out_values")
        try Memory.reserve(toys, for: "\(toys) test statistics")
        let values = try Toys.testStatistics(
            poi: poi, testStatistic: statistic, model: model, parameters: point, count: toys, seed: seed,
            configuration: configuration, threads: threads == 0 ? nil : threads)
        out.write(try finite(values, "out_values"))
    }
}
