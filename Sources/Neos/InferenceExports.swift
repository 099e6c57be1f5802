import CNeos
import NeosCore

/// pyhf's (init_pars, par_bounds, fixed_params), each optional, from C arrays of the model's length (a neos_model
/// or a callback model).
func fitConfiguration(
    _ model: some LikelihoodModel, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_pars: Int
) throws -> FitConfiguration {
    let n = model.parameterCount
    try Validate.count(n_pars, equals: n, "n_pars")
    var configuration = FitConfiguration()
    if let initial { configuration.initialParameters = Array(UnsafeBufferPointer(start: initial, count: n)) }
    if let bounds {
        configuration.bounds = (0..<n).map { (lower: bounds[2 * $0], upper: bounds[2 * $0 + 1]) }
    }
    if let fixed { configuration.fixed = booleans(fixed, n) }
    return configuration
}

/// The caller's data (main bins then auxdata): n_data must be what the model needs (checked before anything is
/// read, so a length longer than the caller's buffer is refused, not read past).
func observations(_ data: UnsafePointer<Double>?, _ n_data: Int, _ model: Model) throws -> [Double] {
    try copiedInput(data, n_data, expected: model.mainBinCount + model.auxdataCount, "data")
}

/// A test statistic named by the caller.
func testStatistic(_ pointer: UnsafePointer<CChar>?) throws -> TestStatistic {
    try TestStatistic(name: string(pointer, "test_stat"))
}

/// The values of neos_hypotest's rows (NEOS_HYPOTEST_*), as the core's `HypotestDerivatives.values` orders them.
func hypotestRows(_ result: HypotestResult) -> [Double] {
    [
        result.qObserved, result.qAsimov, result.significance, result.expectedSignificance, result.observed.clsb,
        result.observed.clb, result.observed.cls,
    ] + result.expectedHeadline
}

/// The shared body of neos_fit, neos_fixed_poi_fit and their _with_options forms: every output optional, all
/// checked before the fit; `options` (already checked by `fitOptions`) replaces the default iteration cap and
/// EDM tolerance, and `out_iterations` receives the iterations the fit took.
func fitCall(
    _ model: OpaquePointer?, poi: Double?, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_out_uncertainties: Int, _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int,
    options: (maxIterations: Int, edmTolerance: Double)? = nil, out_iterations: UnsafeMutablePointer<Int>? = nil
) throws {
    let model = try borrowModel(model)
    let observed = try observations(data, n_data, model)
    var configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
    if let options {
        configuration.maxIterations = options.maxIterations
        configuration.edmTolerance = options.edmTolerance
    }
    let n = model.parameterCount
    // n × n is a length only when uncertainties or correlations are asked for: a fit alone of a model with a γ per
    // bin (n in the hundreds of thousands) needs no n × n memory.
    let square =
        out_uncertainties == nil && out_correlations == nil ? 0 : try count(n, times: n, "n_pars × n_pars")
    let parsOut = try optionalOutput(out_pars, n_out_pars, expected: n, "out_pars")
    let uncertaintiesOut = try optionalOutput(
        out_uncertainties, n_out_uncertainties, expected: n, "out_uncertainties")
    let correlationsOut = try optionalOutput(
        out_correlations, n_out_correlations, expected: square, "out_correlations")
    let jacobianOut = try JacobianOutputs(
        rows: n, model: model, dataCount: observed.count, out_jacobian_inputs, n_out_jacobian_inputs,
        out_jacobian_data, n_out_jacobian_data)
    if uncertaintiesOut != nil || correlationsOut != nil { try Memory.reserve(square, for: "the inverse Hessian") }
    let fit =
        try poi.map { try MLE.fixedPOIFit(poi: $0, data: observed, model: model, configuration: configuration) }
        ?? MLE.fit(data: observed, model: model, configuration: configuration)
    let parameters = try finite(fit.parameters, "out_pars")
    let twiceNLL = try finite(fit.twiceNLL, "out_twice_nll")
    let uncertainties = uncertaintiesOut == nil ? [] : try finite(fit.uncertainties(), "out_uncertainties")
    let correlations = correlationsOut == nil ? [] : try finite(fit.correlations(), "out_correlations")
    var jacobian = (inputs: [Double](), data: [Double]())
    if jacobianOut.wanted {
        let solved = try ImplicitDifferentiation.fitJacobian(
            fit, model: model, data: observed, bounds: configuration.bounds)
        jacobian = (solved.inputs, solved.data)
    }
    try jacobianOut.verify(inputs: jacobian.inputs, data: jacobian.data)
    parsOut?.write(parameters)
    out_twice_nll?.pointee = twiceNLL
    uncertaintiesOut?.write(uncertainties)
    correlationsOut?.write(correlations)
    jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    out_iterations?.pointee = fit.iterations
}

/// See include/neos.h.
@c @implementation
public func neos_fit(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?, _ n_pars: Int,
    _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int, _ out_twice_nll: UnsafeMutablePointer<Double>?,
    _ out_uncertainties: UnsafeMutablePointer<Double>?, _ n_out_uncertainties: Int,
    _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int
) -> neos_status {
    abiCall("neos_fit") {
        try fitCall(
            model, poi: nil, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations, out_jacobian_inputs,
            n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_fixed_poi_fit(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_out_uncertainties: Int, _ out_correlations: UnsafeMutablePointer<Double>?, _ n_out_correlations: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int
) -> neos_status {
    abiCall("neos_fixed_poi_fit") {
        try fitCall(
            model, poi: poi, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties, out_correlations, n_out_correlations, out_jacobian_inputs,
            n_out_jacobian_inputs, out_jacobian_data, n_out_jacobian_data)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_test_statistic(
    _ model: OpaquePointer?, _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_pars: Int, _ out_value: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_test_statistic") {
        let model = try borrowModel(model)
        let statistic = try testStatistic(test_stat)
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let out = try scalarOutput(out_value, "out_value")
        let result = try statistic.evaluate(poi: poi, data: observed, model: model, configuration: configuration)
        out.pointee = try finite(result.value, "out_value")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_hypotest(
    _ model: OpaquePointer?, _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_pars: Int, _ out_values: UnsafeMutablePointer<Double>?, _ n_out_values: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int
) -> neos_status {
    abiCall("neos_hypotest") {
        let model = try borrowModel(model)
        let statistic = try testStatistic(test_stat)
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let rows = Int(NEOS_HYPOTEST_ROWS)
        let valuesOut = try output(out_values, n_out_values, expected: rows, "out_values")
        let jacobianOut = try JacobianOutputs(
            rows: rows, model: model, dataCount: observed.count, out_jacobian_inputs, n_out_jacobian_inputs,
            out_jacobian_data, n_out_jacobian_data)
        let values: [Double]
        var jacobian = (inputs: [Double](), data: [Double]())
        if jacobianOut.wanted {
            let (_, derivatives) = try Hypotest.derivatives(
                poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration)
            values = derivatives.values
            jacobian = (derivatives.inputs, derivatives.data)
        } else {
            values = hypotestRows(
                try Hypotest.run(
                    poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration))
        }
        let checked = try finite(values, "out_values")
        try jacobianOut.verify(inputs: jacobian.inputs, data: jacobian.data)
        valuesOut.write(checked)
        jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    }
}

/// The row names, as C strings that live for the whole process.
nonisolated(unsafe) let hypotestRowNames: [UnsafePointer<CChar>] = HypotestDerivatives.rowNames.map {
    processLifetimeCString($0)
}

/// See include/neos.h.
@c @implementation
public func neos_hypotest_row_name(_ row: Int32) -> UnsafePointer<CChar>! {
    hypotestRowNames.indices.contains(Int(row)) ? hypotestRowNames[Int(row)] : nil
}

/// See include/neos.h.
@c @implementation
public func neos_upper_limit(
    _ model: OpaquePointer?, _ level: Double, _ scan: UnsafePointer<Double>?, _ n_scan: Int,
    _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?, _ n_pars: Int,
    _ out_limits: UnsafeMutablePointer<Double>?, _ n_out_limits: Int, _ out_scan_pois: UnsafeMutablePointer<Double>?,
    _ n_out_scan_pois: Int, _ out_scan_cls: UnsafeMutablePointer<Double>?, _ n_out_scan_cls: Int,
    _ out_scan_count: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_upper_limit") {
        let model = try borrowModel(model)
        let points = try scan.map { _ in try copiedInput(scan, n_scan, "scan") }
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let rows = Int(NEOS_UPPER_LIMIT_ROWS)
        let limitsOut = try output(out_limits, n_out_limits, expected: rows, "out_limits")
        if out_scan_pois != nil { _ = try count(n_out_scan_pois, "n_out_scan_pois") }
        if out_scan_cls != nil { _ = try count(n_out_scan_cls, "n_out_scan_cls") }
        let result =
            try points.map {
                try UpperLimits.scan($0, data: observed, model: model, level: level, configuration: configuration)
            }
            ?? UpperLimits.rootFinding(data: observed, model: model, level: level, configuration: configuration)
        let scanned = result.scanned
        if out_scan_pois != nil, scanned.count > n_out_scan_pois {
            throw NeosError.invalidArgument("n_out_scan_pois is \(n_out_scan_pois) but \(scanned.count) hypotests ran")
        }
        if out_scan_cls != nil, rows * scanned.count > n_out_scan_cls {
            throw NeosError.invalidArgument(
                "n_out_scan_cls is \(n_out_scan_cls) but \(scanned.count) hypotests ran (\(rows) values each)")
        }
        let limits = try finite([result.observed] + result.expected, "out_limits")
        let pois = try finite(scanned.map(\.poi), "out_scan_pois")
        let cls = try finite(
            scanned.flatMap { [$0.result.observed.cls] + $0.result.expected.map(\.cls) }, "out_scan_cls")
        limitsOut.write(limits)
        for (index, value) in pois.enumerated() { out_scan_pois?[index] = value }
        for (index, value) in cls.enumerated() { out_scan_cls?[index] = value }
        out_scan_count?.pointee = scanned.count
    }
}

/// See include/neos.h.
@c @implementation
public func neos_upper_limit_jacobian(
    _ model: OpaquePointer?, _ level: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ out_limits: UnsafeMutablePointer<Double>?, _ n_out_limits: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_out_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_out_jacobian_data: Int
) -> neos_status {
    abiCall("neos_upper_limit_jacobian") {
        let model = try borrowModel(model)
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let rows = Int(NEOS_UPPER_LIMIT_ROWS)
        let limitsOut = try output(out_limits, n_out_limits, expected: rows, "out_limits")
        let jacobianOut = try JacobianOutputs(
            rows: rows, model: model, dataCount: observed.count, out_jacobian_inputs, n_out_jacobian_inputs,
            out_jacobian_data, n_out_jacobian_data)
        let solved = try UpperLimits.jacobian(data: observed, model: model, level: level, configuration: configuration)
        let limits = try finite(solved.limits, "out_limits")
        try jacobianOut.verify(inputs: solved.inputs, data: solved.data)
        limitsOut.write(limits)
        jacobianOut.write(inputs: solved.inputs, data: solved.data)
    }
}
