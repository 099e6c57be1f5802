// libFuzzer target "abi": the C entry points with fuzzed lengths and values. The first byte picks the function,
// the following bytes its arguments: which reference model, each claimed length (right, off by one, zero, small
// or beyond any memory) and each double (near a sensible value, an edge of the doubles, or any bit pattern).
// Buffers are as long as their claimed length (or, for a claim beyond any memory, as long as the call needs),
// so an over-read is an AddressSanitizer report; FuzzSupport.swift's CallCheck holds each call to the header's
// contract (a mismatched length refused, nothing written on failure, no non-finite output with NEOS_OK).
import CNeosFuzz

#if canImport(Glibc)
    import Glibc
#endif

/// A model made once, before fuzzing, and what calls on it need.
struct ReferenceModel {
    let workspace: OpaquePointer?
    let model: OpaquePointer
    let pars: Int
    let main: Int
    let aux: Int
    let inputs: Int
    let initial: [Double]
    let bounds: [Double]
    let data: [Double]
}

/// The repository's reference workspaces (small ones: a fuzzed fit must take milliseconds) and a simplemodel.
let referenceModels: [ReferenceModel] = {
    // scripts/fuzz.sh compiles this file by its absolute path, so #filePath locates the repository.
    let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
    let names = [
        "validation_1bin_normsys", "validation_2bin_histosys", "validation_1bin_shapesys", "validation_1bin_lumi",
        "validation_2bin_2channel_coupledhistosys",
    ]
    var models: [ReferenceModel] = []
    for name in names {
        let path = "/\(root)/Tests/Data/pyhf/workspaces/\(name).json"
        guard let file = fopen(path, "rb") else { violation("cannot read \(path)") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        fclose(file)
        var workspace: OpaquePointer? = nil
        var model: OpaquePointer? = nil
        guard neos_workspace_from_json(cString(bytes[...]), &workspace) == NEOS_OK,
            neos_workspace_model(workspace, nil, nil, nil, 0, &model) == NEOS_OK, let model
        else { violation("\(name): \(String(cString: neos_last_error_message()))") }
        models.append(describe(model, workspace: workspace))
    }
    var simple: OpaquePointer? = nil
    let signal = [5.0, 10.0, 2.0]
    let background = [50.0, 60.0, 8.0]
    let uncertainty = [5.0, 12.0, 3.0]
    guard neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 3, &simple) == NEOS_OK,
        let simple
    else { violation("simplemodel: \(String(cString: neos_last_error_message()))") }
    models.append(describe(simple, workspace: nil))
    return models
}()

func describe(_ model: OpaquePointer, workspace: OpaquePointer?) -> ReferenceModel {
    var pars = 0
    var main = 0
    var aux = 0
    var inputs = 0
    _ = neos_model_sizes(model, &pars, &main, &aux, &inputs, nil)
    var initial = [Double](repeating: 0, count: pars)
    var bounds = [Double](repeating: 0, count: 2 * pars)
    var auxdata = [Double](repeating: 0, count: aux)
    _ = neos_model_suggested(model, &initial, pars, &bounds, 2 * pars, nil, 0, &auxdata, aux)
    var data = [Double](repeating: 0, count: main + aux)
    if let workspace {
        _ = neos_workspace_data(workspace, model, true, &data, main + aux)
    } else {
        var expected = [Double](repeating: 0, count: main + aux)
        _ = neos_model_expected_data(model, initial, pars, true, &expected, main + aux)
        data = expected
    }
    return ReferenceModel(
        workspace: workspace, model: model, pars: pars, main: main, aux: aux, inputs: inputs, initial: initial,
        bounds: bounds, data: data)
}

/// An input array near `typical`: its claimed length, and values read from the fuzz input.
func inputArray(_ reader: inout FuzzReader, typical: [Double], check: inout CallCheck, _ what: String) -> DoubleBuffer {
    let claimed = reader.length(needed: typical.count)
    check.length(claimed, needed: typical.count, what)
    let perturb = reader.bool()
    let values = typical.map { perturb ? reader.double(near: $0) : $0 }
    return DoubleBuffer(claimed: claimed, values: values)
}

/// An output array the call needs `needed` values in, or nil (when the output may be NULL and the input says so).
func outputArray(_ reader: inout FuzzReader, needed: Int, optional: Bool, check: inout CallCheck) -> DoubleBuffer? {
    if optional && reader.byte() % 4 == 0 { return nil }
    let buffer = DoubleBuffer(claimed: reader.length(needed: needed), needed: needed)
    check.output(buffer, needed: needed)
    return buffer
}

/// 2 n for the length of a bounds array, SIZE_MAX where that does not fit (a huge n_pars must be refused anyway).
func twice(_ count: Int) -> Int {
    let (value, overflow) = count.multipliedReportingOverflow(by: 2)
    return overflow ? -1 : value
}

/// Test statistics the library knows, and two it must refuse.
let testStatistics = ["qtilde", "q", "q0", "qmu_tilde", "tmu", "tmu_tilde", "", "Q0"]

func fuzzModelCall(_ reader: inout FuzzReader, _ function: Int) {
    let reference = referenceModels[reader.choice(referenceModels.count)]
    let model = reference.model
    let n = reference.main + reference.aux
    var check = CallCheck("model call \(function)")
    switch function {
    case 0:
        check = CallCheck("neos_model_logpdf")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        var logpdf = Double(bitPattern: canaryBits)
        check.verify(
            neos_model_logpdf(model, pars.pointer, pars.claimed, data.pointer, data.claimed, &logpdf), [logpdf],
            logpdf: true)
    case 1:
        check = CallCheck("neos_model_logpdf_gradient")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let gradPars = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        let gradData = outputArray(&reader, needed: n, optional: true, check: &check)
        let gradInputs = outputArray(&reader, needed: reference.inputs, optional: true, check: &check)
        check.verify(
            neos_model_logpdf_gradient(
                model, pars.pointer, pars.claimed, data.pointer, data.claimed, gradPars?.pointer,
                gradPars?.claimed ?? 0, gradData?.pointer, gradData?.claimed ?? 0, gradInputs?.pointer,
                gradInputs?.claimed ?? 0))
    case 2:
        check = CallCheck("neos_model_expected_data")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let aux = reader.bool()
        let out = outputArray(&reader, needed: aux ? n : reference.main, optional: false, check: &check)!
        check.verify(neos_model_expected_data(model, pars.pointer, pars.claimed, aux, out.pointer, out.claimed))
    case 3:
        check = CallCheck("neos_model_expected_data_vjp")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let aux = reader.bool()
        let cotangent = inputArray(
            &reader, typical: [Double](repeating: 1, count: aux ? n : reference.main), check: &check, "n_cotangent")
        let gradPars = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        let gradInputs = outputArray(&reader, needed: reference.inputs, optional: true, check: &check)
        check.verify(
            neos_model_expected_data_vjp(
                model, pars.pointer, pars.claimed, aux, cotangent.pointer, cotangent.claimed, gradPars?.pointer,
                gradPars?.claimed ?? 0, gradInputs?.pointer, gradInputs?.claimed ?? 0))
    case 4:
        check = CallCheck("neos_model_nll_derivatives")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let gradient = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        let hessian = outputArray(&reader, needed: reference.pars * reference.pars, optional: true, check: &check)
        check.verify(
            neos_model_nll_derivatives(
                model, pars.pointer, pars.claimed, data.pointer, data.claimed, gradient?.pointer,
                gradient?.claimed ?? 0, hessian?.pointer, hessian?.claimed ?? 0))
    case 5, 6:
        check = CallCheck(function == 5 ? "neos_fit_with_options" : "neos_fixed_poi_fit_with_options")
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let nPars = reader.length(needed: reference.pars)
        check.length(nPars, needed: reference.pars, "n_pars")
        let initial =
            reader.bool()
            ? DoubleBuffer(
                claimed: nPars, values: reference.initial.map { reader.bool() ? reader.double(near: $0) : $0 }) : nil
        let bounds =
            reader.bool()
            ? DoubleBuffer(
                claimed: twice(nPars), values: reference.bounds.map { reader.bool() ? reader.double(near: $0) : $0 })
            : nil
        let maxIterations = reader.byte() % 16 == 0 ? Int(bitPattern: UInt(reader.uint64())) : 1 + reader.choice(60)
        let tolerance = reader.byte() % 8 == 0 ? reader.double(near: 1e-10) : 1e-10
        let pars = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        let uncertainties = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        var twiceNLL = Double(bitPattern: canaryBits)
        var iterations = -7
        let poi = reader.double(near: 1)
        let status =
            function == 5
            ? neos_fit_with_options(
                model, data.pointer, data.claimed, initial?.pointer, bounds?.pointer, nil, nPars, maxIterations,
                tolerance, pars?.pointer, pars?.claimed ?? 0, &twiceNLL, uncertainties?.pointer,
                uncertainties?.claimed ?? 0, nil, 0, nil, 0, nil, 0, &iterations)
            : neos_fixed_poi_fit_with_options(
                model, poi, data.pointer, data.claimed, initial?.pointer, bounds?.pointer, nil, nPars,
                maxIterations, tolerance, pars?.pointer, pars?.claimed ?? 0, &twiceNLL, uncertainties?.pointer,
                uncertainties?.claimed ?? 0, nil, 0, nil, 0, nil, 0, &iterations)
        check.verify(status, [twiceNLL])
    case 7:
        check = CallCheck("neos_hypotest")
        let poi = reader.double(near: 1)
        let statistic = testStatistics[reader.choice(testStatistics.count)]
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let nPars = reader.length(needed: reference.pars)
        check.length(nPars, needed: reference.pars, "n_pars")
        let values = outputArray(&reader, needed: Int(NEOS_HYPOTEST_ROWS), optional: false, check: &check)!
        let jacobianData = outputArray(&reader, needed: Int(NEOS_HYPOTEST_ROWS) * n, optional: true, check: &check)
        check.verify(
            neos_hypotest(
                model, poi, statistic, data.pointer, data.claimed, nil, nil, nil, nPars, values.pointer,
                values.claimed, nil, 0, jacobianData?.pointer, jacobianData?.claimed ?? 0))
    case 8:
        check = CallCheck("neos_model_with_inputs")
        var inputs = [Double](repeating: 0, count: reference.inputs)
        _ = neos_model_inputs(model, &inputs, reference.inputs)
        let buffer = inputArray(&reader, typical: inputs, check: &check, "n_inputs")
        var changed: OpaquePointer? = nil
        let status = neos_model_with_inputs(model, buffer.pointer, buffer.claimed, &changed)
        check.verify(status)
        if status != NEOS_OK && changed != nil { violation("neos_model_with_inputs failed but wrote a handle") }
        if let changed {
            var logpdf = Double(bitPattern: canaryBits)
            let logpdfStatus = neos_model_logpdf(changed, reference.initial, reference.pars, reference.data, n, &logpdf)
            CallCheck("neos_model_logpdf (new inputs)").verify(logpdfStatus, [logpdf], logpdf: true)
            neos_model_free(changed)
        }
    case 9:
        check = CallCheck("neos_toy_data")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let toys =
            reader.byte() % 8 == 0
            ? FuzzReader.hugeLengths[reader.choice(FuzzReader.hugeLengths.count)] : reader.choice(5)
        let needed = toys.multipliedReportingOverflow(by: n)
        let out = outputArray(
            &reader, needed: needed.overflow || toys < 0 ? 0 : needed.partialValue, optional: false, check: &check)!
        if needed.overflow || toys < 0 || isHuge(toys) { check.mismatches.append("n_toys = \(toys)") }
        check.verify(neos_toy_data(model, pars.pointer, pars.claimed, toys, reader.uint64(), out.pointer, out.claimed))
    case 10:
        check = CallCheck("neos_upper_limit (scan)")
        let scanLength = reader.freeLength(limit: 6)
        let scanValues = (0..<max(0, min(scanLength, 6))).map { _ in reader.double(near: 1) }
        let scan = DoubleBuffer(claimed: scanLength, values: scanValues)
        if isHuge(scanLength) { check.mismatches.append("n_scan = \(scanLength)") }
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let limits = outputArray(&reader, needed: Int(NEOS_UPPER_LIMIT_ROWS), optional: false, check: &check)!
        var count = -7
        check.verify(
            neos_upper_limit(
                model, reader.double(near: 0.05), scan.pointer, scan.claimed, data.pointer, data.claimed, nil, nil,
                nil, reference.pars, limits.pointer, limits.claimed, nil, 0, nil, 0, &count))
    case 12:
        // A model carrying fuzzed fit options (ABI 1.3), then a hypotest through it: the options may make its fits
        // fail, which must be a status with nothing written, never a crash or a non-finite row with NEOS_OK.
        check = CallCheck("neos_model_with_fit_options")
        let caps = [0, 1, 2, 5, 1000, Int.max, -1]
        let maxIterations = caps[reader.choice(caps.count)]
        let tolerance = reader.double(near: 1e-6)
        var derived: OpaquePointer? = nil
        let status = neos_model_with_fit_options(model, maxIterations, tolerance, &derived)
        check.verify(status)
        if status != NEOS_OK && derived != nil { violation("neos_model_with_fit_options failed but wrote a handle") }
        guard let derived else { return }
        defer { neos_model_free(derived) }
        var readBack = -7
        var readTolerance = Double(bitPattern: canaryBits)
        CallCheck("neos_model_fit_options").verify(
            neos_model_fit_options(derived, &readBack, &readTolerance), [readTolerance])
        var rows = CallCheck("neos_hypotest (fit options)")
        let values = outputArray(&reader, needed: Int(NEOS_HYPOTEST_ROWS), optional: false, check: &rows)!
        rows.verify(
            neos_hypotest(
                derived, reader.double(near: 1), "qtilde", reference.data, reference.data.count, nil, nil, nil,
                reference.pars, values.pointer, values.claimed, nil, 0, nil, 0))
    case 11:
        check = CallCheck("neos_model_constraint_widths")
        let widths = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        check.verify(neos_model_constraint_widths(model, nil, 0, widths?.pointer, widths?.claimed ?? 0))
    default:
        check = CallCheck("neos_model_nll_hessian_vjp")
        let pars = inputArray(&reader, typical: reference.initial, check: &check, "n_pars")
        let data = inputArray(&reader, typical: reference.data, check: &check, "n_data")
        let cotangent = inputArray(
            &reader, typical: [Double](repeating: 0.5, count: reference.pars * reference.pars), check: &check,
            "n_cotangent")
        let gradPars = outputArray(&reader, needed: reference.pars, optional: true, check: &check)
        let gradData = outputArray(&reader, needed: n, optional: true, check: &check)
        check.verify(
            neos_model_nll_hessian_vjp(
                model, pars.pointer, pars.claimed, data.pointer, data.claimed, cotangent.pointer, cotangent.claimed,
                gradPars?.pointer, gradPars?.claimed ?? 0, gradData?.pointer, gradData?.claimed ?? 0, nil, 0))
    }
}

/// The calls without a model: histograms, cuts, simplemodels, interpolation. Their data lengths are the
/// caller's choice (at most what the harness allocated, or beyond any memory).
func fuzzFreeCall(_ reader: inout FuzzReader, _ function: Int) {
    switch function {
    case 0, 1:
        var check = CallCheck(function == 0 ? "neos_hist" : "neos_hist_vjp")
        let nData = reader.freeLength(limit: 8)
        let data = DoubleBuffer(claimed: nData, values: (0..<8).map { _ in reader.double(near: 0.5) })
        let weights =
            reader.bool() ? DoubleBuffer(claimed: nData, values: (0..<8).map { _ in reader.double(near: 1) }) : nil
        let nEdges = reader.freeLength(limit: 6)
        let edges = DoubleBuffer(
            claimed: nEdges,
            values: (0..<6).map { Double($0) / 5 + (reader.byte() % 8 == 0 ? reader.double(near: 0) : 0) })
        if isHuge(nData) { check.mismatches.append("n_data = \(nData)") }
        if isHuge(nEdges) || nEdges < 2 { check.mismatches.append("n_edges = \(nEdges)") }
        let bins = isHuge(nEdges) || nEdges < 2 ? 0 : nEdges - 1
        let bandwidth = reader.double(near: 0.1)
        let flags = UInt32(reader.byte() % 4)
        if function == 0 {
            let counts = outputArray(&reader, needed: bins, optional: false, check: &check)!
            check.verify(
                neos_hist(
                    data.pointer, nData, weights?.pointer, edges.pointer, nEdges, bandwidth, flags, counts.pointer,
                    counts.claimed))
        } else {
            let cotangent = inputArray(
                &reader, typical: [Double](repeating: 1, count: bins), check: &check, "n_cotangent")
            let gradData = outputArray(&reader, needed: isHuge(nData) ? 0 : nData, optional: true, check: &check)
            let gradEdges = outputArray(&reader, needed: bins == 0 ? 0 : nEdges, optional: true, check: &check)
            var gradBandwidth = Double(bitPattern: canaryBits)
            check.verify(
                neos_hist_vjp(
                    data.pointer, nData, weights?.pointer, edges.pointer, nEdges, bandwidth, flags, cotangent.pointer,
                    cotangent.claimed, gradData?.pointer, gradData?.claimed ?? 0, nil, 0, gradEdges?.pointer,
                    gradEdges?.claimed ?? 0, &gradBandwidth), [gradBandwidth])
        }
    case 2:
        var check = CallCheck("neos_cut")
        let nData = reader.freeLength(limit: 8)
        let data = DoubleBuffer(claimed: nData, values: (0..<8).map { _ in reader.double(near: 0.5) })
        if isHuge(nData) { check.mismatches.append("n_data = \(nData)") }
        let keep = Int32(reader.choice(3)) - (reader.byte() % 16 == 0 ? 5 : 0)
        let out = outputArray(&reader, needed: isHuge(nData) ? 0 : nData, optional: false, check: &check)!
        check.verify(
            neos_cut(
                data.pointer, nData, reader.double(near: 0.5), reader.double(near: 3), keep, out.pointer, out.claimed))
    case 3:
        var check = CallCheck("neos_simplemodels_uncorrelated_background")
        let bins = reader.freeLength(limit: 4)
        if isHuge(bins) || bins == 0 { check.mismatches.append("n_bins = \(bins)") }
        let signal = DoubleBuffer(claimed: bins, values: (0..<4).map { _ in reader.double(near: 5) })
        let background = DoubleBuffer(claimed: bins, values: (0..<4).map { _ in reader.double(near: 50) })
        let uncertainty = DoubleBuffer(claimed: bins, values: (0..<4).map { _ in reader.double(near: 5) })
        var model: OpaquePointer? = nil
        let status = neos_simplemodels_uncorrelated_background(
            signal.pointer, background.pointer, uncertainty.pointer, bins, &model)
        if bins == 0 { check.mismatches.removeAll() }  // whether an empty model is valid is the library's choice
        check.verify(status)
        if status != NEOS_OK && model != nil { violation("simplemodel failed but wrote a handle") }
        if let model {
            let reference = describe(model, workspace: nil)
            var logpdf = Double(bitPattern: canaryBits)
            let logpdfStatus = neos_model_logpdf(
                model, reference.initial, reference.pars, reference.data, reference.data.count, &logpdf)
            CallCheck("neos_model_logpdf (simplemodel)").verify(logpdfStatus, [logpdf], logpdf: true)
            neos_model_free(model)
        }
    case 4:
        var check = CallCheck("neos_cut_vjp")
        let nData = reader.freeLength(limit: 8)
        let data = DoubleBuffer(claimed: nData, values: (0..<8).map { _ in reader.double(near: 0.5) })
        if isHuge(nData) { check.mismatches.append("n_data = \(nData)") }
        let cotangent = inputArray(
            &reader, typical: [Double](repeating: 1, count: isHuge(nData) ? 0 : min(nData, 8)), check: &check,
            "n_cotangent")
        let gradData = outputArray(&reader, needed: isHuge(nData) ? 0 : nData, optional: true, check: &check)
        var gradCut = Double(bitPattern: canaryBits)
        var gradSlope = Double(bitPattern: canaryBits)
        check.verify(
            neos_cut_vjp(
                data.pointer, nData, reader.double(near: 0.5), reader.double(near: 3), Int32(reader.choice(2)),
                cotangent.pointer, cotangent.claimed, gradData?.pointer, gradData?.claimed ?? 0, &gradCut,
                &gradSlope), [gradCut, gradSlope])
    case 5, 6:
        // The elementwise densities (ABI 1.3): every length must be n, and the values are IEEE (NaN allowed).
        var check = CallCheck(function == 5 ? "neos_poisson_logpdf" : "neos_normal_logpdf")
        // The first array's length is the call's n (the caller's choice, or beyond any memory); every other
        // length must equal it.
        let count = reader.freeLength(limit: 8)
        if isHuge(count) { check.mismatches.append("n = \(count)") }
        let needed = isHuge(count) ? 0 : count
        let first = DoubleBuffer(claimed: count, values: (0..<8).map { _ in reader.double(near: 3) })
        let second = inputArray(&reader, typical: [Double](repeating: 4, count: min(needed, 8)), check: &check, "n_2")
        let out = outputArray(&reader, needed: needed, optional: false, check: &check)!
        if function == 5 {
            check.verify(
                neos_poisson_logpdf(
                    first.pointer, first.claimed, second.pointer, second.claimed, out.pointer, out.claimed),
                ieee: true)
        } else {
            let sigmas = inputArray(
                &reader, typical: [Double](repeating: 1.5, count: min(needed, 8)), check: &check, "n_sigmas")
            check.verify(
                neos_normal_logpdf(
                    first.pointer, first.claimed, second.pointer, second.claimed, sigmas.pointer, sigmas.claimed,
                    out.pointer, out.claimed), ieee: true)
        }
    default:
        var check = CallCheck("neos_interpolate")
        let codes: [Int32] = [0, 1, 2, 4, 5, 6, 3, -1]
        let code = codes[reader.choice(codes.count)]
        let counts = (0..<4).map { _ in
            reader.byte() % 10 == 0
                ? FuzzReader.hugeLengths[reader.choice(FuzzReader.hugeLengths.count)] : reader.choice(3)
        }
        let product = { (factors: [Int]) -> Int? in
            var total = 1
            for factor in factors {
                guard factor >= 0 else { return nil }
                let (value, overflow) = total.multipliedReportingOverflow(by: factor)
                if overflow { return nil }
                total = value
            }
            return total
        }
        let histogramsNeeded = product([counts[0], counts[1], 3, counts[2]])
        let alphasNeeded = product([counts[0], counts[3]])
        let outNeeded = product([counts[0], counts[1], counts[3], counts[2]])
        for needed in [histogramsNeeded, alphasNeeded, outNeeded] where needed == nil || isHuge(needed!) {
            check.mismatches.append("counts \(counts)")
        }
        let histograms = inputArray(
            &reader,
            typical: [Double](repeating: 1, count: min(histogramsNeeded ?? 0, 4096)).map {
                reader.byte() % 4 == 0 ? reader.double(near: $0) : $0
            },
            check: &check, "n_histogramssets")
        let alphas = inputArray(
            &reader, typical: [Double](repeating: 0.5, count: min(alphasNeeded ?? 0, 4096)), check: &check,
            "n_alphasets")
        let out = outputArray(&reader, needed: min(outNeeded ?? 0, 4096), optional: false, check: &check)!
        let dalpha = outputArray(&reader, needed: min(outNeeded ?? 0, 4096), optional: true, check: &check)
        check.verify(
            neos_interpolate(
                code, reader.bool() ? 1 : reader.double(near: 1), counts[0], counts[1], counts[2], counts[3],
                histograms.pointer, histograms.claimed, alphas.pointer, alphas.claimed, out.pointer, out.claimed,
                dalpha?.pointer, dalpha?.claimed ?? 0))
    }
}

/// libFuzzer calls this once before the first input: the reference models are built here, outside the timing
/// of any input.
@_cdecl("LLVMFuzzerInitialize")
public func initializeABIFuzzing(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    _ = referenceModels.count
    return 0
}

/// One fuzz input: its first byte picks the entry point (14 on a reference model, 8 without one).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzABI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    var reader = FuzzReader(Array(UnsafeBufferPointer(start: data, count: size)))
    let function = reader.choice(22)
    if function < 14 {
        fuzzModelCall(&reader, function)
    } else {
        fuzzFreeCall(&reader, function - 14)
    }
    return 0
}
