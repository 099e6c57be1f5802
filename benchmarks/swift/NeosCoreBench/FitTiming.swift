// `neos-core-bench fit-timing FILE[+PATCH] [--settings JSON] [--seconds S]`: the native cost of one global fit,
// one fit at μ = 1 and one asymptotic hypotest (q̃ at μ = 1, the band included) of each workspace, in process CPU
// time per call, with no Python or C ABI in between. Those are the floors the Python timings of
// benchmarks/bench_hypotest.py and bench_evermore.py stand on; `perf record` of this mode shows what a fit spends
// its time on (benchmarks/README.md, "Fits of small models").
import Foundation
import NeosCore

/// Process CPU seconds (every thread) since an arbitrary start.
private func processSeconds() -> Double {
    var usage = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &usage)
    return Double(usage.tv_sec) + Double(usage.tv_nsec) / 1e9
}

/// CPU seconds per call of `body`, looped for about `budget` seconds after one untimed call.
private func cpuPerCall(budget: Double, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var calls = 0
    let start = processSeconds()
    var elapsed = 0.0
    repeat {
        try body()
        calls += 1
        elapsed = processSeconds() - start
    } while elapsed < budget
    return elapsed / Double(calls)
}

/// Runs the timings of the workspaces named in `arguments`.
func runFitTiming(_ arguments: [String]) throws {
    var files: [String] = []
    var settings: ModifierSettings? = nil
    var budget = 1.0
    var only: String? = nil
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--settings":
            settings = try ModifierSettings(json: arguments[index + 1])
            index += 2
        case "--only":
            only = arguments[index + 1]
            index += 2
        case "--seconds":
            budget = Double(arguments[index + 1]) ?? budget
            index += 2
        default:
            files.append(arguments[index])
            index += 1
        }
    }
    for argument in files {
        let parts = argument.split(separator: "+").map(String.init)
        let text = try String(contentsOfFile: parts[0], encoding: .utf8)
        let patches = try parts.dropFirst().map { try String(contentsOfFile: $0, encoding: .utf8) }
        let workspace = try Workspace(json: text)
        let model = try workspace.model(modifierSettings: settings, patches: patches)
        let data = try workspace.data(model: model)
        let pars = model.suggestedInit
        if let only {
            // One workload alone, for `perf record`.
            let body: () throws -> Void =
                switch only {
                case "fit": { _ = try MLE.fit(data: data, model: model) }
                case "hypotest": { _ = try Hypotest.run(poi: 1, data: data, model: model) }
                case "gradient": { _ = try model.nllAndGradient(pars, data: data) }
                case "hessian": { _ = try model.nllHessian(pars, data: data) }
                default: { _ = try model.logpdf(pars, data: data) }
                }
            let time = try cpuPerCall(budget: budget, body)
            print("\(argument) \(only): \(formatted(time * 1e6)) µs CPU per call")
            continue
        }
        let logpdf = try cpuPerCall(budget: budget) { _ = try model.logpdf(pars, data: data) }
        let gradient = try cpuPerCall(budget: budget) { _ = try model.nllAndGradient(pars, data: data) }
        let fit = try cpuPerCall(budget: budget) { _ = try MLE.fit(data: data, model: model) }
        let fixed = try cpuPerCall(budget: budget) { _ = try MLE.fixedPOIFit(poi: 1, data: data, model: model) }
        let hypotest = try cpuPerCall(budget: budget) { _ = try Hypotest.run(poi: 1, data: data, model: model) }
        let result = try MLE.fit(data: data, model: model)
        _ = try Hypotest.run(poi: 1, data: data, model: model)
        print(
            """
            \(argument): \(model.parameterCount) parameters, \(model.mainBinCount) bins; CPU per call: \
            logpdf \(formatted(logpdf * 1e6)) µs, NLL + gradient \(formatted(gradient * 1e6)) µs, \
            fit \(formatted(fit * 1e6)) µs (\(result.iterations) iterations), μ = 1 fit \(formatted(fixed * 1e6)) µs, \
            hypotest \(formatted(hypotest * 1e6)) µs
            """)
    }
}
