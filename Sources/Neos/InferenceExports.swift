import CNeos
import NeosCore

/// pyhf's (init_pars, par_bounds, fixed_params), each optional, from C arrays of the model's length.
func fitConfiguration(
    _ model: Model, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<UInt8>?, _ n_pars: Int
) throws -> FitConfiguration {
    let n = model.parameterCount
    try Validate.count(n_pars, equals: n, "n_pars")
    var configuration = FitConfiguration()
    if let initial { configuration.initialParameters = Array(UnsafeBufferPointer(start: initial, count: n)) }
    if let bounds {
        configuration.bounds = (0..<n).map { (lower: bounds[2 * $0], upper: bounds[2 * $0 + 1]) }
    }
    if let fixed { configuration.fixed = (0..<n).map { fixed[$0] != 0 } }
    return configuration
}

func observations(_ data: UnsafePointer<Double>?, _ n_data: Int, _ model: Model) throws -> [Double] {
    try Validate.count(n_data, equals: model.mainBinCount + model.auxdataCount, "n_data")
    return Array(try input(data, n_data, "data"))
}

/// Writes a fit's outputs after checking every requested buffer.
func writeFit(
    _ result: FitResult, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_uncertainties: Int, _ out_correlations: UnsafeMutablePointer<Double>?, _ n_correlations: Int
) throws {
    let n = result.parameters.count
    let parsOut = try optionalOutput(out_pars, n_out_pars, expected: n, "out_pars")
    let uncertaintiesOut = try optionalOutput(out_uncertainties, n_uncertainties, expected: n, "out_uncertainties")
    let correlationsOut = try optionalOutput(out_correlations, n_correlations, expected: n * n, "out_correlations")
    let uncertainties = uncertaintiesOut == nil ? [] : try result.uncertainties()
    let correlations = correlationsOut == nil ? [] : try result.correlations()
    parsOut?.write(result.parameters)
    out_twice_nll?.pointee = result.twiceNLL
    uncertaintiesOut?.write(uncertainties)
    correlationsOut?.write(correlations)
}

@c @implementation
public func neos_fit(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?, _ n_pars: Int,
    _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int, _ out_twice_nll: UnsafeMutablePointer<Double>?,
    _ out_uncertainties: UnsafeMutablePointer<Double>?, _ n_uncertainties: Int,
    _ out_correlations: UnsafeMutablePointer<Double>?, _ n_correlations: Int
) -> neos_status {
    abiCall("neos_fit") {
        let model = try borrowModel(model)
        let result = try MLE.fit(
            data: observations(data, n_data, model), model: model,
            configuration: fitConfiguration(model, initial, bounds, fixed, n_pars))
        try writeFit(
            result, out_pars, n_out_pars, out_twice_nll, out_uncertainties, n_uncertainties, out_correlations,
            n_correlations)
    }
}

@c @implementation
public func neos_fixed_poi_fit(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_uncertainties: Int, _ out_correlations: UnsafeMutablePointer<Double>?, _ n_correlations: Int
) -> neos_status {
    abiCall("neos_fixed_poi_fit") {
        let model = try borrowModel(model)
        let result = try MLE.fixedPOIFit(
            poi: poi, data: observations(data, n_data, model), model: model,
            configuration: fitConfiguration(model, initial, bounds, fixed, n_pars))
        try writeFit(
            result, out_pars, n_out_pars, out_twice_nll, out_uncertainties, n_uncertainties, out_correlations,
            n_correlations)
    }
}

@c @implementation
public func neos_test_statistic(
    _ model: OpaquePointer?, _ test_stat: UnsafePointer<CChar>?, _ poi: Double, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<UInt8>?, _ n_pars: Int, _ out_value: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_test_statistic") {
        let model = try borrowModel(model)
        guard let out_value else { throw NeosError.invalidArgument("out_value is NULL") }
        let statistic = try TestStatistic(name: string(test_stat, "test_stat"))
        let result = try statistic.evaluate(
            poi: poi, data: observations(data, n_data, model), model: model,
            configuration: fitConfiguration(model, initial, bounds, fixed, n_pars))
        out_value.pointee = result.value
    }
}

@c @implementation
public func neos_hypotest(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ test_stat: UnsafePointer<CChar>?, _ out_cls: UnsafeMutablePointer<Double>?,
    _ out_tail_probs: UnsafeMutablePointer<Double>?, _ out_expected_set: UnsafeMutablePointer<Double>?,
    _ out_statistics: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_hypotest") {
        let model = try borrowModel(model)
        guard let out_cls else { throw NeosError.invalidArgument("out_cls is NULL") }
        let statistic = try TestStatistic(name: string(test_stat, "test_stat"))
        let result = try Hypotest.run(
            poi: poi, data: observations(data, n_data, model), model: model, testStatistic: statistic,
            configuration: fitConfiguration(model, initial, bounds, fixed, n_pars))
        writeHypotest(result, out_cls, out_tail_probs, out_expected_set, out_statistics)
    }
}

func writeHypotest(
    _ result: HypotestResult, _ out_cls: UnsafeMutablePointer<Double>, _ out_tail_probs: UnsafeMutablePointer<Double>?,
    _ out_expected_set: UnsafeMutablePointer<Double>?, _ out_statistics: UnsafeMutablePointer<Double>?
) {
    out_cls.pointee = result.headline
    if let out_tail_probs {
        out_tail_probs[0] = result.observed.clsb
        out_tail_probs[1] = result.observed.clb
    }
    if let out_expected_set {
        for (index, value) in result.expectedHeadline.enumerated() { out_expected_set[index] = value }
    }
    if let out_statistics {
        out_statistics[0] = result.qObserved
        out_statistics[1] = result.qAsimov
    }
}

@c @implementation
public func neos_hypotest_with_jacobian(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ test_stat: UnsafePointer<CChar>?, _ out_cls: UnsafeMutablePointer<Double>?,
    _ out_tail_probs: UnsafeMutablePointer<Double>?, _ out_expected_set: UnsafeMutablePointer<Double>?,
    _ out_statistics: UnsafeMutablePointer<Double>?, _ out_jacobian_inputs: UnsafeMutablePointer<Double>?,
    _ n_jacobian_inputs: Int, _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_jacobian_data: Int
) -> neos_status {
    abiCall("neos_hypotest_with_jacobian") {
        let model = try borrowModel(model)
        guard let out_cls else { throw NeosError.invalidArgument("out_cls is NULL") }
        let statistic = try TestStatistic(name: string(test_stat, "test_stat"))
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let jacobianOut = try JacobianOutputs(
            rows: 6, model: model, dataCount: observed.count, out_jacobian_inputs, n_jacobian_inputs,
            out_jacobian_data, n_jacobian_data)
        let (result, jacobian) = try Hypotest.jacobian(
            poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration)
        writeHypotest(result, out_cls, out_tail_probs, out_expected_set, out_statistics)
        jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    }
}

@c @implementation
public func neos_hypotest_derivatives(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ test_stat: UnsafePointer<CChar>?, _ out_values: UnsafeMutablePointer<Double>?, _ n_values: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_jacobian_data: Int
) -> neos_status {
    abiCall("neos_hypotest_derivatives") {
        let model = try borrowModel(model)
        let rows = HypotestDerivatives.rowNames.count
        let statistic = try TestStatistic(name: string(test_stat, "test_stat"))
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let valuesOut = try output(out_values, n_values, expected: rows, "out_values")
        let jacobianOut = try JacobianOutputs(
            rows: rows, model: model, dataCount: observed.count, out_jacobian_inputs, n_jacobian_inputs,
            out_jacobian_data, n_jacobian_data)
        let (_, derivatives) = try Hypotest.derivatives(
            poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration)
        valuesOut.write(derivatives.values)
        jacobianOut.write(inputs: derivatives.inputs, data: derivatives.data)
    }
}

@c @implementation
public func neos_upper_limit_jacobian(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ level: Double,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ out_limits: UnsafeMutablePointer<Double>?, _ n_limits: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_jacobian_data: Int
) -> neos_status {
    abiCall("neos_upper_limit_jacobian") {
        let model = try borrowModel(model)
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let limitsOut = try output(out_limits, n_limits, expected: 6, "out_limits")
        let jacobianOut = try JacobianOutputs(
            rows: 6, model: model, dataCount: observed.count, out_jacobian_inputs, n_jacobian_inputs,
            out_jacobian_data, n_jacobian_data)
        let solved = try UpperLimits.jacobian(data: observed, model: model, level: level, configuration: configuration)
        limitsOut.write(solved.limits)
        jacobianOut.write(inputs: solved.inputs, data: solved.data)
    }
}

@c @implementation
public func neos_upper_limit(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ scan: UnsafePointer<Double>?,
    _ n_scan: Int, _ level: Double, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<UInt8>?, _ n_pars: Int, _ out_observed: UnsafeMutablePointer<Double>?,
    _ out_expected: UnsafeMutablePointer<Double>?, _ out_scan_pois: UnsafeMutablePointer<Double>?,
    _ out_scan_cls: UnsafeMutablePointer<Double>?, _ scan_capacity: Int, _ out_scan_count: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_upper_limit") {
        let model = try borrowModel(model)
        guard let out_observed else { throw NeosError.invalidArgument("out_observed is NULL") }
        guard let out_expected else { throw NeosError.invalidArgument("out_expected is NULL") }
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let result: UpperLimitResult
        if let scan {
            let points = Array(UnsafeBufferPointer(start: scan, count: try count(n_scan, "n_scan")))
            result = try UpperLimits.scan(
                points, data: observed, model: model, level: level, configuration: configuration)
        } else {
            result = try UpperLimits.rootFinding(
                data: observed, model: model, level: level, configuration: configuration)
        }
        let scanned = result.scanned
        if out_scan_pois != nil || out_scan_cls != nil {
            guard scanned.count <= scan_capacity else {
                throw NeosError.invalidArgument(
                    "scan_capacity is \(scan_capacity) but \(scanned.count) hypotests ran")
            }
        }
        out_observed.pointee = result.observed
        for (index, value) in result.expected.enumerated() { out_expected[index] = value }
        for (index, point) in scanned.enumerated() {
            out_scan_pois?[index] = point.poi
            if let out_scan_cls {
                out_scan_cls[6 * index] = point.result.observed.cls
                for band in 0..<5 { out_scan_cls[6 * index + 1 + band] = point.result.expected[band].cls }
            }
        }
        out_scan_count?.pointee = scanned.count
    }
}

@c @implementation
public func neos_fit_jacobian(
    _ model: OpaquePointer?, _ fix_poi: Int32, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_jacobian_data: Int
) -> neos_status {
    abiCall("neos_fit_jacobian") {
        let model = try borrowModel(model)
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let n = model.parameterCount
        let parsOut = try optionalOutput(out_pars, n_out_pars, expected: n, "out_pars")
        let jacobianOut = try JacobianOutputs(
            rows: n, model: model, dataCount: observed.count, out_jacobian_inputs, n_jacobian_inputs,
            out_jacobian_data, n_jacobian_data)
        let fit =
            fix_poi != 0
            ? try MLE.fixedPOIFit(poi: poi, data: observed, model: model, configuration: configuration)
            : try MLE.fit(data: observed, model: model, configuration: configuration)
        let jacobian = try ImplicitDifferentiation.fitJacobian(
            fit, model: model, data: observed, bounds: configuration.bounds)
        parsOut?.write(fit.parameters)
        jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    }
}

@c @implementation
public func neos_hypotest_jacobian(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<UInt8>?,
    _ n_pars: Int, _ test_stat: UnsafePointer<CChar>?, _ out_outputs: UnsafeMutablePointer<Double>?,
    _ n_outputs: Int, _ out_jacobian_inputs: UnsafeMutablePointer<Double>?, _ n_jacobian_inputs: Int,
    _ out_jacobian_data: UnsafeMutablePointer<Double>?, _ n_jacobian_data: Int
) -> neos_status {
    abiCall("neos_hypotest_jacobian") {
        let model = try borrowModel(model)
        let statistic = try TestStatistic(name: string(test_stat, "test_stat"))
        let observed = try observations(data, n_data, model)
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let outputsOut = try optionalOutput(out_outputs, n_outputs, expected: 6, "out_outputs")
        let jacobianOut = try JacobianOutputs(
            rows: 6, model: model, dataCount: observed.count, out_jacobian_inputs, n_jacobian_inputs,
            out_jacobian_data, n_jacobian_data)
        let (_, jacobian) = try Hypotest.jacobian(
            poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration)
        outputsOut?.write(jacobian.outputs)
        jacobianOut.write(inputs: jacobian.inputs, data: jacobian.data)
    }
}
