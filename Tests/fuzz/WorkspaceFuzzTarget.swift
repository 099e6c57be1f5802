// libFuzzer target "workspace": the workspace and patch loaders and the model built from what they accept.
// The input is a workspace (or patchset) JSON text, optionally followed by a NUL byte and a JSON Patch: the text
// is parsed as a workspace and as a patchset, the patch applied to it (neos_json_patch_apply, and as a model
// patch), and every model built is evaluated at its suggested parameters on its workspace's data.
import CNeosFuzz

#if canImport(Glibc)
    import Glibc
#endif

/// One model's sizes, checked plausible.
func sizes(of model: OpaquePointer) -> (pars: Int, main: Int, aux: Int, inputs: Int) {
    var pars = 0
    var main = 0
    var aux = 0
    var inputs = 0
    var poi: Int64 = -2
    guard neos_model_sizes(model, &pars, &main, &aux, &inputs, &poi) == NEOS_OK else {
        violation("neos_model_sizes failed on a live model")
    }
    if poi < -1 || poi >= Int64(pars) { violation("poi index \(poi) of \(pars) parameters") }
    return (pars, main, aux, inputs)
}

/// Evaluates a model built from `workspace`: suggestions, data, logpdf, expected data and NLL derivatives.
func exercise(model: OpaquePointer, workspace: OpaquePointer) {
    let size = sizes(of: model)
    // A fuzzed workspace can be large; the calls below are linear in its size, the Hessian is quadratic.
    guard size.pars <= 4096 && size.main + size.aux <= 1 << 16 else { return }
    _ = readText("neos_model_metadata_json") { neos_model_metadata_json(model, $0, $1, $2) }
    let n = size.main + size.aux
    let initial = DoubleBuffer(claimed: size.pars, needed: size.pars)
    let bounds = DoubleBuffer(claimed: 2 * size.pars, needed: 2 * size.pars)
    var suggested = CallCheck("neos_model_suggested")
    suggested.output(initial, needed: size.pars)
    suggested.output(bounds, needed: 2 * size.pars)
    let suggestedStatus = neos_model_suggested(
        model, initial.pointer, size.pars, bounds.pointer, 2 * size.pars, nil, 0, nil, 0)
    suggested.verify(suggestedStatus)
    let data = DoubleBuffer(claimed: n, needed: n)
    var observed = CallCheck("neos_workspace_data")
    observed.output(data, needed: n)
    let dataStatus = neos_workspace_data(workspace, model, true, data.pointer, n)
    observed.verify(dataStatus)
    guard suggestedStatus == NEOS_OK && dataStatus == NEOS_OK else { return }

    var logpdf = Double(bitPattern: canaryBits)
    let logpdfStatus = neos_model_logpdf(model, initial.pointer, size.pars, data.pointer, n, &logpdf)
    CallCheck("neos_model_logpdf").verify(logpdfStatus, [logpdf], logpdf: true)

    let expected = DoubleBuffer(claimed: n, needed: n)
    var expectedCheck = CallCheck("neos_model_expected_data")
    expectedCheck.output(expected, needed: n)
    expectedCheck.verify(neos_model_expected_data(model, initial.pointer, size.pars, true, expected.pointer, n))

    let gradient = DoubleBuffer(claimed: size.pars, needed: size.pars)
    let hessian = size.pars <= 64 ? DoubleBuffer(claimed: size.pars * size.pars, needed: size.pars * size.pars) : nil
    var derivatives = CallCheck("neos_model_nll_derivatives")
    derivatives.output(gradient, needed: size.pars)
    derivatives.output(hessian, needed: size.pars * size.pars)
    derivatives.verify(
        neos_model_nll_derivatives(
            model, initial.pointer, size.pars, data.pointer, n, gradient.pointer, size.pars, hessian?.pointer,
            hessian?.claimed ?? 0))
}

/// Parses `text` as a workspace; on success builds its model (with `patch` when given) and exercises it.
func loadWorkspace(_ text: [CChar], patch: [CChar]?) {
    var workspace: OpaquePointer? = nil
    let status = neos_workspace_from_json(text, &workspace)
    CallCheck("neos_workspace_from_json").verify(status)
    guard status == NEOS_OK else {
        if workspace != nil { violation("neos_workspace_from_json failed (\(status)) but wrote a handle") }
        return
    }
    guard let workspace else { violation("neos_workspace_from_json succeeded without a handle") }
    defer { neos_workspace_free(workspace) }
    _ = readText("neos_workspace_metadata_json") { neos_workspace_metadata_json(workspace, $0, $1, $2) }
    if let written = readText("neos_workspace_json", { neos_workspace_json(workspace, $0, $1, $2) }) {
        // What the library writes it must read back.
        var again: OpaquePointer? = nil
        guard neos_workspace_from_json(written, &again) == NEOS_OK, let again else {
            violation("neos_workspace_json's text does not parse back: \(String(cString: neos_last_error_message()))")
        }
        neos_workspace_free(again)
    }
    var model: OpaquePointer? = nil
    let modelStatus: neos_status
    if let patch {
        modelStatus = patch.withUnsafeBufferPointer { patchText in
            var patches: [UnsafePointer<CChar>?] = [patchText.baseAddress]
            return neos_workspace_model(workspace, nil, nil, &patches, 1, &model)
        }
    } else {
        modelStatus = neos_workspace_model(workspace, nil, nil, nil, 0, &model)
    }
    CallCheck("neos_workspace_model").verify(modelStatus)
    if modelStatus != NEOS_OK && model != nil { violation("neos_workspace_model failed but wrote a handle") }
    if let model {
        exercise(model: model, workspace: workspace)
        neos_model_free(model)
    }
}

/// One fuzz input: a JSON text, optionally a NUL byte and a JSON Patch (see the top of this file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkspace(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let separator = bytes.firstIndex(of: 0)
    let text = cString(bytes[..<(separator ?? bytes.endIndex)])
    let patch = separator.map { cString(bytes[($0 + 1)...].prefix { $0 != 0 }) }

    loadWorkspace(text, patch: patch)

    var patchset: OpaquePointer? = nil
    let patchsetStatus = neos_patchset_from_json(text, &patchset)
    CallCheck("neos_patchset_from_json").verify(patchsetStatus)
    if let patchset {
        _ = readText("neos_patchset_names_json") { neos_patchset_names_json(patchset, $0, $1, $2) }
        neos_patchset_free(patchset)
    }

    if let patch {
        if let patched = readText("neos_json_patch_apply", { neos_json_patch_apply(text, patch, $0, $1, $2) }) {
            var workspace: OpaquePointer? = nil
            let status = neos_workspace_from_json_with_options(
                patched, UInt32(NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL), &workspace)
            CallCheck("neos_workspace_from_json_with_options").verify(status)
            neos_workspace_free(workspace)
        }
    }
    return 0
}
