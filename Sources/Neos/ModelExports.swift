import CNeos
import NeosCore

func modifierSettings(_ pointer: UnsafePointer<CChar>?) throws -> ModifierSettings? {
    guard let json = optionalString(pointer) else { return nil }
    return try ModifierSettings(json: json)
}

/// A JSON array of strings, for metadata outputs.
func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

func borrowModel(_ pointer: OpaquePointer?) throws -> Model {
    try borrowHandle(pointer, .model, as: Model.self, "model")
}

/// Checks a parameter vector against the model before the core sees it.
func parameters(_ pointer: UnsafePointer<Double>?, _ count: Int, _ model: Model) throws -> [Double] {
    try Validate.count(count, equals: model.parameterCount, "n_pars")
    return Array(try input(pointer, count, "pars"))
}

func copy(_ values: [Double], into pointer: UnsafeMutablePointer<Double>?, _ count: Int, _ name: String) throws {
    let out = try output(pointer, count, expected: values.count, name)
    out.write(values)
}

@c @implementation
public func neos_workspace_from_json(
    _ json: UnsafePointer<CChar>?, _ json_length: Int, _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_from_json") {
        guard out_workspace != nil else { throw NeosError.invalidArgument("out_workspace is NULL") }
        let workspace = try Workspace(json: text(json, json_length, "json"))
        try store(makeHandle(.workspace, workspace), into: out_workspace, "out_workspace")
    }
}

@c @implementation
public func neos_workspace_free(_ workspace: OpaquePointer?) {
    releaseHandle(workspace, .workspace, as: Workspace.self)
}

@c @implementation
public func neos_workspace_model(
    _ workspace: OpaquePointer?, _ measurement_name: UnsafePointer<CChar>?,
    _ modifier_settings_json: UnsafePointer<CChar>?, _ patches: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_patches: Int, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_model") {
        let workspace = try borrowHandle(workspace, .workspace, as: Workspace.self, "workspace")
        guard out_model != nil else { throw NeosError.invalidArgument("out_model is NULL") }
        var patchTexts: [String] = []
        if try count(n_patches, "n_patches") > 0 {
            guard let patches else { throw NeosError.invalidArgument("patches is NULL but n_patches is \(n_patches)") }
            for index in 0..<n_patches { patchTexts.append(try string(patches[index], "patches[\(index)]")) }
        }
        let model = try workspace.model(
            measurementName: optionalString(measurement_name),
            modifierSettings: modifierSettings(modifier_settings_json),
            patches: patchTexts)
        try store(makeHandle(.model, model), into: out_model, "out_model")
    }
}

@c @implementation
public func neos_workspace_data(
    _ workspace: OpaquePointer?, _ model: OpaquePointer?, _ include_auxdata: Int32,
    _ out_data: UnsafeMutablePointer<Double>?, _ n_out: Int
) -> neos_status {
    abiCall("neos_workspace_data") {
        let workspace = try borrowHandle(workspace, .workspace, as: Workspace.self, "workspace")
        let model = try borrowModel(model)
        let data = try workspace.data(model: model, includeAuxdata: include_auxdata != 0)
        try copy(data, into: out_data, n_out, "out_data")
    }
}

@c @implementation
public func neos_workspace_metadata_json(
    _ workspace: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_workspace_metadata_json") {
        let workspace = try borrowHandle(workspace, .workspace, as: Workspace.self, "workspace")
        let json = JSON.object([
            .init(key: "measurements", value: strings(workspace.measurementNames)),
            .init(key: "channels", value: strings(workspace.channelNames)),
        ])
        try writeString(json.serialized(), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_patchset_from_json(
    _ json: UnsafePointer<CChar>?, _ json_length: Int, _ out_patchset: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_patchset_from_json") {
        guard out_patchset != nil else { throw NeosError.invalidArgument("out_patchset is NULL") }
        let patchset = try Patchset(json: text(json, json_length, "json"))
        try store(makeHandle(.patchset, patchset), into: out_patchset, "out_patchset")
    }
}

@c @implementation
public func neos_patchset_free(_ patchset: OpaquePointer?) {
    releaseHandle(patchset, .patchset, as: Patchset.self)
}

@c @implementation
public func neos_patchset_names_json(
    _ patchset: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_patchset_names_json") {
        let patchset = try borrowHandle(patchset, .patchset, as: Patchset.self, "patchset")
        try writeString(strings(patchset.patchNames).serialized(), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_patchset_patch_json(
    _ patchset: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ buffer: UnsafeMutablePointer<CChar>?,
    _ buffer_length: Int, _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_patchset_patch_json") {
        let patchset = try borrowHandle(patchset, .patchset, as: Patchset.self, "patchset")
        try writeString(try patchset.patch(named: string(name, "name")), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_model_from_json(
    _ spec_json: UnsafePointer<CChar>?, _ spec_length: Int, _ poi_name: UnsafePointer<CChar>?,
    _ modifier_settings_json: UnsafePointer<CChar>?, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_from_json") {
        guard out_model != nil else { throw NeosError.invalidArgument("out_model is NULL") }
        let model = try Model(
            spec: text(spec_json, spec_length, "spec_json"), poiName: optionalString(poi_name),
            modifierSettings: modifierSettings(modifier_settings_json))
        try store(makeHandle(.model, model), into: out_model, "out_model")
    }
}

@c @implementation
public func neos_simplemodels_uncorrelated_background(
    _ signal: UnsafePointer<Double>?, _ background: UnsafePointer<Double>?, _ uncertainty: UnsafePointer<Double>?,
    _ n_bins: Int, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_simplemodels_uncorrelated_background") {
        guard out_model != nil else { throw NeosError.invalidArgument("out_model is NULL") }
        let bins = try count(n_bins, "n_bins")
        let model = try SimpleModels.uncorrelatedBackground(
            signal: Array(input(signal, bins, "signal")), background: Array(input(background, bins, "background")),
            uncertainty: Array(input(uncertainty, bins, "uncertainty")))
        try store(makeHandle(.model, model), into: out_model, "out_model")
    }
}

@c @implementation
public func neos_simplemodels_correlated_background(
    _ signal: UnsafePointer<Double>?, _ background: UnsafePointer<Double>?, _ background_up: UnsafePointer<Double>?,
    _ background_down: UnsafePointer<Double>?, _ n_bins: Int, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_simplemodels_correlated_background") {
        guard out_model != nil else { throw NeosError.invalidArgument("out_model is NULL") }
        let bins = try count(n_bins, "n_bins")
        let model = try SimpleModels.correlatedBackground(
            signal: Array(input(signal, bins, "signal")), background: Array(input(background, bins, "background")),
            backgroundUp: Array(input(background_up, bins, "background_up")),
            backgroundDown: Array(input(background_down, bins, "background_down")),
            modifierSettings: modifierSettings(modifier_settings_json))
        try store(makeHandle(.model, model), into: out_model, "out_model")
    }
}

@c @implementation
public func neos_model_free(_ model: OpaquePointer?) {
    releaseHandle(model, .model, as: Model.self)
}

@c @implementation
public func neos_model_sizes(
    _ model: OpaquePointer?, _ n_pars: UnsafeMutablePointer<Int>?, _ n_main: UnsafeMutablePointer<Int>?,
    _ n_aux: UnsafeMutablePointer<Int>?, _ n_inputs: UnsafeMutablePointer<Int>?,
    _ poi_index: UnsafeMutablePointer<Int64>?
) -> neos_status {
    abiCall("neos_model_sizes") {
        let model = try borrowModel(model)
        n_pars?.pointee = model.parameterCount
        n_main?.pointee = model.mainBinCount
        n_aux?.pointee = model.auxdataCount
        n_inputs?.pointee = model.inputCount
        poi_index?.pointee = Int64(model.poiIndex ?? -1)
    }
}

@c @implementation
public func neos_model_metadata_json(
    _ model: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ buffer_length: Int,
    _ required_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_model_metadata_json") {
        let model = try borrowModel(model)
        let json = JSON.object([
            .init(key: "par_order", value: strings(model.parameterOrder)),
            .init(key: "par_names", value: strings(model.parameterNames)),
            .init(key: "poi_name", value: model.poiName.map(JSON.string) ?? .null),
            .init(key: "poi_index", value: model.poiIndex.map { .number(Double($0)) } ?? .null),
            .init(key: "channels", value: strings(model.channels)),
            .init(key: "channel_nbins", value: .array(model.channelBinCounts.map { .number(Double($0)) })),
            .init(key: "samples", value: strings(model.samples)),
            .init(key: "input_names", value: strings(model.inputs().names)),
            .init(key: "normsys_interpcode", value: .string(model.normsysInterpolation.rawValue)),
            .init(key: "histosys_interpcode", value: .string(model.histosysInterpolation.rawValue)),
        ])
        try writeString(json.serialized(), buffer, buffer_length, required_length)
    }
}

@c @implementation
public func neos_model_suggested(
    _ model: OpaquePointer?, _ out_init: UnsafeMutablePointer<Double>?, _ n_init: Int,
    _ out_bounds: UnsafeMutablePointer<Double>?, _ n_bounds: Int, _ out_fixed: UnsafeMutablePointer<UInt8>?,
    _ n_fixed: Int, _ out_auxdata: UnsafeMutablePointer<Double>?, _ n_auxdata: Int
) -> neos_status {
    abiCall("neos_model_suggested") {
        let model = try borrowModel(model)
        let n = model.parameterCount
        // Check every requested output before writing any.
        let initOut = try optionalOutput(out_init, n_init, expected: n, "out_init")
        let boundsOut = try optionalOutput(out_bounds, n_bounds, expected: 2 * n, "out_bounds")
        if out_fixed != nil { try Validate.count(n_fixed, equals: n, "n_fixed") }
        let auxOut = try optionalOutput(out_auxdata, n_auxdata, expected: model.auxdataCount, "out_auxdata")
        initOut?.write(model.suggestedInit)
        for (index, bound) in model.suggestedBounds.enumerated() {
            boundsOut?[2 * index] = bound.lower
            boundsOut?[2 * index + 1] = bound.upper
        }
        if let out_fixed { for (index, flag) in model.suggestedFixed.enumerated() { out_fixed[index] = flag ? 1 : 0 } }
        auxOut?.write(model.auxdata)
    }
}

@c @implementation
public func neos_model_logpdf(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_logpdf: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_model_logpdf") {
        let model = try borrowModel(model)
        guard let out_logpdf else { throw NeosError.invalidArgument("out_logpdf is NULL") }
        let value = try model.logpdf(
            parameters(pars, n_pars, model), data: Array(input(data, count(n_data, "n_data"), "data")))
        out_logpdf.pointee = value
    }
}

@c @implementation
public func neos_model_expected_data(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ include_auxdata: Int32,
    _ out_data: UnsafeMutablePointer<Double>?, _ n_out: Int
) -> neos_status {
    abiCall("neos_model_expected_data") {
        let model = try borrowModel(model)
        let expected = try model.expectedData(parameters(pars, n_pars, model), includeAuxdata: include_auxdata != 0)
        try copy(expected, into: out_data, n_out, "out_data")
    }
}

@c @implementation
public func neos_model_nll_derivatives(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_gradient: UnsafeMutablePointer<Double>?, _ n_gradient: Int,
    _ out_hessian: UnsafeMutablePointer<Double>?, _ n_hessian: Int
) -> neos_status {
    abiCall("neos_model_nll_derivatives") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = Array(try input(data, count(n_data, "n_data"), "data"))
        let n = model.parameterCount
        let gradientOut = try optionalOutput(out_gradient, n_gradient, expected: n, "out_gradient")
        let hessianOut = try optionalOutput(out_hessian, n_hessian, expected: n * n, "out_hessian")
        let gradient = gradientOut == nil ? [] : try model.nllGradient(point, data: observed)
        let hessian = hessianOut == nil ? [] : try model.nllHessian(point, data: observed)
        gradientOut?.write(gradient)
        hessianOut?.write(hessian)
    }
}

@c @implementation
public func neos_model_inputs(_ model: OpaquePointer?, _ out_inputs: UnsafeMutablePointer<Double>?, _ n_inputs: Int)
    -> neos_status
{
    abiCall("neos_model_inputs") {
        let model = try borrowModel(model)
        try copy(model.inputs().values, into: out_inputs, n_inputs, "out_inputs")
    }
}

@c @implementation
public func neos_model_with_inputs(
    _ model: OpaquePointer?, _ inputs: UnsafePointer<Double>?, _ n_inputs: Int,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_with_inputs") {
        let model = try borrowModel(model)
        guard out_model != nil else { throw NeosError.invalidArgument("out_model is NULL") }
        try Validate.count(n_inputs, equals: model.inputCount, "n_inputs")
        let updated = try model.withInputs(Array(input(inputs, n_inputs, "inputs")))
        try store(makeHandle(.model, updated), into: out_model, "out_model")
    }
}

@c @implementation
public func neos_model_logpdf_vjp(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ grad_pars: UnsafeMutablePointer<Double>?, _ n_grad_pars: Int,
    _ grad_data: UnsafeMutablePointer<Double>?, _ n_grad_data: Int, _ grad_inputs: UnsafeMutablePointer<Double>?,
    _ n_grad_inputs: Int
) -> neos_status {
    abiCall("neos_model_logpdf_vjp") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = Array(try input(data, count(n_data, "n_data"), "data"))
        let parsOut = try optionalOutput(grad_pars, n_grad_pars, expected: model.parameterCount, "grad_pars")
        let dataOut = try optionalOutput(grad_data, n_grad_data, expected: observed.count, "grad_data")
        let inputsOut = try optionalOutput(grad_inputs, n_grad_inputs, expected: model.inputCount, "grad_inputs")
        let gradients = try model.logpdfVJP(point, data: observed)
        parsOut?.write(gradients.pars)
        dataOut?.write(gradients.data)
        inputsOut?.write(gradients.inputs)
    }
}

@c @implementation
public func neos_model_expected_data_vjp(
    _ model: OpaquePointer?, _ cotangent: UnsafePointer<Double>?, _ n_cotangent: Int,
    _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ include_auxdata: Int32,
    _ grad_pars: UnsafeMutablePointer<Double>?, _ n_grad_pars: Int, _ grad_inputs: UnsafeMutablePointer<Double>?,
    _ n_grad_inputs: Int
) -> neos_status {
    abiCall("neos_model_expected_data_vjp") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let cotangentValues = Array(try input(cotangent, count(n_cotangent, "n_cotangent"), "cotangent"))
        let parsOut = try optionalOutput(grad_pars, n_grad_pars, expected: model.parameterCount, "grad_pars")
        let inputsOut = try optionalOutput(grad_inputs, n_grad_inputs, expected: model.inputCount, "grad_inputs")
        let gradients = try model.expectedDataVJP(
            cotangent: cotangentValues, pars: point, includeAuxdata: include_auxdata != 0)
        parsOut?.write(gradients.pars)
        inputsOut?.write(gradients.inputs)
    }
}
