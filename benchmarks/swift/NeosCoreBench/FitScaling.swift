// `neos-core-bench fit-scaling`: the cost of a fit against the number of bins, at a fixed number of global
// parameters (see benchmarks/README.md, "Fit cost against bins").
//
// Workload, per size n: one channel of n bins with a signal sample (normfactor "mu", the POI) on a background
// sample that carries, according to the variant,
//   none      nothing else (one parameter);
//   histosys  one histosys "shape" (two parameters whatever n);
//   shapesys  a shapesys "uncorr" (one γ per bin: n + 1 parameters, n of them bin-local).
// Yields and observations are smooth deterministic functions of the bin index (no random numbers), the observations
// a fluctuation of signal + background, so the fit has a non-trivial minimum. Each phase is timed in process CPU
// time (the machine is shared; wall-clock time would count the other processes): building the model from the
// JSON text, one NLL, one gradient, one Hessian, and one fit (MLE.fit from the suggested initial parameters).
//
//     swift run -c release neos-core-bench fit-scaling [--variants none,histosys,shapesys] [--sizes 1000,4000,...]
//
// `--write-workspaces DIR` writes the workspaces instead of timing them (for `fit-workspaces`).
import Foundation
import NeosCore

/// Process CPU seconds `body` takes (every thread of this process, not the other processes of the machine).
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    let start = now()
    try body()
    return now() - start
}

/// The CPU's model name from /proc/cpuinfo ("unknown" elsewhere).
func cpuModelName() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        if let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return "unknown"
}

/// The workspace JSON text of one size and variant (see the header of this file).
func scalingWorkspace(bins n: Int, variant: String) -> String {
    func list(_ values: [Double]) -> String { "[" + values.map { String($0) }.joined(separator: ",") + "]" }
    let x = (0..<n).map { (Double($0) + 0.5) / Double(n) }
    let signal = x.map { 5 * exp(-0.5 * pow(($0 - 0.6) / 0.1, 2)) + 0.5 }
    let background = x.map { 50 + 30 * cos(3 * $0) }
    // A deterministic fluctuation of about one standard deviation, alternating in sign with a slow modulation.
    let observed = (0..<n).map { b -> Double in
        let expected = 1.2 * signal[b] + background[b]
        return (expected + expected.squareRoot() * sin(Double(b) * 2.399963)).rounded()
    }
    var backgroundModifiers = ""
    switch variant {
    case "histosys":
        let up = background.enumerated().map { $1 * (1 + 0.05 * sin(7 * x[$0])) }
        let down = background.enumerated().map { $1 * (1 - 0.04 * sin(7 * x[$0])) }
        backgroundModifiers =
            #"{"name": "shape", "type": "histosys", "data": {"hi_data": \#(list(up)), "lo_data": \#(list(down))}}"#
    case "shapesys":
        let uncertainty = background.enumerated().map { 0.05 * $1 * (1 + 0.5 * x[$0]) }
        backgroundModifiers = #"{"name": "uncorr", "type": "shapesys", "data": \#(list(uncertainty))}"#
    default: break
    }
    return #"""
        {"channels": [{"name": "sr", "samples": [
          {"name": "signal", "data": \#(list(signal)),
           "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
          {"name": "background", "data": \#(list(background)), "modifiers": [\#(backgroundModifiers)]}]}],
         "observations": [{"name": "sr", "data": \#(list(observed))}],
         "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
         "version": "1.0.0"}
        """#
}

/// Runs the fit-scaling benchmark with the command-line options after "fit-scaling".
func runFitScaling(_ arguments: [String]) throws {
    var variants = ["none", "histosys", "shapesys"]
    var sizes = [1000, 4000, 16000, 64000, 256000]
    var directory: String? = nil
    var index = 0
    while index < arguments.count {
        let option = arguments[index]
        guard index + 1 < arguments.count else { throw NeosError.invalidArgument("\(option) needs a value") }
        let value = arguments[index + 1]
        switch option {
        case "--variants": variants = value.split(separator: ",").map(String.init)
        case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
        case "--write-workspaces": directory = value
        default: throw NeosError.invalidArgument("unknown option \(option)")
        }
        index += 2
    }
    if let directory {
        // Only the workspaces, for `fit-workspaces` to fit with two builds and compare.
        for variant in variants {
            for n in sizes {
                let path = "\(directory)/scaling_\(variant)_\(n).json"
                try scalingWorkspace(bins: n, variant: variant).write(toFile: path, atomically: true, encoding: .utf8)
                print(path)
            }
        }
        return
    }
    print("CPU: \(cpuModelName()); process CPU seconds per phase (one call each)")
    print("variant   bins    pars  build_s    nll_s   grad_s   hess_s    fit_s  fit_us/bin  iters  twiceNLL")
    for variant in variants {
        for n in sizes {
            let text = scalingWorkspace(bins: n, variant: variant)
            var workspace: Workspace!
            var model: Model!
            let buildTime = try cpuSeconds {
                workspace = try Workspace(json: text)
                model = try workspace.model()
            }
            let data = try workspace.data(model: model)
            let pars = model.suggestedInit
            let nllTime = try cpuSeconds { _ = try model.logpdf(pars, data: data) }
            let gradientTime = try cpuSeconds { _ = try model.nllGradient(pars, data: data) }
            let hessianTime =
                model.parameterCount <= 4096 ? try cpuSeconds { _ = try model.nllHessian(pars, data: data) } : .nan
            var fit: FitResult!
            let fitTime = try cpuSeconds { fit = try MLE.fit(data: data, model: model) }
            print(
                String(
                    format: "%@ %6d %7d %8.3f %8.4f %8.4f %8.4f %8.3f %11.3f %6d  %.10f",
                    variant.padding(toLength: 8, withPad: " ", startingAt: 0) as NSString, n,
                    model.parameterCount, buildTime, nllTime, gradientTime, hessianTime, fitTime,
                    fitTime / Double(n) * 1e6, fit.iterations, fit.twiceNLL))
        }
    }
}
