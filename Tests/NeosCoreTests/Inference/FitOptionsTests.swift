import XCTest

@testable import NeosCore

/// The fit options of FitOptions.swift on the shapesys toy model: the iteration cap counts Newton steps and fails
/// a fit that needs more, a looser EDM tolerance stops earlier within its promise, and the defaults are the fit
/// as it always was.
final class FitOptionsTests: ShapesysToyTestCase {
    /// Observed counts far above the model's expectation at its initial point (μ = 1, γ = 1), so the descent needs
    /// several steps.
    var farData: [Double] { [140, 30] + model.auxdata }

    func testDefaultsAreTheFitAsItWas() throws {
        // A configuration that names no options leaves them to the model, whose own are the defaults.
        let defaults = FitConfiguration()
        XCTAssertNil(defaults.maxIterations)
        XCTAssertNil(defaults.edmTolerance)
        XCTAssertEqual(defaults.options(for: model), FitOptions(maxIterations: 1000, edmTolerance: 1e-14))
        let reference = try MLE.fit(data: farData, model: model)
        // pyhf's default maxiter (100000) and the explicit defaults give the same fit, bit for bit: the cap only
        // matters when it is reached.
        for configuration in [
            FitConfiguration(maxIterations: 100_000), FitConfiguration(maxIterations: 1000, edmTolerance: 1e-14),
        ] {
            let fit = try MLE.fit(data: farData, model: model, configuration: configuration)
            XCTAssertEqual(fit.parameters, reference.parameters)
            XCTAssertEqual(fit.twiceNLL, reference.twiceNLL)
            XCTAssertEqual(fit.iterations, reference.iterations)
            XCTAssertEqual(fit.fisherInformation, reference.fisherInformation)
        }
    }

    func testTheCapCountsNewtonStepsAndFailsAFitThatNeedsMore() throws {
        let reference = try MLE.fit(data: farData, model: model)
        let needed = reference.iterations
        XCTAssertGreaterThan(needed, 2, "the far data should need several steps")
        // Exactly the steps it needs: the point after the last step is still tested, so the fit is the same.
        let enough = try MLE.fit(data: farData, model: model, configuration: .init(maxIterations: needed))
        XCTAssertEqual(enough.parameters, reference.parameters)
        XCTAssertEqual(enough.twiceNLL, reference.twiceNLL)
        for cap in [1, needed - 1] {
            XCTAssertThrowsError(try MLE.fit(data: farData, model: model, configuration: .init(maxIterations: cap))) {
                error in
                let error = error as? NeosError
                XCTAssertEqual(error?.kind, .fitFailed)
                XCTAssertTrue(
                    error?.message.contains(FitConfiguration.iterationLimitMessage) ?? false,
                    "\(String(describing: error))")
                XCTAssertTrue(
                    error?.message.contains("after \(cap) iteration(s)") ?? false, "\(String(describing: error))")
            }
            // minimize reports what the descent reached, unconverged, after exactly the cap.
            let partial = try MLE.minimize(data: farData, model: model, configuration: .init(maxIterations: cap))
            XCTAssertFalse(partial.converged)
            XCTAssertEqual(partial.iterations, cap)
            XCTAssertGreaterThan(partial.twiceNLL, reference.twiceNLL)
        }
        XCTAssertThrowsError(
            try MLE.fixedPOIFit(poi: 3, data: farData, model: model, configuration: .init(maxIterations: 1))
        ) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .fitFailed)
        }
    }

    /// A tolerance t promises a twice NLL within about t of the minimum (the EDM is the decrease the quadratic
    /// model still expects); the polishing Newton step after convergence usually does much better.
    func testALooserToleranceStopsEarlierWithinItsPromise() throws {
        let reference = try MLE.fit(data: farData, model: model)
        for tolerance in [1e-1, 1e-3] {
            let loose = try MLE.fit(data: farData, model: model, configuration: .init(edmTolerance: tolerance))
            XCTAssertLessThan(loose.iterations, reference.iterations, "tolerance \(tolerance)")
            XCTAssertTrue(loose.reason.contains("below \(tolerance)"), loose.reason)
            // The reference sits at rounding level of the minimum: it may be higher only by rounding (1e-12 of a
            // twice NLL of O(10)), and the loose fit may be higher by at most its tolerance.
            XCTAssertGreaterThanOrEqual(loose.twiceNLL, reference.twiceNLL - 1e-12)
            XCTAssertLessThanOrEqual(loose.twiceNLL - reference.twiceNLL, tolerance)
            // Parameters within √(2t) standard deviations (Δ(twice NLL) = t at (Δx/σ)² = t): σ from the reference's
            // exact uncertainties.
            let sigma = try reference.uncertainties()
            for i in 0..<model.parameterCount {
                XCTAssertLessThanOrEqual(
                    abs(loose.parameters[i] - reference.parameters[i]), (2 * tolerance).squareRoot() * sigma[i],
                    "parameter \(i), tolerance \(tolerance)")
            }
        }
    }

    func testOptionsOutsideTheirRangesAreRefused() {
        let bad: [FitConfiguration] = [
            .init(maxIterations: 0), .init(maxIterations: -1),
            .init(maxIterations: FitConfiguration.maxIterationsLimit + 1), .init(edmTolerance: 0),
            .init(edmTolerance: -1e-3), .init(edmTolerance: .nan), .init(edmTolerance: .infinity),
        ]
        for configuration in bad {
            XCTAssertThrowsError(try MLE.fit(data: data, model: model, configuration: configuration)) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument, "\(error)")
            }
            XCTAssertThrowsError(try MLE.fixedPOIFit(poi: 1, data: data, model: model, configuration: configuration)) {
                error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument, "\(error)")
            }
        }
        XCTAssertNoThrow(
            try MLE.fit(
                data: data, model: model, configuration: .init(maxIterations: FitConfiguration.maxIterationsLimit)))
    }
    /// A tolerance rounding cannot reach with the largest cap allowed (10⁸ iterations: hours) ends at the precision
    /// limit after a few stalled steps instead (the ABI fuzzer's timeout): the same minimum as the default fit, to
    /// 1e-9 in the parameters, within a few dozen iterations.
    func testAnUnreachableToleranceEndsAtThePrecisionLimit() throws {
        let reference = try MLE.fit(data: farData, model: model)
        let strict = try MLE.minimize(
            data: farData, model: model,
            configuration: .init(maxIterations: FitConfiguration.maxIterationsLimit, edmTolerance: 1e-300))
        XCTAssertTrue(strict.converged, strict.reason)
        XCTAssertTrue(strict.reason.contains("steps within rounding"), strict.reason)
        XCTAssertLessThan(strict.iterations, 200)
        for (ours, expected) in zip(strict.parameters, reference.parameters) {
            XCTAssertEqual(ours, expected, accuracy: 1e-9)
        }
    }
}
