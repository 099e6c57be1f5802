import XCTest

@testable import NeosCore

/// Hypotest Jacobians against central differences of re-run hypotests (1e-5 relative, or 1e-9 absolute near 0).
final class HypotestDerivativesTests: XCTestCase {
    func check(
        _ model: Model, data: [Double], poi: Double, statistic: TestStatistic, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let (_, jacobian) = try Hypotest.jacobian(poi: poi, data: data, model: model, testStatistic: statistic)
        func outputs(_ model: Model, _ data: [Double]) throws -> [Double] {
            let result = try Hypotest.run(poi: poi, data: data, model: model, testStatistic: statistic)
            return [result.headline] + result.expectedHeadline
        }
        let inputs = model.inputs().values
        FiniteDifferences.assertEntries(
            jacobian.inputs,
            try FiniteDifferences.jacobian(inputs, step: 1e-4) { try outputs(model.withInputs($0), data) },
            rtol: 1e-5, atol: 1e-9, "\(statistic) d/d inputs", file: file, line: line)
        FiniteDifferences.assertEntries(
            jacobian.data, try FiniteDifferences.jacobian(data, step: 1e-4) { try outputs(model, $0) },
            rtol: 1e-5, atol: 1e-9, "\(statistic) d/d data", file: file, line: line)
    }

    func testAgainstRefittedFiniteDifferences() throws {
        let shapesys = try SimpleModels.uncorrelatedBackground(
            signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let data = [51, 48] + shapesys.auxdata
        for statistic in [TestStatistic.qmuTilde, .qmu] {
            try check(shapesys, data: data, poi: 1, statistic: statistic)
        }
        let histosys = try SimpleModels.correlatedBackground(
            signal: [5, 10, 3], background: [50, 30, 20], backgroundUp: [56, 31, 23], backgroundDown: [45, 28, 18])
        try check(histosys, data: [58, 43, 21] + histosys.auxdata, poi: 1, statistic: .qmuTilde)
        try check(histosys, data: [70, 52, 30] + histosys.auxdata, poi: 0, statistic: .q0)
    }

    /// Every row of `Hypotest.derivatives` (statistics, significances, CLsb, CLb, CLs, band) against re-run
    /// hypotests, and its values against the result's.
    func testEveryOutput() throws {
        let histosys = try SimpleModels.correlatedBackground(
            signal: [5, 10, 3], background: [50, 30, 20], backgroundUp: [56, 31, 23], backgroundDown: [45, 28, 18])
        for (statistic, poi, data) in [
            (TestStatistic.qmuTilde, 1.0, [58.0, 43, 21]), (.qmu, 1.0, [58.0, 43, 21]), (.q0, 0.0, [70.0, 52, 30]),
        ] {
            let observed = data + histosys.auxdata
            let (result, derivatives) = try Hypotest.derivatives(
                poi: poi, data: observed, model: histosys, testStatistic: statistic)
            XCTAssertEqual(derivatives.values.count, HypotestDerivatives.rowNames.count)
            XCTAssertEqual(derivatives.values[6], result.observed.cls)
            XCTAssertEqual(derivatives.values[4], result.observed.clsb)
            XCTAssertEqual(Array(derivatives.values[7...]), result.expectedHeadline)
            func values(_ model: Model, _ data: [Double]) throws -> [Double] {
                try Hypotest.derivatives(poi: poi, data: data, model: model, testStatistic: statistic).derivatives
                    .values
            }
            FiniteDifferences.assertEntries(
                derivatives.inputs,
                try FiniteDifferences.jacobian(histosys.inputs().values, step: 1e-4) {
                    try values(histosys.withInputs($0), observed)
                }, rtol: 1e-5, atol: 1e-9, "\(statistic) every output d/d inputs")
            FiniteDifferences.assertEntries(
                derivatives.data, try FiniteDifferences.jacobian(observed, step: 1e-4) { try values(histosys, $0) },
                rtol: 1e-5, atol: 1e-9, "\(statistic) every output d/d data")
        }
    }
}
