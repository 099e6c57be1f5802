import XCTest

@testable import NeosCore

/// pyhf's clip_sample_data / clip_bin_data: the clipped rates against pyhf 0.7.6's numbers, and every derivative of
/// a clipped model against central finite differences (away from the clip's kink) or one-sided ones (at it).
final class ModelClippingTests: XCTestCase {
    /// Channel "a": signal (μ) and a background whose histosys drives a bin below 0 at α = −2; channel "b" lacks
    /// the signal (pyhf's zero sample there), its background carries a normsys and a staterror.
    static let spec = """
        {"channels": [
          {"name": "a", "samples": [
            {"name": "s", "data": [5.0, 0.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
            {"name": "b", "data": [1.0, 2.0], "modifiers": [
              {"name": "h", "type": "histosys", "data": {"hi_data": [3.0, 4.0], "lo_data": [-2.0, 1.0]}}]}]},
          {"name": "c", "samples": [
            {"name": "b", "data": [3.0, 6.0], "modifiers": [
              {"name": "n", "type": "normsys", "data": {"hi": 1.2, "lo": 0.7}},
              {"name": "st", "type": "staterror", "data": [0.5, 0.8]}]}]}]}
        """

    static func model(_ clipping: ModelClipping = .none) throws -> Model {
        try Model(spec: spec, poiName: "mu").withClipping(clipping)
    }

    /// Parameters by name (the others at their suggested values).
    static func pars(_ model: Model, _ values: [String: Double]) -> [Double] {
        var pars = model.suggestedInit
        for (i, name) in model.parameterNames.enumerated() { if let v = values[name] { pars[i] = v } }
        return pars
    }

    /// Central differences of `f` with respect to `x`, step h.
    static func centralDifferences(_ x: [Double], h: Double, _ f: ([Double]) throws -> [Double]) rethrows -> [[Double]]
    {
        try x.indices.map { i in
            var up = x
            var down = x
            up[i] += h
            down[i] -= h
            return zip(try f(up), try f(down)).map { ($0 - $1) / (2 * h) }
        }
    }

    func testRatesAreThoseOfPyhf() throws {
        // pyhf 0.7.6: pyhf.Model(spec, clip_sample_data=0.5 / clip_bin_data=0.5).expected_actualdata at h = −2
        // (st, n at their nominal values): [0, 0, 3, 6], [5.5, 1, 3.5, 6.5] and [0.5, 0.5, 3, 6].
        for (clipping, expected) in [
            (ModelClipping.none, [0.0, 0.0, 3.0, 6.0]),
            (ModelClipping(sampleData: 0.5), [5.5, 1.0, 3.5, 6.5]),
            (ModelClipping(binData: 0.5), [0.5, 0.5, 3.0, 6.0]),
            (ModelClipping(sampleData: 0, binData: 0.25), [5.0, 0.25, 3.0, 6.0]),
        ] {
            let model = try Self.model(clipping)
            let rates = try model.expectedActualData(Self.pars(model, ["h": -2]))
            for (got, want) in zip(rates, expected) { XCTAssertEqual(got, want, accuracy: 1e-12, "\(clipping)") }
            XCTAssertEqual(model.clipping, clipping)
        }
    }

    func testPyhfClippingTestCase() throws {
        // pyhf's test_pdf_clipping: expected rates [183.0496, −0.00704, −635.5968] unclipped, [183.0496, 0, 0]
        // clipped either way (pyhf 0.7.6, tolerance 1e-3 as there).
        let spec = """
            {"channels": [
              {"name": "ch1", "samples": [{"name": "signal", "data": [100.0, 100.0], "modifiers": [
                {"name": "mu_sig", "type": "normfactor", "data": null},
                {"name": "np_1", "type": "histosys", "data": {"hi_data": [125.0, 75.0], "lo_data": [175.0, 10.0]}},
                {"name": "np_2", "type": "histosys", "data": {"hi_data": [125.0, 75.0], "lo_data": [175.0, 10.0]}}]}]},
              {"name": "ch2", "samples": [{"name": "signal", "data": [15000.0], "modifiers": [
                {"name": "mu_sig", "type": "normfactor", "data": null},
                {"name": "np_1", "type": "histosys", "data": {"hi_data": [15500.0], "lo_data": [1200.0]}},
                {"name": "np_2", "type": "histosys", "data": {"hi_data": [15500.0], "lo_data": [1200.0]}}]}]}]}
            """
        let base = try Model(spec: spec, poiName: "mu_sig")
        let pars = Self.pars(base, ["np_1": -0.6, "np_2": -0.6])
        let unclipped = try base.expectedActualData(pars)
        for (got, want) in zip(unclipped, [183.0496, -7.04e-3, -635.5968]) { XCTAssertEqual(got, want, accuracy: 1e-3) }
        for clipping in [ModelClipping(sampleData: 0), ModelClipping(binData: 0)] {
            let rates = try base.withClipping(clipping).expectedActualData(pars)
            for (got, want) in zip(rates, [183.0496, 0, 0]) { XCTAssertEqual(got, want, accuracy: 1e-3) }
        }
        // The fits pyhf's test runs: data 100, 100, 10 and auxdata 0, 0; every one converges here.
        let data = [100.0, 100.0, 10.0, 0.0, 0.0]
        for model in [base, try base.withClipping(.init(sampleData: 0)), try base.withClipping(.init(binData: 0))] {
            let fit = try MLE.fit(data: data, model: model)
            XCTAssertTrue(fit.twiceNLL.isFinite)
            XCTAssertTrue(try model.expectedActualData(fit.parameters).allSatisfy { $0 >= 0 })
        }
    }

    func testDerivativesMatchFiniteDifferencesAwayFromTheKink() throws {
        // At h = −1.3, μ = 1.3: bin a[0]'s background is 1 − 1.3·3 = −2.9 (held at the sample clip 0.5), its total
        // 6.5 + 0.5; bin a[1] has s = 0 (held at 0.5) and b = 2 − 1.3 = 0.7, total 1.2 (held at the bin clip 1.5);
        // channel c's bins get 0.5 for the signal they lack. Both clips act, none at its kink.
        let model = try Self.model(ModelClipping(sampleData: 0.5, binData: 1.5))
        let pars = Self.pars(model, ["h": -1.3, "mu": 1.3, "n": 0.4, "st[0]": 1.1, "st[1]": 0.9])
        let rates = try model.expectedActualData(pars)
        XCTAssertEqual(rates[0], 7.0, accuracy: 1e-12)
        XCTAssertEqual(rates[1], 1.5, accuracy: 1e-12)
        let data = [4.0, 2.0, 3.0, 7.0] + model.auxdata
        let h = 1e-6
        // Gradient and Hessian of the NLL (tolerance 1e-6 relative to the magnitude, central differences of step
        // 1e-6 on smooth pieces).
        let gradient = try model.nllGradient(pars, data: data)
        let numeric = try Self.centralDifferences(pars, h: h) { [-(try model.logpdf($0, data: data))] }.map { $0[0] }
        for (g, n) in zip(gradient, numeric) { XCTAssertEqual(g, n, accuracy: 1e-6 * max(1, abs(n))) }
        let hessian = try model.nllHessian(pars, data: data)
        let numericHessian = try Self.centralDifferences(pars, h: h) { try model.nllGradient($0, data: data) }
        for i in pars.indices {
            for j in pars.indices {
                XCTAssertEqual(hessian[i * pars.count + j], numericHessian[i][j], accuracy: 1e-5, "H[\(i), \(j)]")
            }
        }
        // Input gradients: logpdf's, the expected data's VJP, and the mixed derivatives ∂²NLL/∂θ∂ψ.
        let inputs = model.inputs().values
        let vjp = try model.logpdfVJP(pars, data: data)
        let numericInputs = try Self.centralDifferences(inputs, h: h) {
            [try model.withInputs($0).logpdf(pars, data: data)]
        }.map { $0[0] }
        for (g, n) in zip(vjp.inputs, numericInputs) { XCTAssertEqual(g, n, accuracy: 1e-6 * max(1, abs(n))) }
        let cotangent = [0.3, -1.2, 0.7, 2.0]
        let ratesVJP = try model.expectedDataVJP(cotangent: cotangent, pars: pars, includeAuxdata: false)
        let numericRates = try Self.centralDifferences(inputs, h: h) {
            [zip(try model.withInputs($0).expectedActualData(pars), cotangent).map { $0 * $1 }.reduce(0, +)]
        }.map { $0[0] }
        for (g, n) in zip(ratesVJP.inputs, numericRates) { XCTAssertEqual(g, n, accuracy: 1e-6 * max(1, abs(n))) }
        let mixed = try model.nllGradientJacobianInputs(pars, data: data)
        let numericMixed = try Self.centralDifferences(inputs, h: h) {
            try model.withInputs($0).nllGradient(pars, data: data)
        }
        for p in pars.indices {
            for k in inputs.indices {
                XCTAssertEqual(mixed[p * inputs.count + k], numericMixed[k][p], accuracy: 1e-5, "∂²/∂θ\(p)∂ψ\(k)")
            }
        }
        // The Hessian's VJP with respect to the parameters, against differences of the contracted Hessian.
        let contraction = (0..<(pars.count * pars.count)).map { Double(($0 * 7) % 5) - 2 }
        let hessianVJP = try model.nllHessianVJP(pars, data: data, cotangent: contraction)
        let numericVJP = try Self.centralDifferences(pars, h: h) {
            [zip(try model.nllHessian($0, data: data), contraction).map { $0 * $1 }.reduce(0, +)]
        }.map { $0[0] }
        for (g, n) in zip(hessianVJP.pars, numericVJP) { XCTAssertEqual(g, n, accuracy: 1e-4 * max(1, abs(n))) }
    }

    func testAtTheKinkTheDerivativeIsTheUnclippedSides() throws {
        // Bin a[1]'s background is 2 + h·(2 − 1) = 0.5 at h = −1.5 with code4p beyond |α| = 1 (linear there), so a
        // sample clip at 0.5 holds it exactly at the bound: the derivative is the background's own (∂/∂h = 1 ·
        // (hi − nom) for h < −1 … the one-sided difference from above), and the value is 0.5 on both sides.
        let model = try Self.model(ModelClipping(sampleData: 0.5))
        let pars = Self.pars(model, ["h": -1.5, "mu": 1.0])
        let hIndex = model.parameterNames.firstIndex(of: "h")!
        let rates = try model.expectedActualData(pars)
        XCTAssertEqual(rates[1], 0.5 + 0.5, accuracy: 1e-12)  // s (0, clipped to 0.5) + b (0.5, at the bound)
        let vjp = try model.expectedDataVJP(cotangent: [0, 1, 0, 0], pars: pars, includeAuxdata: false)
        var up = pars
        up[hIndex] += 1e-7
        let above = (try model.expectedActualData(up)[1] - rates[1]) / 1e-7
        XCTAssertEqual(vjp.pars[hIndex], above, accuracy: 1e-6)
        XCTAssertEqual(vjp.pars[hIndex], 1.0, accuracy: 1e-12)  // (nom − lo) = 2 − 1 on the down side
        var down = pars
        down[hIndex] -= 1e-7
        XCTAssertEqual(try model.expectedActualData(down)[1], rates[1], accuracy: 1e-15)  // flat below: clipped
    }

    func testClippingIsKeptByWithInputsAndRefusesNonFiniteBounds() throws {
        let model = try Self.model(ModelClipping(binData: 0.5))
        let derived = try model.withInputs(model.inputs().values)
        XCTAssertEqual(derived.clipping, ModelClipping(binData: 0.5))
        XCTAssertEqual(try model.withClipping(.none).clipping, ModelClipping.none)
        for bad in [Double.nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try model.withClipping(ModelClipping(sampleData: bad))) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
                XCTAssertTrue("\(error)".contains("clip_sample_data"), "\(error)")
            }
        }
    }
}
