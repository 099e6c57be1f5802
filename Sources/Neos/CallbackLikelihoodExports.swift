import CNeos
import NeosCore

/// A caller's callbacks and context pointer, shared by the closures of one `CallbackLikelihood`. The caller
/// promises (include/neos.h) that they stay valid until the handle is freed, and that they may be called from
/// the threads that use the handle.
final class CallbackFunctions: @unchecked Sendable {
    let logpdf: neos_logpdf_callback
    let gradient: neos_logpdf_gradient_callback?
    let expectedData: neos_expected_data_callback
    let context: UnsafeMutableRawPointer?

    init(
        logpdf: neos_logpdf_callback, gradient: neos_logpdf_gradient_callback?,
        expectedData: neos_expected_data_callback, context: UnsafeMutableRawPointer?
    ) {
        self.logpdf = logpdf
        self.gradient = gradient
        self.expectedData = expectedData
        self.context = context
    }

    /// A callback's non-zero return value as the error that ends the call.
    static func failure(_ callback: String, _ code: Int32, _ pars: [Double]) -> NeosError {
        NeosError(
            .model,
            "the \(callback) callback reported a failure (returned \(code)) at pars ["
                + pars.map { "\($0)" }.joined(separator: ", ") + "]")
    }

    /// log L through the caller's function; the output starts as NaN, so a callback that reports success without
    /// writing it is caught by the core's finiteness check.
    func callLogpdf(_ pars: [Double], _ data: [Double]) throws -> Double {
        var value = Double.nan
        let code = pars.withUnsafeBufferPointer { p in
            data.withUnsafeBufferPointer { d in logpdf(context, p.baseAddress, p.count, d.baseAddress, d.count, &value)
            }
        }
        guard code == 0 else { throw Self.failure("logpdf", code, pars) }
        return value
    }

    /// ∇ log L through the caller's function (NaN where it writes nothing).
    func callGradient(_ function: neos_logpdf_gradient_callback, _ pars: [Double], _ data: [Double]) throws
        -> [Double]
    {
        var gradient = [Double](repeating: .nan, count: pars.count)
        let code = pars.withUnsafeBufferPointer { p in
            data.withUnsafeBufferPointer { d in
                gradient.withUnsafeMutableBufferPointer { g in
                    function(context, p.baseAddress, p.count, d.baseAddress, d.count, g.baseAddress, g.count)
                }
            }
        }
        guard code == 0 else { throw Self.failure("logpdf_gradient", code, pars) }
        return gradient
    }

    /// The expected data through the caller's function (NaN where it writes nothing).
    func callExpectedData(_ pars: [Double], count: Int) throws -> [Double] {
        var expected = [Double](repeating: .nan, count: count)
        let code = pars.withUnsafeBufferPointer { p in
            expected.withUnsafeMutableBufferPointer { e in
                expectedData(context, p.baseAddress, p.count, e.baseAddress, e.count)
            }
        }
        guard code == 0 else { throw Self.failure("expected_data", code, pars) }
        return expected
    }
}

/// The callback model behind a caller's handle.
func borrowCallbackModel(_ pointer: OpaquePointer?) throws -> CallbackLikelihood {
    try borrowHandle(pointer, .callbackModel, as: CallbackLikelihood.self, "model")
}

/// See include/neos.h.
@c @implementation
public func neos_callback_model_create(
    _ n_pars: Int, _ poi_index: Int64, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_data: Int, _ logpdf: neos_logpdf_callback?,
    _ logpdf_gradient: neos_logpdf_gradient_callback?, _ expected_data: neos_expected_data_callback?,
    _ context: UnsafeMutableRawPointer?, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_callback_model_create") {
        try createCallbackModel(
            n_pars, poi_index, initial, bounds, fixed, n_data, logpdf, logpdf_gradient, expected_data, context,
            out_model)
    }
}

/// The body of neos_callback_model_create.
func createCallbackModel(
    _ n_pars: Int, _ poi_index: Int64, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_data: Int, _ logpdf: neos_logpdf_callback?,
    _ logpdf_gradient: neos_logpdf_gradient_callback?, _ expected_data: neos_expected_data_callback?,
    _ context: UnsafeMutableRawPointer?, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) throws {
    let out = try handleOutput(out_model, "out_model")
    let n = try count(n_pars, "n_pars")
    let dataCount = try count(n_data, "n_data")
    guard poi_index >= -1 else {
        throw NeosError.invalidArgument("poi_index = \(poi_index); it must be a parameter index or -1 (none)")
    }
    guard let logpdf else { throw NeosError.invalidArgument("logpdf is NULL") }
    guard let expected_data else { throw NeosError.invalidArgument("expected_data is NULL") }
    let suggestedInit = try copiedInput(initial, n, "init")
    let flatBounds = try copiedInput(bounds, try count(n, times: 2, "2 * n_pars"), "bounds")
    guard let fixed else { throw NeosError.invalidArgument("fixed is NULL") }
    let functions = CallbackFunctions(
        logpdf: logpdf, gradient: logpdf_gradient, expectedData: expected_data, context: context)
    var gradient: CallbackLikelihood.LogPDFGradient? = nil
    if let function = logpdf_gradient {
        gradient = { (pars: [Double], data: [Double]) throws -> [Double] in
            try functions.callGradient(function, pars, data)
        }
    }
    let value: CallbackLikelihood.LogPDF = { (pars: [Double], data: [Double]) throws -> Double in
        try functions.callLogpdf(pars, data)
    }
    let expected: CallbackLikelihood.ExpectedData = { (pars: [Double]) throws -> [Double] in
        try functions.callExpectedData(pars, count: dataCount)
    }
    var suggestedBounds: [(lower: Double, upper: Double)] = []
    for i in 0..<n { suggestedBounds.append((lower: flatBounds[2 * i], upper: flatBounds[2 * i + 1])) }
    let model = try CallbackLikelihood(
        parameterCount: n, dataCount: dataCount, poiIndex: poi_index < 0 ? nil : Int(poi_index),
        suggestedInit: suggestedInit, suggestedBounds: suggestedBounds, suggestedFixed: booleans(fixed, n),
        logpdf: value, gradient: gradient, expectedData: expected)
    out.pointee = makeHandle(.callbackModel, model)
}

/// See include/neos.h.
@c @implementation
public func neos_callback_model_free(_ model: OpaquePointer?) {
    releaseHandle(model, .callbackModel)
}

/// The shared body of neos_callback_fit and neos_callback_fixed_poi_fit: outputs checked before the fit, written
/// only after every value is known to be finite.
func callbackFitCall(
    _ model: OpaquePointer?, poi: Double?, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_out_uncertainties: Int
) throws {
    let model = try borrowCallbackModel(model)
    let observed = try copiedInput(data, n_data, expected: model.dataCount, "data")
    let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
    let n = model.parameterCount
    let parsOut = try optionalOutput(out_pars, n_out_pars, expected: n, "out_pars")
    let uncertaintiesOut = try optionalOutput(
        out_uncertainties, n_out_uncertainties, expected: n, "out_uncertainties")
    let fit =
        try poi.map { try MLE.fixedPOIFit(poi: $0, data: observed, model: model, configuration: configuration) }
        ?? MLE.fit(data: observed, model: model, configuration: configuration)
    let parameters = try finite(fit.parameters, "out_pars")
    let twiceNLL = try finite(fit.twiceNLL, "out_twice_nll")
    let uncertainties = uncertaintiesOut == nil ? [] : try finite(fit.uncertainties(), "out_uncertainties")
    parsOut?.write(parameters)
    out_twice_nll?.pointee = twiceNLL
    uncertaintiesOut?.write(uncertainties)
}

/// See include/neos.h.
@c @implementation
public func neos_callback_fit(
    _ model: OpaquePointer?, _ data: UnsafePointer<Double>?, _ n_data: Int, _ initial: UnsafePointer<Double>?,
    _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?, _ n_pars: Int,
    _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int, _ out_twice_nll: UnsafeMutablePointer<Double>?,
    _ out_uncertainties: UnsafeMutablePointer<Double>?, _ n_out_uncertainties: Int
) -> neos_status {
    abiCall("neos_callback_fit") {
        try callbackFitCall(
            model, poi: nil, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_callback_fixed_poi_fit(
    _ model: OpaquePointer?, _ poi: Double, _ data: UnsafePointer<Double>?, _ n_data: Int,
    _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?, _ fixed: UnsafePointer<Bool>?,
    _ n_pars: Int, _ out_pars: UnsafeMutablePointer<Double>?, _ n_out_pars: Int,
    _ out_twice_nll: UnsafeMutablePointer<Double>?, _ out_uncertainties: UnsafeMutablePointer<Double>?,
    _ n_out_uncertainties: Int
) -> neos_status {
    abiCall("neos_callback_fixed_poi_fit") {
        try callbackFitCall(
            model, poi: poi, data, n_data, initial, bounds, fixed, n_pars, out_pars, n_out_pars, out_twice_nll,
            out_uncertainties, n_out_uncertainties)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_callback_hypotest(
    _ model: OpaquePointer?, _ poi: Double, _ test_stat: UnsafePointer<CChar>?, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ initial: UnsafePointer<Double>?, _ bounds: UnsafePointer<Double>?,
    _ fixed: UnsafePointer<Bool>?, _ n_pars: Int, _ out_values: UnsafeMutablePointer<Double>?, _ n_out_values: Int
) -> neos_status {
    abiCall("neos_callback_hypotest") {
        let model = try borrowCallbackModel(model)
        let statistic = try testStatistic(test_stat)
        let observed = try copiedInput(data, n_data, expected: model.dataCount, "data")
        let configuration = try fitConfiguration(model, initial, bounds, fixed, n_pars)
        let valuesOut = try output(out_values, n_out_values, expected: Int(NEOS_HYPOTEST_ROWS), "out_values")
        let result = try Hypotest.run(
            poi: poi, data: observed, model: model, testStatistic: statistic, configuration: configuration)
        valuesOut.write(try finite(hypotestRows(result), "out_values"))
    }
}
