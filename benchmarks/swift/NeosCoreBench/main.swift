// neos-core-bench: timings of the HistFactory model's hot paths on a real analysis (no assertions; not a test).
//
//     swift run -c release neos-core-bench
//
// Workload: the sbottom RegionA background-only workspace (ATLAS, INSPIRE 1748602) with the signal patch
// sbottom_1300_205_60, read from Tests/Data/pyhf: parsing, building the model with the patch, then per call
// logpdf, NLL + gradient, the NLL Hessian, ∂²NLL/∂θ∂ψ and `withInputs`, at the suggested initial parameters on the
// workspace's observed data. Each line prints the mean time per call over the stated number of repetitions.
import Foundation
import NeosCore

/// `Tests/Data/pyhf` of this repository (this file is `benchmarks/swift/NeosCoreBench/main.swift`).
let referenceData = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/Data/pyhf")

/// A file of `Tests/Data/pyhf` as text.
func referenceText(_ relativePath: String) throws -> String {
    try String(contentsOf: referenceData.appendingPathComponent(relativePath), encoding: .utf8)
}

/// Wall-clock seconds `body` takes.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// `value` with one decimal.
func formatted(_ value: Double) -> String { String(format: "%.1f", value) }

if CommandLine.arguments.dropFirst().first == "fit-scaling" {
    try runFitScaling(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "fit-timing" {
    try runFitTiming(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "fit-workspaces" {
    runFitWorkspaces(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let text = try referenceText("sbottom_ins1748602/RegionA/BkgOnly.json")
let patch = try referenceText("sbottom_ins1748602/RegionA/patch.sbottom_1300_205_60.json")
var workspace: Workspace!
let parseTime = try seconds { workspace = try Workspace(json: text) }
var model: Model!
let buildTime = try seconds { model = try workspace.model(patches: [patch]) }
let data = try workspace.data(model: model)
let pars = model.suggestedInit
let repeats = 200
let logpdfTime = try seconds { for _ in 0..<repeats { _ = try model.logpdf(pars, data: data) } } / Double(repeats)
let gradientTime =
    try seconds { for _ in 0..<repeats { _ = try model.nllAndGradient(pars, data: data) } } / Double(repeats)
let hessianTime = try seconds { for _ in 0..<20 { _ = try model.nllHessian(pars, data: data) } } / 20
let mixedTime = try seconds { _ = try model.nllGradientJacobianInputs(pars, data: data) }
let withInputsTime = try seconds { for _ in 0..<20 { _ = try model.withInputs(model.inputs().values) } } / 20
print(
    """
    sbottom RegionA + 1300_205_60: \(model.parameterCount) parameters, \(model.mainBinCount) bins, \
    \(model.auxdataCount) aux, \(model.inputCount) inputs
      parse workspace \(formatted(parseTime * 1e3)) ms, build model with patch \(formatted(buildTime * 1e3)) ms
      logpdf \(formatted(logpdfTime * 1e6)) µs (mean of \(repeats)), NLL+gradient \(formatted(gradientTime * 1e6)) µs \
    (mean of \(repeats)), Hessian \(formatted(hessianTime * 1e6)) µs (mean of 20), \
    ∂²NLL/∂θ∂ψ \(formatted(mixedTime * 1e3)) ms (one call), withInputs \(formatted(withInputsTime * 1e6)) µs (mean of 20)
    """)
