import Foundation
import XCTest

@testable import NeosCore

/// Exact derivatives of the likelihood against finite differences, on small models that use every modifier
/// type with every interpolation code (α kept away from the kinks of code0/code1 at 0 and code2 at ±1).
final class LikelihoodTests: XCTestCase {
    /// Two channels; every modifier type; a name shared across types ("shared": normsys on signal, histosys on
    /// bkg); an invalid shapesys bin; a sample absent from a channel; staterror over two samples. Also checked
    /// against pyhf in PyhfReferenceTests (every code combination).
    static let fullSpec = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/every_modifier_spec.json"),
        encoding: .utf8)

    static let allSettings: [ModifierSettings] = NormsysInterpolation.allCases.flatMap { n in
        HistosysInterpolation.allCases.map { ModifierSettings(normsys: n, histosys: $0) }
    }

    /// Parameter points away from interpolation kinks: (α values, μ).
    static let points: [[String: Double]] = [
        [
            "mu": 1.3, "sig_norm": 0.37, "shared": -0.63, "bkg_norm": 1.45, "bkg_shape": -1.3, "lumi": 1.02,
            "other_norm": 0.9,
        ],
        [
            "mu": 0.0, "sig_norm": -1.6, "shared": 0.55, "bkg_norm": -0.42, "bkg_shape": 0.71, "lumi": 0.97,
            "other_norm": 1.1,
        ],
        [
            "mu": 2.1, "sig_norm": 1.2, "shared": -1.4, "bkg_norm": 0.82, "bkg_shape": 1.7, "lumi": 1.05,
            "other_norm": 1.0,
        ],
    ]

    static func pars(_ model: Model, _ point: [String: Double], seed: Int) -> [Double] {
        var pars = model.suggestedInit
        for (i, name) in model.parameterNames.enumerated() {
            if let value = point[name] {
                pars[i] = value
            } else {
                // vector γ's: deterministic spread around 1
                pars[i] = 1 + 0.07 * sin(Double(3 * i + seed) * 1.3)
            }
        }
        return pars
    }

    /// Observations that differ from the expectation, so w_b = 1 − n/λ ≠ 0 everywhere.
    static func data(_ model: Model, _ pars: [Double]) throws -> [Double] {
        let expected = try model.expectedData(pars)
        return expected.enumerated().map { i, value in max(0.5, value * (1 + 0.15 * sin(Double(i) * 2.1 + 0.4))) }
    }

    func checkAllDerivatives(_ model: Model, _ pars: [Double], _ data: [Double], _ label: String) throws {
        let nll: ([Double]) throws -> Double = { try -model.logpdf($0, data: data) }
        // gradient and Hessian w.r.t. parameters
        let gradient = try model.nllGradient(pars, data: data)
        FiniteDifferences.assertClose(gradient, try FiniteDifferences.gradient(pars, nll), "\(label) ∇NLL")
        let hessian = try model.nllHessian(pars, data: data)
        let numericHessian = try FiniteDifferences.jacobian(pars) { try model.nllGradient($0, data: data) }
        FiniteDifferences.assertClose(hessian, numericHessian, "\(label) ∇²NLL")
        let n = pars.count
        for i in 0..<n {
            for j in 0..<i {
                XCTAssertEqual(
                    hessian[i * n + j], hessian[j * n + i], accuracy: 1e-9 * max(1, abs(hessian[i * n + j])),
                    "\(label) symmetry")
            }
        }
        let combined = try model.nllAndGradient(pars, data: data)
        XCTAssertEqual(combined.value, try nll(pars))
        XCTAssertEqual(combined.gradient, gradient)

        // logpdf VJP w.r.t. pars, data, inputs
        let inputs = model.inputs().values
        let vjp = try model.logpdfVJP(pars, data: data)
        FiniteDifferences.assertClose(vjp.pars, gradient.map { -$0 }, rtol: 1e-15, "\(label) logpdfVJP.pars")
        FiniteDifferences.assertClose(
            vjp.data, try FiniteDifferences.gradient(data) { try model.logpdf(pars, data: $0) },
            "\(label) logpdfVJP.data")
        let inputFD = try FiniteDifferences.gradient(inputs) { try model.withInputs($0).logpdf(pars, data: data) }
        FiniteDifferences.assertClose(vjp.inputs, inputFD, "\(label) logpdfVJP.inputs")

        // expected-data VJP with a generic cotangent
        for includeAux in [true, false] {
            let count = model.mainBinCount + (includeAux ? model.auxdataCount : 0)
            let cotangent = (0..<count).map { 0.3 + sin(Double($0) * 1.7) }
            let dot: (Model, [Double]) throws -> Double = { m, p in
                zip(try m.expectedData(p, includeAuxdata: includeAux), cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let e = try model.expectedDataVJP(cotangent: cotangent, pars: pars, includeAuxdata: includeAux)
            FiniteDifferences.assertClose(
                e.pars, try FiniteDifferences.gradient(pars) { try dot(model, $0) },
                "\(label) expectedDataVJP.pars aux=\(includeAux)")
            FiniteDifferences.assertClose(
                e.inputs, try FiniteDifferences.gradient(inputs) { try dot(model.withInputs($0), pars) },
                "\(label) expectedDataVJP.inputs aux=\(includeAux)")
        }

        // mixed second derivatives
        let mixedInputs = try model.nllGradientJacobianInputs(pars, data: data)
        let mixedInputsFD = try FiniteDifferences.jacobian(inputs) {
            try model.withInputs($0).nllGradient(pars, data: data)
        }
        FiniteDifferences.assertClose(mixedInputs, mixedInputsFD, "\(label) ∂²NLL/∂θ∂ψ")
        let mixedData = try model.nllGradientJacobianData(pars, data: data)
        let mixedDataFD = try FiniteDifferences.jacobian(data) { try model.nllGradient(pars, data: $0) }
        FiniteDifferences.assertClose(mixedData, mixedDataFD, "\(label) ∂²NLL/∂θ∂n")
    }

    func testFullModelDerivativesForEveryInterpolationCode() throws {
        for settings in Self.allSettings {
            let model = try Model(spec: Self.fullSpec, poiName: "mu", modifierSettings: settings)
            XCTAssertEqual(model.normsysInterpolation, settings.normsys)
            XCTAssertEqual(model.histosysInterpolation, settings.histosys)
            for (k, point) in Self.points.enumerated() {
                let pars = Self.pars(model, point, seed: k)
                let data = try Self.data(model, Self.pars(model, Self.points[(k + 1) % Self.points.count], seed: k + 5))
                try checkAllDerivatives(model, pars, data, "\(settings.normsys!)/\(settings.histosys!) point \(k)")
            }
        }
    }

    /// logpdf(a) − logpdf(b) term by term: equal to the plain difference where that is accurate (distant points),
    /// and where the points are close, exact to the order of its own size rather than of the log-likelihoods:
    /// along a line the difference is ∇logpdf·δ + O(δ²), so at δ = 1e-9 it must match the directional derivative
    /// to 1e-6 relative, which the plain difference (rounding ~1e-13 of |logpdf| ~ 1e2, i.e. 1e-3 relative) cannot.
    func testLogpdfDifferenceKeepsThePrecisionOfTheDifference() throws {
        for settings in [Self.allSettings[0], Self.allSettings.last!] {
            let model = try Model(spec: Self.fullSpec, poiName: "mu", modifierSettings: settings)
            let a = Self.pars(model, Self.points[0], seed: 0)
            let b = Self.pars(model, Self.points[1], seed: 1)
            let data = try Self.data(model, Self.pars(model, Self.points[2], seed: 2))
            let plain = try model.logpdf(a, data: data) - model.logpdf(b, data: data)
            XCTAssertEqual(try model.logpdfDifference(a, b, data: data), plain, accuracy: 1e-12 * max(1, abs(plain)))

            let direction = a.indices.map { 0.5 + 0.3 * sin(Double($0) * 0.9) }
            let step = 1e-9
            let near = zip(a, direction).map { $0 + step * $1 }
            let slope = zip(try model.nllGradient(a, data: data), direction).reduce(0) { $0 - $1.0 * $1.1 }
            let precise = try model.logpdfDifference(near, a, data: data) / step
            XCTAssertEqual(precise, slope, accuracy: 1e-6 * abs(slope), "\(settings)")
        }
    }

    func testSimpleModelDerivatives() throws {
        let uncorrelated = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let pars1 = [1.3, 0.96, 1.07]
        try checkAllDerivatives(uncorrelated, pars1, [51, 48, 270, 55], "uncorrelated")
        for histosys in HistosysInterpolation.allCases {
            let correlated = try SimpleModels.correlatedBackground(
                signal: [12, 11], background: [50, 52], backgroundUp: [45, 57], backgroundDown: [55, 47],
                modifierSettings: ModifierSettings(histosys: histosys))
            for alpha in [-1.4, -0.45, 0.6, 1.3] {
                try checkAllDerivatives(correlated, [alpha, 0.8], [51, 48, 0.2], "correlated \(histosys) α=\(alpha)")
            }
        }
    }

    func testReferenceGradientAndLogpdfValues() throws {
        // pyhf.md §8: sig=10, bkg=50, shapesys unc=7, data=55 + aux, ∇ twice_nll at [1, 1] = [1.6667, 8.3333]
        let model = try SimpleModels.uncorrelatedBackground(signal: [10], background: [50], uncertainty: [7])
        let data = [55] + model.auxdata
        XCTAssertEqual(model.auxdata[0], 51.020408163265306, accuracy: 1e-12)
        let gradient = try model.nllGradient([1, 1], data: data).map { 2 * $0 }
        XCTAssertEqual(gradient[0], 10.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(gradient[1], 50.0 / 6, accuracy: 1e-12)
        let expected = try model.expectedData([1, 1])
        XCTAssertEqual(expected[0], 60, accuracy: 1e-12)
        XCTAssertEqual(expected[1], 51.020408163265306, accuracy: 1e-9)
        // logpdf = logPois(55|60) + logPois(τ|τ)
        let tau = 2500.0 / 49
        let logPois = { (n: Double, l: Double) in n * log(l) - l - lgamma(n + 1) }
        XCTAssertEqual(try model.logpdf([1, 1], data: data), logPois(55, 60) + logPois(tau, tau), accuracy: 1e-10)
    }

    func testZeroRateWithZeroDataAndZeroSignal() throws {
        // μ = 0 with a zero-background bin: λ = 0, n = 0 contributes 0 (xlogy), the μ derivative stays exact
        let model = try SimpleModels.uncorrelatedBackground(signal: [3, 2], background: [0, 10], uncertainty: [0, 1])
        XCTAssertEqual(model.suggestedFixed, [false, true, false])
        let data = [0, 9] + model.auxdata
        let value = try model.logpdf([0, 1, 1], data: data)
        XCTAssertTrue(value.isFinite)
        let gradient = try model.nllGradient([0, 1, 1], data: data)
        // ∂NLL/∂μ = Σ_b (1 − n_b/λ_b) s_b; bin 0 has λ = n = 0 and contributes s_0 (xlogy convention), not 0/0
        XCTAssertEqual(gradient[0], 3 + 2 * (1 - 9.0 / 10), accuracy: 1e-12)
        XCTAssertEqual(gradient[2], 10 * (1 - 9.0 / 10) + 100 - 100, accuracy: 1e-9)
        let hessian = try model.nllHessian([0, 1, 1], data: data)
        XCTAssertTrue(hessian.allSatisfy(\.isFinite))
    }

    func testSbottomRegionAGradientAndHessian() throws {
        let workspace = try Workspace(json: try PyhfReferenceTests.refText("sbottom_ins1748602/RegionA/BkgOnly.json"))
        let patch = try PyhfReferenceTests.refText("sbottom_ins1748602/RegionA/patch.sbottom_1400_950_60.json")
        let model = try workspace.model(patches: [patch])
        let data = try workspace.data(model: model)
        let pars = model.suggestedInit.enumerated().map { i, x in x + 0.05 * sin(Double(i) * 0.9) }
        let gradient = try model.nllGradient(pars, data: data)
        FiniteDifferences.assertClose(
            gradient, try FiniteDifferences.gradient(pars) { try -model.logpdf($0, data: data) }, "sbottom ∇NLL")
        let hessian = try model.nllHessian(pars, data: data)
        FiniteDifferences.assertClose(
            hessian, try FiniteDifferences.jacobian(pars) { try model.nllGradient($0, data: data) }, "sbottom ∇²NLL")
    }

    func testConcurrentEvaluationIsConsistent() throws {
        let model = try Model(spec: Self.fullSpec)
        let pars = Self.pars(model, Self.points[0], seed: 0)
        let data = try Self.data(model, pars)
        let reference = try model.nllGradient(pars, data: data)
        final class Box: @unchecked Sendable {
            var ok = [Bool](repeating: false, count: 64)
            let lock = NSLock()
        }
        let box = Box()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let same = (try? model.nllGradient(pars, data: data)) == reference
            box.lock.lock()
            box.ok[i] = same
            box.lock.unlock()
        }
        XCTAssertTrue(box.ok.allSatisfy { $0 })
    }
}
