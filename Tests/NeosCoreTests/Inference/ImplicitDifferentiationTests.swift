import XCTest

@testable import NeosCore

/// Fit Jacobians by the implicit function theorem against central differences of re-fitted parameters.
final class ImplicitDifferentiationTests: XCTestCase {
    func check(_ model: Model, data: [Double], poi: Double? = nil, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let precise = FitConfiguration()
        func refit(_ model: Model, _ data: [Double]) throws -> FitResult {
            if let poi { return try MLE.fixedPOIFit(poi: poi, data: data, model: model, configuration: precise) }
            return try MLE.fit(data: data, model: model, configuration: precise)
        }
        let fit = try refit(model, data)
        let jacobian = try ImplicitDifferentiation.fitJacobian(fit, model: model, data: data)
        FiniteDifferences.assertEntries(
            jacobian.inputs,
            try FiniteDifferences.jacobian(model.inputs().values, step: 1e-4) {
                try refit(model.withInputs($0), data).parameters
            },
            rtol: 1e-5, atol: 1e-8, "d pars / d inputs", file: file, line: line)
        FiniteDifferences.assertEntries(
            jacobian.data, try FiniteDifferences.jacobian(data, step: 1e-4) { try refit(model, $0).parameters },
            rtol: 1e-5, atol: 1e-8, "d pars / d data", file: file, line: line)
    }

    func testGlobalAndConditionalFits() throws {
        let model = try SimpleModels.correlatedBackground(
            signal: [5, 10, 3], background: [50, 30, 20], backgroundUp: [56, 31, 23], backgroundDown: [45, 28, 18])
        let data = [58.0, 43, 21] + model.auxdata
        try check(model, data: data)
        try check(model, data: data, poi: 1)
        let shapesys = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        try check(shapesys, data: [61, 60] + shapesys.auxdata)
    }

    /// A POI on its bound does not move: its row is zero, and the others solve the reduced system.
    func testParameterOnABound() throws {
        let model = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let data = [40.0, 41] + model.auxdata
        let fit = try MLE.fit(data: data, model: model)
        XCTAssertEqual(fit.parameters[0], 0)
        let jacobian = try ImplicitDifferentiation.fitJacobian(fit, model: model, data: data)
        XCTAssertFalse(jacobian.moving.contains(0))
        try check(model, data: data)
    }

    /// μ and a free normalisation that scale the same sample in every bin are seen only as their product: the best
    /// fit is a valley, and its Jacobian is refused rather than made of rounding.
    func testDegenerateParametersHaveNoDerivative() throws {
        let spec = """
            {"channels": [{"name": "c", "samples": [
              {"name": "s", "data": [10.0, 20.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": null}, {"name": "k", "type": "normfactor", "data": null}]},
              {"name": "b", "data": [50.0, 40.0], "modifiers": [
                {"name": "unc", "type": "shapesys", "data": [5.0, 4.0]}]}]}],
             "parameters": []}
            """
        let model = try Model(spec: spec, poiName: "mu")
        let data = [63.0, 57] + model.auxdata
        let fit = try MLE.fit(data: data, model: model)
        XCTAssertThrowsError(try ImplicitDifferentiation.fitJacobian(fit, model: model, data: data)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .numeric)
            XCTAssertTrue("\(error)".contains("the best fit is not unique"), "\(error)")
        }
        // With μ fixed, k is determined again.
        try check(model, data: data, poi: 1)
    }
}
