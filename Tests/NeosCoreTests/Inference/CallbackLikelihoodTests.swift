import XCTest

@testable import NeosCore

/// A HistFactory model seen only through functions (as the C ABI's callback models see a caller's model) must fit
/// and test like the model itself: the same best fit, twice NLL and CLs, with the core's numerical derivatives
/// when no gradient is given.
final class CallbackLikelihoodTests: XCTestCase {
    /// Two bins with shapesys uncertainties (pyhf's uncorrelated_background), parameters [μ, γ₁, γ₂].
    let native = try! SimpleModels.uncorrelatedBackground(
        signal: [12, 11], background: [50, 52], uncertainty: [3, 7])

    var observed: [Double] {
        let auxdata = try! native.expectedData(native.suggestedInit, includeAuxdata: true).suffix(2)
        return [57, 49] + auxdata
    }

    /// `native` wrapped as functions; with `exactGradient` the callback model also gets the model's gradient.
    func wrapped(exactGradient: Bool, logpdf: CallbackLikelihood.LogPDF? = nil) throws -> CallbackLikelihood {
        let model = native
        var gradient: CallbackLikelihood.LogPDFGradient? = nil
        if exactGradient {
            gradient = { @Sendable pars, data in try model.nllGradient(pars, data: data).map { -$0 } }
        }
        return try CallbackLikelihood(
            parameterCount: model.parameterCount, dataCount: observed.count, poiIndex: model.poiIndex,
            suggestedInit: model.suggestedInit, suggestedBounds: model.suggestedBounds,
            suggestedFixed: model.suggestedFixed,
            logpdf: logpdf ?? { pars, data in try model.logpdf(pars, data: data) },
            gradient: gradient, expectedData: { pars in try model.expectedData(pars, includeAuxdata: true) })
    }

    /// The five-point gradient against the exact one: inside the bounds and on the POI's lower bound 0 (where the
    /// one-sided stencil is used). 1e-9 relative to the largest component, far above the ε^(4/5) ≈ 3e-13 of
    /// log L's scale (≈ 20 here) the header states, far below anything a fit resolves.
    func testNumericalGradientMatchesTheExactOne() throws {
        let callback = try wrapped(exactGradient: false)
        for pars in [[1.3, 0.97, 1.04], [0.0, 1.1, 0.9]] {
            let exact = try native.nllGradient(pars, data: observed)
            let numerical = try callback.nllGradient(pars, data: observed)
            let scale = exact.map(abs).max()!
            for i in 0..<3 {
                XCTAssertEqual(numerical[i], exact[i], accuracy: 1e-9 * scale, "component \(i) at \(pars)")
            }
        }
    }

    /// The Hessian from second differences of log L (1.5e-8 relative stated; 1e-6 relative to its largest entry
    /// asserted) and from differences of a gradient (4e-11 stated; 1e-8 asserted).
    func testNumericalHessiansMatchTheExactOne() throws {
        let pars = [1.3, 0.97, 1.04]
        let exact = try native.nllHessian(pars, data: observed)
        let scale = exact.map(abs).max()!
        for (exactGradient, tolerance) in [(false, 1e-6), (true, 1e-8)] {
            let numerical = try wrapped(exactGradient: exactGradient).nllHessian(pars, data: observed)
            for k in 0..<9 {
                XCTAssertEqual(numerical[k], exact[k], accuracy: tolerance * scale, "entry \(k), \(exactGradient)")
            }
        }
    }

    /// Free and fixed-POI fits reach the native fits' optimum: parameters within 1e-7, twice NLL within 1e-10
    /// relative (the minimum is flat, so its value agrees far better than its position), uncertainties within
    /// 1e-5 relative (they come from the numerical Hessian).
    func testFitsMatchTheNativeModel() throws {
        for exactGradient in [false, true] {
            let callback = try wrapped(exactGradient: exactGradient)
            let pairs = [
                (try MLE.fit(data: observed, model: native), try MLE.fit(data: observed, model: callback)),
                (
                    try MLE.fixedPOIFit(poi: 2, data: observed, model: native),
                    try MLE.fixedPOIFit(poi: 2, data: observed, model: callback)
                ),
            ]
            for (reference, fit) in pairs {
                for i in 0..<3 {
                    XCTAssertEqual(fit.parameters[i], reference.parameters[i], accuracy: 1e-7, "par \(i)")
                }
                XCTAssertEqual(fit.twiceNLL, reference.twiceNLL, accuracy: 1e-10 * abs(reference.twiceNLL))
                let expected = try reference.uncertainties()
                let uncertainties = try fit.uncertainties()
                for i in 0..<3 {
                    XCTAssertEqual(uncertainties[i], expected[i], accuracy: 1e-5 * expected[i] + 1e-300, "σ \(i)")
                }
            }
        }
    }

    /// The asymptotic hypotest (q̃ and q0) gives the native CLs, CLsb, CLb and expected band within 1e-7 relative.
    func testHypotestMatchesTheNativeModel() throws {
        for exactGradient in [false, true] {
            let callback = try wrapped(exactGradient: exactGradient)
            for (statistic, poi) in [(TestStatistic.qmuTilde, 1.5), (.qmu, 0.8), (.q0, 0.0)] {
                let reference = try Hypotest.run(poi: poi, data: observed, model: native, testStatistic: statistic)
                let result = try Hypotest.run(poi: poi, data: observed, model: callback, testStatistic: statistic)
                let pairs =
                    [
                        (result.observed.cls, reference.observed.cls), (result.observed.clsb, reference.observed.clsb),
                        (result.observed.clb, reference.observed.clb),
                    ] + Array(zip(result.expectedHeadline, reference.expectedHeadline))
                for (value, expected) in pairs {
                    XCTAssertEqual(value, expected, accuracy: 1e-7 * expected, "\(statistic) \(exactGradient)")
                }
            }
        }
    }

    /// A log-density that is not finite ends the fit with `.numeric`, naming the callback; an error the function
    /// throws comes out unchanged.
    func testNonFiniteValuesAndFailuresEndTheFit() throws {
        let model = native
        let nan = try wrapped(exactGradient: false) { pars, data in
            pars[0] > 1 + 1e-6 ? .nan : try model.logpdf(pars, data: data)
        }
        XCTAssertThrowsError(try MLE.fit(data: observed, model: nan)) { error in
            let error = error as? NeosError
            XCTAssertEqual(error?.kind, .numeric)
            XCTAssertTrue(error?.message.contains("logpdf callback returned nan") ?? false, error?.message ?? "")
        }
        let failing = try wrapped(exactGradient: false) { _, _ in throw NeosError(.model, "the caller's own failure") }
        XCTAssertThrowsError(try Hypotest.run(poi: 1, data: observed, model: failing)) { error in
            XCTAssertEqual((error as? NeosError)?.message, "the caller's own failure")
        }
    }

    /// Wrong shapes are refused when the model is made: an init outside its bounds, infinite bounds, a POI index
    /// outside the parameters.
    func testInvalidSuggestionsAreRefused() {
        func make(start: [Double], bounds: [(lower: Double, upper: Double)], poi: Int?) throws -> CallbackLikelihood {
            try CallbackLikelihood(
                parameterCount: 1, dataCount: 1, poiIndex: poi, suggestedInit: start, suggestedBounds: bounds,
                suggestedFixed: [false], logpdf: { _, _ in 0 }, gradient: nil, expectedData: { _ in [0] })
        }
        XCTAssertThrowsError(try make(start: [3], bounds: [(0, 2)], poi: 0))
        XCTAssertThrowsError(try make(start: [1], bounds: [(0, .infinity)], poi: 0))
        XCTAssertThrowsError(try make(start: [1], bounds: [(0, 2)], poi: 1))
        XCTAssertNoThrow(try make(start: [1], bounds: [(0, 2)], poi: nil))
    }
}
