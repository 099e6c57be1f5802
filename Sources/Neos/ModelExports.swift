import CNeos
import NeosCore

/// pyhf's modifier_settings from optional JSON text.
func modifierSettings(_ pointer: UnsafePointer<CChar>?) throws -> ModifierSettings? {
    guard let json = optionalString(pointer) else { return nil }
    return try ModifierSettings(json: json)
}

/// A JSON array of strings, for metadata outputs.
func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

/// The workspace behind a caller's handle.
func borrowWorkspace(_ pointer: OpaquePointer?) throws -> Workspace {
    try borrowHandle(pointer, .workspace, as: Workspace.self, "workspace")
}

/// The patchset behind a caller's handle.
func borrowPatchset(_ pointer: OpaquePointer?) throws -> Patchset {
    try borrowHandle(pointer, .patchset, as: Patchset.self, "patchset")
}

/// The model behind a caller's handle.
func borrowModel(_ pointer: OpaquePointer?) throws -> Model {
    try borrowHandle(pointer, .model, as: Model.self, "model")
}

/// Checks a parameter vector against the model before the core sees it.
func parameters(_ pointer: UnsafePointer<Double>?, _ count: Int, _ model: Model) throws -> [Double] {
    try copiedInput(pointer, count, expected: model.parameterCount, "pars")
}

/// Checks an output against the values it receives, then writes them.
func copy(_ values: [Double], into pointer: UnsafeMutablePointer<Double>?, _ count: Int, _ name: String) throws {
    let out = try output(pointer, count, expected: values.count, name)
    out.write(try finite(values, name))
}

/// The shape of every export that makes an object: checks the caller's out-pointer (`name`) before the work, makes
/// the object, then stores a new handle of `kind` to it there.
func newHandle(
    _ kind: HandleKind, into out: UnsafeMutablePointer<OpaquePointer?>?, _ name: String, _ make: () throws -> Any
) throws {
    let out = try handleOutput(out, name)
    out.pointee = makeHandle(kind, try make())
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_from_json(
    _ json: UnsafePointer<CChar>?, _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_from_json") {
        try newHandle(.workspace, into: out_workspace, "out_workspace") { try Workspace(json: string(json, "json")) }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_free(_ workspace: OpaquePointer?) {
    releaseHandle(workspace, .workspace)
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_model(
    _ workspace: OpaquePointer?, _ measurement_name: UnsafePointer<CChar>?,
    _ modifier_settings_json: UnsafePointer<CChar>?, _ patches: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_patches: Int, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_model") {
        let workspace = try borrowWorkspace(workspace)
        try newHandle(.model, into: out_model, "out_model") {
            var patchTexts: [String] = []
            if try count(n_patches, "n_patches", elementSize: MemoryLayout<UnsafePointer<CChar>>.size) > 0 {
                guard let patches else {
                    throw NeosError.invalidArgument("patches is NULL but n_patches is \(n_patches)")
                }
                for index in 0..<n_patches { patchTexts.append(try string(patches[index], "patches[\(index)]")) }
            }
            return try workspace.model(
                measurementName: optionalString(measurement_name),
                modifierSettings: modifierSettings(modifier_settings_json),
                patches: patchTexts)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_data(
    _ workspace: OpaquePointer?, _ model: OpaquePointer?, _ include_auxdata: Bool,
    _ out_data: UnsafeMutablePointer<Double>?, _ n_out_data: Int
) -> neos_status {
    abiCall("neos_workspace_data") {
        let workspace = try borrowWorkspace(workspace)
        let model = try borrowModel(model)
        let data = try workspace.data(model: model, includeAuxdata: include_auxdata)
        try copy(data, into: out_data, n_out_data, "out_data")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_metadata_json(
    _ workspace: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_workspace_metadata_json") {
        let workspace = try borrowWorkspace(workspace)
        let json = JSON.object([
            .init(key: "measurements", value: strings(workspace.measurementNames)),
            .init(key: "channels", value: strings(workspace.channelNames)),
        ])
        try writeString(json.serialized(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_patchset_from_json(
    _ json: UnsafePointer<CChar>?, _ out_patchset: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_patchset_from_json") {
        try newHandle(.patchset, into: out_patchset, "out_patchset") { try Patchset(json: string(json, "json")) }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_patchset_free(_ patchset: OpaquePointer?) {
    releaseHandle(patchset, .patchset)
}

/// See include/neos.h.
@c @implementation
public func neos_patchset_names_json(
    _ patchset: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_patchset_names_json") {
        let patchset = try borrowPatchset(patchset)
        try writeString(strings(patchset.patchNames).serialized(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_patchset_patch_json(
    _ patchset: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ out_json: UnsafeMutablePointer<CChar>?,
    _ n_out_json: Int, _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_patchset_patch_json") {
        let patchset = try borrowPatchset(patchset)
        try writeString(try patchset.patch(named: string(name, "name")), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_from_json(
    _ spec_json: UnsafePointer<CChar>?, _ poi_name: UnsafePointer<CChar>?,
    _ modifier_settings_json: UnsafePointer<CChar>?, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_from_json") {
        try newHandle(.model, into: out_model, "out_model") {
            try Model(
                spec: string(spec_json, "spec_json"), poiName: optionalString(poi_name),
                modifierSettings: modifierSettings(modifier_settings_json))
        }
    }
}

/// simplemodels' n_bins: one length for `arrays` caller arrays, checked (with its name) before any is read, and
/// the model it builds checked against the machine's memory (`SimpleModels.requireMemory`).
func binCount(_ n_bins: Int, arrays: Int) throws -> Int {
    let bins = try count(count(n_bins, "n_bins"), times: arrays, "n_bins × \(arrays) arrays") / arrays
    try SimpleModels.requireMemory(bins: bins)
    try Memory.reserve(bytes: SimpleModels.bytesNeeded(bins: bins), for: "a simple model of \(bins) bins (n_bins)")
    return bins
}

/// See include/neos.h.
@c @implementation
public func neos_simplemodels_uncorrelated_background(
    _ signal: UnsafePointer<Double>?, _ background: UnsafePointer<Double>?, _ uncertainty: UnsafePointer<Double>?,
    _ n_bins: Int, _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_simplemodels_uncorrelated_background") {
        try newHandle(.model, into: out_model, "out_model") {
            let bins = try binCount(n_bins, arrays: 3)
            return try SimpleModels.uncorrelatedBackground(
                signal: copiedInput(signal, bins, "signal"),
                background: copiedInput(background, bins, "background"),
                uncertainty: copiedInput(uncertainty, bins, "uncertainty"))
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_simplemodels_correlated_background(
    _ signal: UnsafePointer<Double>?, _ background: UnsafePointer<Double>?, _ background_up: UnsafePointer<Double>?,
    _ background_down: UnsafePointer<Double>?, _ n_bins: Int, _ modifier_settings_json: UnsafePointer<CChar>?,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_simplemodels_correlated_background") {
        try newHandle(.model, into: out_model, "out_model") {
            let bins = try binCount(n_bins, arrays: 4)
            return try SimpleModels.correlatedBackground(
                signal: copiedInput(signal, bins, "signal"),
                background: copiedInput(background, bins, "background"),
                backgroundUp: copiedInput(background_up, bins, "background_up"),
                backgroundDown: copiedInput(background_down, bins, "background_down"),
                modifierSettings: modifierSettings(modifier_settings_json))
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_free(_ model: OpaquePointer?) {
    releaseHandle(model, .model)
}

/// See include/neos.h.
@c @implementation
public func neos_model_sizes(
    _ model: OpaquePointer?, _ out_n_pars: UnsafeMutablePointer<Int>?, _ out_n_main: UnsafeMutablePointer<Int>?,
    _ out_n_aux: UnsafeMutablePointer<Int>?, _ out_n_inputs: UnsafeMutablePointer<Int>?,
    _ out_poi_index: UnsafeMutablePointer<Int64>?
) -> neos_status {
    abiCall("neos_model_sizes") {
        let model = try borrowModel(model)
        out_n_pars?.pointee = model.parameterCount
        out_n_main?.pointee = model.mainBinCount
        out_n_aux?.pointee = model.auxdataCount
        out_n_inputs?.pointee = model.inputCount
        out_poi_index?.pointee = Int64(model.poiIndex ?? -1)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_metadata_json(
    _ model: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
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
        try writeString(json.serialized(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_suggested(
    _ model: OpaquePointer?, _ out_init: UnsafeMutablePointer<Double>?, _ n_out_init: Int,
    _ out_bounds: UnsafeMutablePointer<Double>?, _ n_out_bounds: Int, _ out_fixed: UnsafeMutablePointer<Bool>?,
    _ n_out_fixed: Int, _ out_auxdata: UnsafeMutablePointer<Double>?, _ n_out_auxdata: Int
) -> neos_status {
    abiCall("neos_model_suggested") {
        let model = try borrowModel(model)
        let n = model.parameterCount
        // Check every requested output before writing any.
        let initOut = try optionalOutput(out_init, n_out_init, expected: n, "out_init")
        let boundsOut = try optionalOutput(out_bounds, n_out_bounds, expected: 2 * n, "out_bounds")
        if out_fixed != nil { try Validate.count(n_out_fixed, equals: n, "n_out_fixed") }
        let auxOut = try optionalOutput(out_auxdata, n_out_auxdata, expected: model.auxdataCount, "out_auxdata")
        initOut?.write(model.suggestedInit)
        for (index, bound) in model.suggestedBounds.enumerated() {
            boundsOut?[2 * index] = bound.lower
            boundsOut?[2 * index + 1] = bound.upper
        }
        if let out_fixed { for (index, flag) in model.suggestedFixed.enumerated() { out_fixed[index] = flag } }
        auxOut?.write(model.auxdata)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_logpdf(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_logpdf: UnsafeMutablePointer<Double>?
) -> neos_status {
    abiCall("neos_model_logpdf") {
        let model = try borrowModel(model)
        let out = try scalarOutput(out_logpdf, "out_logpdf")
        // Finite, or −inf where the data are impossible (documented in neos.h); undefined values throw, naming why.
        out.pointee = try model.logpdfChecked(
            parameters(pars, n_pars, model), data: observations(data, n_data, model))
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_expected_data(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ include_auxdata: Bool,
    _ out_data: UnsafeMutablePointer<Double>?, _ n_out_data: Int
) -> neos_status {
    abiCall("neos_model_expected_data") {
        let model = try borrowModel(model)
        let expected = try model.expectedData(parameters(pars, n_pars, model), includeAuxdata: include_auxdata)
        try copy(expected, into: out_data, n_out_data, "out_data")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_nll_derivatives(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_gradient: UnsafeMutablePointer<Double>?, _ n_out_gradient: Int,
    _ out_hessian: UnsafeMutablePointer<Double>?, _ n_out_hessian: Int
) -> neos_status {
    abiCall("neos_model_nll_derivatives") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = try observations(data, n_data, model)
        let n = model.parameterCount
        let gradientOut = try optionalOutput(out_gradient, n_out_gradient, expected: n, "out_gradient")
        // n_pars² is a length only when the Hessian is wanted: a model too large for one still has a gradient.
        let hessianCount = out_hessian == nil ? 0 : try count(n, times: n, "n_pars × n_pars")
        let hessianOut = try optionalOutput(out_hessian, n_out_hessian, expected: hessianCount, "out_hessian")
        if hessianOut != nil { try Memory.reserve(hessianCount, for: "the Hessian") }
        let gradient = gradientOut == nil ? [] : try finite(model.nllGradient(point, data: observed), "out_gradient")
        let hessian = hessianOut == nil ? [] : try finite(model.nllHessian(point, data: observed), "out_hessian")
        gradientOut?.write(gradient)
        hessianOut?.write(hessian)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_inputs(
    _ model: OpaquePointer?, _ out_inputs: UnsafeMutablePointer<Double>?, _ n_out_inputs: Int
) -> neos_status {
    abiCall("neos_model_inputs") {
        let model = try borrowModel(model)
        try copy(model.inputs().values, into: out_inputs, n_out_inputs, "out_inputs")
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_with_inputs(
    _ model: OpaquePointer?, _ inputs: UnsafePointer<Double>?, _ n_inputs: Int,
    _ out_model: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_model_with_inputs") {
        let model = try borrowModel(model)
        try newHandle(.model, into: out_model, "out_model") {
            try model.withInputs(copiedInput(inputs, n_inputs, expected: model.inputCount, "inputs"))
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_logpdf_gradient(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ out_grad_pars: UnsafeMutablePointer<Double>?, _ n_out_grad_pars: Int,
    _ out_grad_data: UnsafeMutablePointer<Double>?, _ n_out_grad_data: Int,
    _ out_grad_inputs: UnsafeMutablePointer<Double>?, _ n_out_grad_inputs: Int
) -> neos_status {
    abiCall("neos_model_logpdf_gradient") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let observed = try observations(data, n_data, model)
        let parsOut = try optionalOutput(
            out_grad_pars, n_out_grad_pars, expected: model.parameterCount, "out_grad_pars")
        let dataOut = try optionalOutput(out_grad_data, n_out_grad_data, expected: observed.count, "out_grad_data")
        let inputsOut = try optionalOutput(
            out_grad_inputs, n_out_grad_inputs, expected: model.inputCount, "out_grad_inputs")
        let gradients = try model.logpdfVJP(point, data: observed)
        let pars = try finite(gradients.pars, "out_grad_pars")
        let data = try finite(gradients.data, "out_grad_data")
        let inputs = try finite(gradients.inputs, "out_grad_inputs")
        parsOut?.write(pars)
        dataOut?.write(data)
        inputsOut?.write(inputs)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_model_expected_data_vjp(
    _ model: OpaquePointer?, _ pars: UnsafePointer<Double>?, _ n_pars: Int, _ include_auxdata: Bool,
    _ cotangent: UnsafePointer<Double>?, _ n_cotangent: Int, _ out_grad_pars: UnsafeMutablePointer<Double>?,
    _ n_out_grad_pars: Int, _ out_grad_inputs: UnsafeMutablePointer<Double>?, _ n_out_grad_inputs: Int
) -> neos_status {
    abiCall("neos_model_expected_data_vjp") {
        let model = try borrowModel(model)
        let point = try parameters(pars, n_pars, model)
        let cotangentValues = try copiedInput(
            cotangent, n_cotangent, expected: model.mainBinCount + (include_auxdata ? model.auxdataCount : 0),
            "cotangent")
        let parsOut = try optionalOutput(
            out_grad_pars, n_out_grad_pars, expected: model.parameterCount, "out_grad_pars")
        let inputsOut = try optionalOutput(
            out_grad_inputs, n_out_grad_inputs, expected: model.inputCount, "out_grad_inputs")
        let gradients = try model.expectedDataVJP(
            cotangent: cotangentValues, pars: point, includeAuxdata: include_auxdata)
        let pars = try finite(gradients.pars, "out_grad_pars")
        let inputs = try finite(gradients.inputs, "out_grad_inputs")
        parsOut?.write(pars)
        inputsOut?.write(inputs)
    }
}
