import Foundation
import XCTest

@testable import NeosCore

/// Timing report (no assertions): sbottom RegionA + patch, build and evaluation.
final class PerformanceTests: XCTestCase {
    func testSbottomRegionATimings() throws {
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let text = try PyhfReferenceTests.refText("sbottom_ins1748602/RegionA/BkgOnly.json")
        let patch = try PyhfReferenceTests.refText("sbottom_ins1748602/RegionA/patch.sbottom_1300_205_60.json")
        var workspace: Workspace!
        let parseTime = try seconds { workspace = try Workspace(json: text) }
        var model: Model!
        let buildTime = try seconds { model = try workspace.model(patches: [patch]) }
        let data = try workspace.data(model: model)
        let pars = model.suggestedInit
        let repeats = 200
        let logpdfTime =
            try seconds { for _ in 0..<repeats { _ = try model.logpdf(pars, data: data) } } / Double(repeats)
        let gradientTime =
            try seconds { for _ in 0..<repeats { _ = try model.nllAndGradient(pars, data: data) } } / Double(repeats)
        let hessianTime = try seconds { for _ in 0..<20 { _ = try model.nllHessian(pars, data: data) } } / 20
        let mixedTime = try seconds { _ = try model.nllGradientJacobianInputs(pars, data: data) }
        let withInputsTime = try seconds { for _ in 0..<20 { _ = try model.withInputs(model.inputs().values) } } / 20
        print(
            """
            sbottom RegionA + 1300_205_60: \(model.parameterCount) parameters, \(model.mainBinCount) bins, \(model.auxdataCount) aux, \
            \(model.inputCount) inputs
              parse workspace \(String(format: "%.1f", parseTime * 1e3)) ms, build model with patch \(String(format: "%.1f", buildTime * 1e3)) ms
              logpdf \(String(format: "%.1f", logpdfTime * 1e6)) µs, NLL+gradient \(String(format: "%.1f", gradientTime * 1e6)) µs, \
            Hessian \(String(format: "%.1f", hessianTime * 1e6)) µs, ∂²NLL/∂θ∂ψ \(String(format: "%.1f", mixedTime * 1e3)) ms, \
            withInputs \(String(format: "%.1f", withInputsTime * 1e6)) µs
            """)
    }
}
