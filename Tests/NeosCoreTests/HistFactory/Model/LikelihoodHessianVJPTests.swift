import Foundation
import XCTest

@testable import NeosCore

/// The exact VJP of the NLL Hessian against finite differences of the exact Hessian contracted with a
/// cotangent: every modifier type with every interpolation code (`LikelihoodTests.fullSpec`), the reference
/// workspaces, and one-sided differences at the kinks.
///
/// Tolerances: away from kinks the reference is the five-point central difference of `FiniteDifferences`
/// (step 1e-3·max(1, |x|)); its truncation error is O(h⁴) times a fifth derivative of order one and its rounding
/// about 1e-16·|G|/h, both below 1e-8 relative here, so rtol 1e-6 (relative to the largest entry below 1e-3 of it,
/// `assertClose`'s floor) leaves margin and still catches any missing term (those are O(1) relative). At a kink
/// the reference is the second-order one-sided difference (3G(x) − 4G(x∓h) + G(x∓2h))/(2h) at h = 1e-5, whose
/// truncation error O(h²) ≈ 1e-10 and rounding ≈ 1e-11/1e-5 = 1e-6 relative set rtol 1e-4.
final class LikelihoodHessianVJPTests: XCTestCase {
    /// A dense, non-symmetric cotangent (the VJP must use only its symmetric part, as H is symmetric).
    static func cotangent(_ n: Int) -> [Double] {
        (0..<(n * n)).map { 0.4 * sin(Double($0) * 0.77 + 0.3) + (($0 % (n + 1)) == 0 ? 0.5 : 0) }
    }

    static func contraction(_ model: Model, _ pars: [Double], _ data: [Double], _ c: [Double]) throws -> Double {
        zip(try model.nllHessian(pars, data: data), c).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func checkVJP(_ model: Model, _ pars: [Double], _ data: [Double], _ label: String) throws {
        let c = Self.cotangent(pars.count)
        let vjp = try model.nllHessianVJP(pars, data: data, cotangent: c)
        let inputs = model.inputs().values
        FiniteDifferences.assertClose(
            vjp.pars, try FiniteDifferences.gradient(pars) { try Self.contraction(model, $0, data, c) },
            "\(label) ∂/∂θ")
        FiniteDifferences.assertClose(
            vjp.data, try FiniteDifferences.gradient(data) { try Self.contraction(model, pars, $0, c) },
            "\(label) ∂/∂n")
        FiniteDifferences.assertClose(
            vjp.inputs,
            try FiniteDifferences.gradient(inputs) { try Self.contraction(model.withInputs($0), pars, data, c) },
            "\(label) ∂/∂ψ")
        let transposed = (0..<c.count).map { c[($0 % pars.count) * pars.count + $0 / pars.count] }
        let other = try model.nllHessianVJP(pars, data: data, cotangent: transposed)
        FiniteDifferences.assertClose(other.pars, vjp.pars, rtol: 1e-12, "\(label) Cᵀ gives the same θ part")
        XCTAssertTrue(try model.nllHessianVJP(pars, data: data, cotangent: c, inputs: false).inputs.isEmpty)
    }

    func testEveryModifierAndInterpolationCodeAgainstFiniteDifferences() throws {
        for settings in LikelihoodTests.allSettings {
            let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu", modifierSettings: settings)
            for (k, point) in LikelihoodTests.points.enumerated() {
                let pars = LikelihoodTests.pars(model, point, seed: k)
                let other = LikelihoodTests.points[(k + 1) % LikelihoodTests.points.count]
                let data = try LikelihoodTests.data(model, LikelihoodTests.pars(model, other, seed: k + 5))
                try checkVJP(model, pars, data, "\(settings.normsys!)/\(settings.histosys!) point \(k)")
            }
        }
    }

    /// On Asimov data every Poisson weight 1 − n/λ vanishes: the third-derivative term drops out and the
    /// remaining terms must still match.
    func testAsimovData() throws {
        let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu")
        let pars = LikelihoodTests.pars(model, LikelihoodTests.points[0], seed: 0)
        try checkVJP(model, pars, try model.expectedData(pars), "asimov")
    }

    func testReferenceWorkspaces() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data/pyhf/workspaces")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .sorted()
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let model = try Workspace(json: text).model()
            var pars = model.suggestedInit
            for i in pars.indices { pars[i] += 0.2 * sin(Double(i) * 1.9 + 0.5) + 0.05 }
            let data = try LikelihoodTests.data(model, model.suggestedInit)
            try checkVJP(model, pars, data, file)
        }
    }

    /// One-sided second-order difference of the contraction along parameter `index`, from the side `direction`
    /// (+1 above, −1 below).
    static func oneSided(
        _ model: Model, _ pars: [Double], _ data: [Double], _ c: [Double], index: Int, direction: Double
    ) throws -> Double {
        let h = -1e-5 * direction  // the points x − h, x − 2h lie on the side `direction`
        var shifted = pars
        let g0 = try contraction(model, pars, data, c)
        shifted[index] = pars[index] - h
        let g1 = try contraction(model, shifted, data, c)
        shifted[index] = pars[index] - 2 * h
        let g2 = try contraction(model, shifted, data, c)
        return (3 * g0 - 4 * g1 + g2) / (2 * h)
    }

    /// At a kink the VJP is the derivative of the branch the value takes: code0 and code1 at α = 0 take the down
    /// branch (α ≤ 0, so the difference from below), code2 and code4p at |α| = 1 the inner polynomial (from
    /// inside), code4 at α = ±1 the exponential branch (from outside).
    func testKinksGiveTheOneSidedDerivativeOfTheBranchTaken() throws {
        let cases: [(ModifierSettings, String, Double, Double)] = [
            (ModifierSettings(normsys: .code1, histosys: .code4p), "sig_norm", 0, -1),
            (ModifierSettings(normsys: .code4, histosys: .code0), "bkg_shape", 0, -1),
            (ModifierSettings(normsys: .code4, histosys: .code2), "bkg_shape", 1, -1),
            (ModifierSettings(normsys: .code4, histosys: .code4p), "bkg_shape", -1, 1),
            (ModifierSettings(normsys: .code4, histosys: .code4p), "sig_norm", 1, 1),
            (ModifierSettings(normsys: .code4, histosys: .code4p), "sig_norm", -1, -1),
        ]
        for (settings, name, at, side) in cases {
            let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu", modifierSettings: settings)
            var pars = LikelihoodTests.pars(model, LikelihoodTests.points[0], seed: 0)
            let index = try XCTUnwrap(model.parameterNames.firstIndex(of: name))
            pars[index] = at
            let data = try LikelihoodTests.data(model, LikelihoodTests.pars(model, LikelihoodTests.points[1], seed: 3))
            let c = Self.cotangent(pars.count)
            let exact = try model.nllHessianVJP(pars, data: data, cotangent: c).pars[index]
            let numeric = try Self.oneSided(model, pars, data, c, index: index, direction: side)
            XCTAssertEqual(exact, numeric, accuracy: 1e-4 * max(1, abs(numeric)), "\(name) = \(at) \(settings)")
        }
    }

    /// The O(S²) contraction through logarithmic derivatives against the term-by-term sum of third derivatives it
    /// replaces, entry by entry (both exact: they differ by rounding, ~1e-15 relative; rtol 1e-10), with every
    /// factor nonzero and with μ = 0 (a zero linear factor: the average over μ = ±1).
    func testFastContractionIsTheTermByTermSum() throws {
        for settings in LikelihoodTests.allSettings {
            try checkContraction(settings, point: 2)
            try checkContraction(settings, point: 1)
        }
    }

    func checkContraction(_ settings: ModifierSettings, point: Int) throws {
        let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu", modifierSettings: settings)
        let s = model.structure
        let pars = LikelihoodTests.pars(model, LikelihoodTests.points[point], seed: 1)
        XCTAssertEqual(pars[model.parameterNames.firstIndex(of: "mu")!] == 0, point == 1)
        var table = EntryThirdDerivatives(s)
        let size = (s.maxFactors + s.maxAdds) * (s.maxFactors + s.maxAdds)
        let c = UnsafeMutablePointer<Double>.allocate(capacity: size)
        let slots = UnsafeMutablePointer<Double>.allocate(capacity: size)
        let inputs = UnsafeMutablePointer<Double>.allocate(capacity: 1 + 2 * (s.maxFactors + s.maxAdds))
        defer {
            c.deallocate()
            slots.deallocate()
            inputs.deallocate()
        }
        var compared = 0
        try pars.withUnsafeBufferPointer { pars in
            try model.numbers.inputs.withUnsafeBufferPointer { values in
                for e in 0..<s.entryCount {
                    table.load(e, pars, values)
                    let S = table.slotCount
                    for i in 0..<S {
                        for j in 0...i {
                            let v = 0.3 + sin(Double(7 * i + 3 * j + e))
                            c[i * S + j] = v
                            c[j * S + i] = v
                        }
                    }
                    let t = table.contractThird(c, slotsOut: slots, inputsOut: inputs, withInputs: true)
                    var expectedT = 0.0
                    for i in 0..<S {
                        for j in 0..<S { expectedT += c[i * S + j] * table.derivative(i, j, -1, input: -1) }
                    }
                    XCTAssertEqual(t, expectedT, accuracy: 1e-10 * max(1, abs(expectedT)))
                    for k in 0..<S {
                        var expected = 0.0
                        for i in 0..<S {
                            for j in 0..<S { expected += c[i * S + j] * table.derivative(i, j, k, input: -1) }
                        }
                        XCTAssertEqual(slots[k], expected, accuracy: 1e-10 * max(1, abs(expected)), "slot \(k)")
                        compared += 1
                    }
                    for k in 0..<table.inputCount where table.inputIndex[k] >= 0 {
                        var expected = 0.0
                        for i in 0..<S {
                            for j in 0..<S { expected += c[i * S + j] * table.derivative(i, j, -1, input: k) }
                        }
                        XCTAssertEqual(inputs[k], expected, accuracy: 1e-10 * max(1, abs(expected)), "input \(k)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 20)
    }

    /// A bin whose rate is zero for every parameter value (every sample empty there) with no events: the Hessian
    /// does not depend on it, so its data gradient is 0, and the rest is finite and matches finite differences.
    func testAnEmptyBinContributesNothing() throws {
        let spec = """
            {"channels": [{"name": "c", "samples": [
              {"name": "s", "data": [5.0, 0.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
              {"name": "b", "data": [10.0, 0.0], "modifiers": [
                {"name": "n", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                {"name": "h", "type": "histosys", "data": {"hi_data": [11.0, 0.0], "lo_data": [9.5, 0.0]}}]}]}]}
            """
        let model = try Model(spec: spec, poiName: "mu")
        var pars = model.suggestedInit
        for i in pars.indices { pars[i] += 0.3 + 0.1 * Double(i) }
        let data = [12.0, 0.0] + model.auxdata
        let c = Self.cotangent(pars.count)
        let vjp = try model.nllHessianVJP(pars, data: data, cotangent: c)
        XCTAssertTrue((vjp.pars + vjp.data + vjp.inputs).allSatisfy(\.isFinite))
        XCTAssertEqual(vjp.data[1], 0)
        FiniteDifferences.assertClose(
            vjp.pars, try FiniteDifferences.gradient(pars) { try Self.contraction(model, $0, data, c) }, "∂/∂θ")
    }

    /// Entries with one to four zero normfactors: up to three take the average over ±1, four the term-by-term sum;
    /// all against finite differences (tolerances as above).
    func testZeroFactorsAgainstFiniteDifferences() throws {
        let spec = """
            {"channels": [{"name": "c", "samples": [
              {"name": "s", "data": [5.0, 7.0], "modifiers": [
                {"name": "a", "type": "normfactor", "data": null}, {"name": "b", "type": "normfactor", "data": null},
                {"name": "c", "type": "normfactor", "data": null}, {"name": "d", "type": "normfactor", "data": null},
                {"name": "n", "type": "normsys", "data": {"hi": 1.2, "lo": 0.85}},
                {"name": "h", "type": "histosys", "data": {"hi_data": [6.0, 7.5], "lo_data": [4.5, 6.2]}}]},
              {"name": "b", "data": [10.0, 9.0], "modifiers": [
                {"name": "n", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]}]}
            """
        let model = try Model(spec: spec, poiName: "a")
        for zeros in 1...4 {
            var pars = model.suggestedInit
            for (i, name) in model.parameterNames.enumerated() {
                switch name {
                case "a", "b", "c", "d": pars[i] = ["a", "b", "c", "d"].firstIndex(of: name)! < zeros ? 0 : 1.3
                case "n": pars[i] = 0.4
                default: pars[i] = -0.3
                }
            }
            try checkVJP(model, pars, [13.0, 8.0] + model.auxdata, "\(zeros) zero factors")
        }
    }

    func testInvalidCotangentIsRejected() throws {
        let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu")
        let pars = model.suggestedInit
        let data = try model.expectedData(pars)
        let n = pars.count
        XCTAssertThrowsError(try model.nllHessianVJP(pars, data: data, cotangent: [Double](repeating: 0, count: n)))
        var c = [Double](repeating: 0, count: n * n)
        c[1] = .nan
        XCTAssertThrowsError(try model.nllHessianVJP(pars, data: data, cotangent: c))
        XCTAssertThrowsError(try model.nllHessianVJP(Array(pars.dropLast()), data: data, cotangent: c))
    }
}
