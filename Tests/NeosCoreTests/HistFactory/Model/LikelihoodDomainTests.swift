import XCTest

@testable import NeosCore

/// Where the likelihood is not a finite number: each case of docs/numerical-conventions.md "Non-finite values"
/// gives a named error (or the exact −∞), never a silent NaN.
final class LikelihoodDomainTests: XCTestCase {
    /// One channel "SR", signal (μ) and a background with the given modifiers; bins as given.
    static func model(
        signal: [Double] = [5, 5], background: [Double] = [10, 3], backgroundModifiers: String = "",
        settings: ModifierSettings? = nil
    ) throws -> Model {
        let spec = """
            {"channels": [{"name": "SR", "samples": [
              {"name": "sig", "data": \(signal), "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
              {"name": "bkg", "data": \(background), "modifiers": [\(backgroundModifiers)]}]}]}
            """
        return try Model(spec: spec, poiName: "mu", modifierSettings: settings)
    }

    static func pars(_ model: Model, _ values: [String: Double]) -> [Double] {
        var pars = model.suggestedInit
        for (i, name) in model.parameterNames.enumerated() { if let v = values[name] { pars[i] = v } }
        return pars
    }

    /// `body` throws a NeosError of `kind` whose message contains every fragment.
    func assertError(
        _ kind: NeosError.Kind, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? NeosError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(
                    error.message.contains(fragment), "\(error.message) lacks \(fragment)", file: file, line: line)
            }
        }
    }

    func testNegativeRateIsNamedWhateverTheData() throws {
        // bkg −10 in bin 0: pyhf gives NaN for data 3 and the finite −λ for data 0; both are outside the domain.
        let model = try Self.model(background: [-10, 3])
        for data in [[3.0, 3.0], [0.0, 3.0]] {
            XCTAssertTrue(try model.logpdf([1.0], data: data).isNaN)  // what fits see: a step to reject
            assertError(.numeric, ["channel 'SR' bin 0 (data[0])", "expects -5.0 < 0", "'bkg' -10.0"]) {
                _ = try model.logpdfChecked([1.0], data: data)
            }
            assertError(.numeric, ["∇NLL", "channel 'SR' bin 0"]) { _ = try model.nllGradient([1.0], data: data) }
            assertError(.numeric, ["∇²NLL"]) { _ = try model.nllHessian([1.0], data: data) }
            assertError(.numeric, ["channel 'SR' bin 0"]) { _ = try model.logpdfVJP([1.0], data: data) }
            assertError(.numeric, ["channel 'SR' bin 0"]) { _ = try model.nllGradientJacobianData([1.0], data: data) }
            assertError(.numeric, ["channel 'SR' bin 0"]) { _ = try model.nllGradientJacobianInputs([1.0], data: data) }
        }
        // pyhf's expected data are negative there too, and returned as they are.
        XCTAssertEqual(try model.expectedActualData([1.0]), [-5, 8])
    }

    func testImpossibleDataAreMinusInfinityWithoutDerivatives() throws {
        // Nothing expected in bin 0, 2 observed: log L = −∞ exactly (pyhf: −inf); its derivatives are not finite.
        let model = try Self.model(signal: [0, 5], background: [0, 3])
        XCTAssertEqual(try model.logpdfChecked([1.0], data: [2, 3]), -.infinity)
        assertError(.numeric, ["channel 'SR' bin 0 (data[0]) observes 2.0 where the model expects 0 events"]) {
            _ = try model.nllGradient([1.0], data: [2, 3])
        }
        // With 0 observed the bin contributes log Pois(0 | 0) = 0 (pyhf: the same finite value) ...
        let value = try model.logpdfChecked([1.0], data: [0, 3])
        XCTAssertEqual(value, Likelihood.logPoisson(3, 8), accuracy: 1e-12)
        XCTAssertTrue(try model.nllGradient([1.0], data: [0, 3]).allSatisfy(\.isFinite))
        // ... but ∂ log L/∂n there is ln 0 = −∞.
        assertError(.numeric, ["∂ log L/∂data", "bin 0 (data[0]) expects 0 events"]) {
            _ = try model.logpdfVJP([1.0], data: [0, 3])
        }
    }

    func testNormsysFactorOutsideItsDomainNamesTheModifier() throws {
        let modifier = #"{"name": "bkg_norm", "type": "normsys", "data": {"hi": 0.0, "lo": 0.9}}"#
        // code4 takes ln(hi): NaN even at α = 0 (as pyhf); code1 is 0^α = 0 for α > 0 (finite, as pyhf) but a
        // negative hi raised to α is NaN.
        let code4 = try Self.model(backgroundModifiers: modifier)
        assertError(.numeric, ["normsys 'bkg_norm' of sample 'bkg'", "code4", "hi > 0 and lo > 0"]) {
            _ = try code4.logpdfChecked(Self.pars(code4, [:]), data: [3, 3, 0])
        }
        assertError(.numeric, ["the expected data is not finite", "normsys 'bkg_norm'"]) {
            _ = try code4.expectedData(Self.pars(code4, [:]))
        }
        let code1 = try Self.model(backgroundModifiers: modifier, settings: ModifierSettings(normsys: .code1))
        XCTAssertEqual(try code1.expectedActualData(Self.pars(code1, ["bkg_norm": 0.5])), [5, 5])
        let negative = #"{"name": "bkg_norm", "type": "normsys", "data": {"hi": -0.5, "lo": 0.9}}"#
        let code1Negative = try Self.model(
            backgroundModifiers: negative, settings: ModifierSettings(normsys: .code1))
        assertError(.numeric, ["normsys 'bkg_norm'", "code1 raises hi"]) {
            _ = try code1Negative.logpdfChecked(Self.pars(code1Negative, ["bkg_norm": 0.5]), data: [3, 3, 0])
        }
    }

    func testShapesysGammaBelowZeroAndAtZero() throws {
        let model = try Self.model(backgroundModifiers: #"{"name": "ss", "type": "shapesys", "data": [1.0, 1.0]}"#)
        let data = [3.0, 3.0] + model.auxdata  // auxdata (10/1)² = 100, (3/1)² = 9
        // γ = 0: bin 0 keeps its signal, the constraint Pois(100 | 0) makes the data impossible: −∞ (pyhf: −inf).
        XCTAssertEqual(try model.logpdfChecked(Self.pars(model, ["ss[0]": 0]), data: data), -.infinity)
        assertError(.numeric, ["ss[0] = 0.0", "rate 0 with the auxdatum data[2] = 100.0"]) {
            _ = try model.nllGradient(Self.pars(model, ["ss[0]": 0]), data: data)
        }
        // γ < 0: a negative Poisson rate (pyhf: NaN).
        assertError(.numeric, ["ss[0] = -0.5", "rate γτ = -50.0 < 0"]) {
            _ = try model.logpdfChecked(Self.pars(model, ["ss[0]": -0.5, "mu": 2]), data: data)
        }
    }

    func testStaterrorGammaBelowZeroIsANegativeRate() throws {
        let model = try Self.model(backgroundModifiers: #"{"name": "st", "type": "staterror", "data": [1.0, 1.0]}"#)
        let data = [3.0, 3.0] + model.auxdata
        assertError(.numeric, ["channel 'SR' bin 0", "< 0", "'bkg' -10.0"]) {
            _ = try model.logpdfChecked(Self.pars(model, ["st[0]": -1]), data: data)
        }
    }

    func testNegativeCountsAreRefused() throws {
        // pyhf evaluates them through lnΓ(n + 1): −inf at −1, meaningless finite values between.
        let model = try Self.model()
        for count in [-1.0, -0.5] {
            assertError(.invalidArgument, ["data[0] is \(count)", "must be ≥ 0"]) {
                _ = try model.logpdf([1.0], data: [count, 3])
            }
        }
        let shapesys = try Self.model(backgroundModifiers: #"{"name": "ss", "type": "shapesys", "data": [1.0, 1.0]}"#)
        assertError(.invalidArgument, ["data[3] is -1.0", "ss[1]", "Poisson"]) {
            _ = try shapesys.logpdf(Self.pars(shapesys, [:]), data: [3, 3, 100, -1])
        }
        // A Gaussian constraint's auxdatum may be negative.
        let normsys = try Self.model(
            backgroundModifiers: #"{"name": "n", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}"#)
        XCTAssertTrue(try normsys.logpdfChecked(Self.pars(normsys, [:]), data: [3, 3, -0.5]).isFinite)
    }

    func testAFitStepsBackFromNegativeRates() throws {
        // The unconstrained h pulls bin 0 below zero at h < −1/3 (bkg 1 + 3h); data there stay positive, so the
        // fit's descent meets NaN trial points and must step back: it ends with every rate ≥ 0, not at NaN.
        let model = try Self.model(
            signal: [1, 1], background: [1, 5],
            backgroundModifiers: #"{"name": "h", "type": "histosys", "data": {"hi_data": [4, 6], "lo_data": [-2, 4]}}"#)
        let fit = try MLE.fit(data: [0.2, 9, 0], model: model)
        XCTAssertTrue(fit.twiceNLL.isFinite)
        XCTAssertTrue(try model.expectedActualData(fit.parameters).allSatisfy { $0 >= 0 })
    }
}
