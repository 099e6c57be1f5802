import Foundation
import XCTest

@testable import NeosCore

/// Fits with the block-arrow Hessian (FitHessian.swift) against the same fits with the dense one: a model with
/// every kind of bin-local parameter (shapesys, staterror, shapefactor, two per bin) next to global ones, the
/// reference workspaces of Tests/Data, and the structure's size, which must grow linearly with the bins.
final class ArrowHessianFitTests: XCTestCase {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/pyhf")

    /// Two channels: "sr" of `bins` bins (signal with μ and a normsys, background with a histosys, a shapesys and
    /// staterror: two γ per bin) and "cr" of 3 bins (background with staterror and a shapefactor), yields and
    /// observations smooth in the bin index.
    static func mixedWorkspace(bins: Int) -> String {
        func list(_ values: [Double]) -> String { "[" + values.map { String($0) }.joined(separator: ",") + "]" }
        let x = (0..<bins).map { (Double($0) + 0.5) / Double(bins) }
        let signal = x.map { 4 * exp(-0.5 * pow(($0 - 0.5) / 0.2, 2)) + 0.3 }
        let background = x.map { 20 + 10 * cos(2 * $0) }
        let observed = (0..<bins).map { b -> Double in
            let expected: Double = 1.3 * signal[b] + background[b]
            let fluctuation: Double = 3 * sin(Double(b) * 2.4)
            return (expected + fluctuation).rounded()
        }
        return #"""
            {"channels": [
              {"name": "sr", "samples": [
                {"name": "signal", "data": \#(list(signal)), "modifiers": [
                  {"name": "mu", "type": "normfactor", "data": null},
                  {"name": "norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.92}}]},
                {"name": "background", "data": \#(list(background)), "modifiers": [
                  {"name": "shape", "type": "histosys", "data": {"hi_data": \#(list(background.map { $0 * 1.04 })),
                   "lo_data": \#(list(background.map { $0 * 0.97 }))}},
                  {"name": "uncorr", "type": "shapesys", "data": \#(list(background.map { 0.08 * $0 }))},
                  {"name": "staterror_sr", "type": "staterror", "data": \#(list(background.map { 0.05 * $0 }))}]}]},
              {"name": "cr", "samples": [
                {"name": "background", "data": [50, 60, 70], "modifiers": [
                  {"name": "norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
                  {"name": "staterror_cr", "type": "staterror", "data": [3, 4, 5]},
                  {"name": "free", "type": "shapefactor", "data": null}]}]}],
             "observations": [{"name": "sr", "data": \#(list(observed))}, {"name": "cr", "data": [55, 58, 75]}],
             "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
             "version": "1.0.0"}
            """#
    }

    func testArrowHessianEqualsTheDenseHessian() throws {
        let workspace = try Workspace(json: Self.mixedWorkspace(bins: 12))
        // Unclipped, and with bin clips that hold some bins at their bound (pyhf's clip_bin_data): the arrow form
        // must drop the clipped bins' terms exactly as the dense one does.
        for clipping in [ModelClipping.none, ModelClipping(sampleData: 0, binData: 28)] {
            try assertArrowHessianEqualsDense(workspace: workspace, model: workspace.model().withClipping(clipping))
        }
    }

    private func assertArrowHessianEqualsDense(workspace: Workspace, model: Model) throws {
        let data = try workspace.data(model: model)
        let layout = try XCTUnwrap(model.arrowHessianLayout(minimumLocals: 0))
        // mu, norm and shape touch several bins; every γ and shapefactor one bin.
        XCTAssertEqual(layout.template.globals.count, 3)
        XCTAssertEqual(layout.template.locals.count, model.parameterCount - 3)
        var pars = model.suggestedInit
        for i in pars.indices { pars[i] += 0.01 * Double(i % 5) }
        let dense = try model.nllHessian(pars, data: data)
        let arrow = try model.nllHessianArrow(pars, data: data, layout: layout).dense
        let largest = dense.map(abs).max() ?? 1
        // The same terms summed in the same order, except the symmetric products c·a·b / c·b·a: rounding only.
        for (index, (got, want)) in zip(arrow, dense).enumerated() {
            XCTAssertEqual(got, want, accuracy: 1e-14 * largest, "entry \(index / pars.count), \(index % pars.count)")
        }
    }

    /// A fit with each Hessian form from the same start: the same minimum, to rounding.
    func assertSameFits(_ model: Model, _ data: [Double], label: String) throws {
        guard let layout = model.arrowHessianLayout(minimumLocals: 0) else { return XCTFail("\(label): no layout") }
        var configurations = [FitConfiguration()]
        if let poi = model.poiIndex {
            var fixed = model.suggestedFixed
            fixed[poi] = true
            configurations.append(FitConfiguration(fixed: fixed))
        }
        for configuration in configurations {
            let dense = try MLE.minimize(data: data, model: model, configuration: configuration, arrowLayout: nil)
            let arrow = try MLE.minimize(data: data, model: model, configuration: configuration, arrowLayout: layout)
            XCTAssertEqual(arrow.converged, dense.converged, label)
            // Both descents take the same steps up to the rounding of the factorisations and end with a polishing
            // Newton step, so they stop at the same point to rounding (measured: ≤ 1e-15 relative on the twice
            // NLL, ≤ 8e-16 absolute on the parameters); the bounds leave a factor of 100 or more.
            XCTAssertEqual(arrow.twiceNLL, dense.twiceNLL, accuracy: 1e-13 * max(1, abs(dense.twiceNLL)), label)
            for (i, (a, d)) in zip(arrow.parameters, dense.parameters).enumerated() {
                XCTAssertEqual(a, d, accuracy: 1e-12 * max(1, abs(d)), "\(label): parameter \(i)")
            }
            XCTAssertEqual(arrow.iterations, dense.iterations, label)
            XCTAssertEqual(arrow.held, dense.held, label)
            let information = arrow.fisherInformation
            for (got, want) in zip(information, dense.fisherInformation) {
                XCTAssertEqual(got, want, accuracy: 1e-10 * max(1, abs(want)), label)
            }
        }
    }

    func testFitsAgreeOnAMixedModel() throws {
        let workspace = try Workspace(json: Self.mixedWorkspace(bins: 30))
        let model = try workspace.model()
        try assertSameFits(model, try workspace.data(model: model), label: "mixed model")
    }

    func testFitsAgreeOnTheReferenceWorkspaces() throws {
        var names = try FileManager.default.contentsOfDirectory(
            atPath: Self.data.appendingPathComponent("workspaces").path
        ).filter { $0.hasSuffix(".json") }.map { "workspaces/" + $0 }
        names += ["xml_converted/xmlimport_input3_ShapeSys.json", "xml_converted/multichannel_histfactory.json"]
        var fitted = 0
        for name in names.sorted() {
            let workspace = try Workspace(
                json: String(contentsOf: Self.data.appendingPathComponent(name), encoding: .utf8))
            let model = try workspace.model()
            try assertSameFits(model, try workspace.data(model: model), label: name)
            fitted += 1
        }
        let region = "sbottom_ins1748602/RegionA/"
        let workspace = try Workspace(
            json: String(contentsOf: Self.data.appendingPathComponent(region + "BkgOnly.json"), encoding: .utf8))
        let patch = try String(
            contentsOf: Self.data.appendingPathComponent(region + "patch.sbottom_1300_205_60.json"), encoding: .utf8)
        let model = try workspace.model(patches: [patch])
        try assertSameFits(model, try workspace.data(model: model), label: "sbottom RegionA")
        XCTAssertGreaterThanOrEqual(fitted, 10)
    }

    /// The work a fit's linear algebra does is proportional to the stored entries of its Hessian: with a shapesys
    /// γ per bin they must grow linearly with the bins (a dense Hessian has (n + 1)² entries), and the fits choose
    /// the arrow form exactly from `arrowHessianMinimumLocals` bin-local parameters on.
    func testStructureIsLinearInBins() throws {
        func storage(bins: Int) throws -> Int {
            let model = try Workspace(json: Self.mixedWorkspace(bins: bins)).model()
            let matrix = try XCTUnwrap(model.arrowHessianLayout()).template
            return matrix.global.count + matrix.blocks.count + matrix.coupling.count
        }
        let sizes = try [200, 400, 800].map { try storage(bins: $0) }
        XCTAssertEqual(sizes[1] - sizes[0], (sizes[2] - sizes[1]) / 2, "entries per bin are constant")
        // Per sr bin: a 2×2 block (shapesys and staterror γ) coupled to 3 globals.
        XCTAssertEqual(sizes[1] - sizes[0], 200 * (4 + 2 * 3))
        let threshold = ModelStructure.arrowHessianMinimumLocals
        // The mixed model has two locals per sr bin and six in cr.
        let below = try Workspace(json: Self.mixedWorkspace(bins: (threshold - 6) / 2 - 1)).model()
        let at = try Workspace(json: Self.mixedWorkspace(bins: (threshold - 6) / 2)).model()
        XCTAssertNil(below.arrowHessianLayout())
        XCTAssertNotNil(at.arrowHessianLayout())
    }
}
