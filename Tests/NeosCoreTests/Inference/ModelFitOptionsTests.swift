import XCTest

@testable import NeosCore

/// Fit options carried by a model (`Model.withFitOptions`): every fit a calculation makes through the model obeys
/// them, a configuration that names its own overrides them, and a model given the defaults computes exactly what
/// the plain model computes.
final class ModelFitOptionsTests: XCTestCase {
    /// One channel of two bins, a signal scaled by μ over a background with per-bin shapesys uncertainties.
    static let spec = """
        {"channels": [{"name": "c", "samples": [
          {"name": "s", "data": [12.0, 11.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
          {"name": "b", "data": [50.0, 52.0], "modifiers": [
            {"name": "unc", "type": "shapesys", "data": [3.0, 7.0]}]}]}],
         "parameters": []}
        """

    var model: Model { get throws { try Model(spec: Self.spec, poiName: "mu") } }
    /// Counts far above the expectation at the initial point, so that every fit needs several Newton steps.
    func farData(_ model: Model) -> [Double] { [140, 30] + model.auxdata }

    /// The cap that no fit of these calculations meets: one iteration.
    let capped = FitOptions(maxIterations: 1, edmTolerance: FitConfiguration.defaultEDMTolerance)

    func assertRanOutOfIterations(
        _ expression: @autoclosure () throws -> some Any, _ label: String, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), label, line: line) { error in
            let error = error as? NeosError
            XCTAssertEqual(error?.kind, .fitFailed, label, line: line)
            XCTAssertTrue(
                error?.message.contains(FitConfiguration.iterationLimitMessage) ?? false,
                "\(label): \(String(describing: error))", line: line)
        }
    }

    func testAModelKeepsItsOptionsAndItsDerivedModelsToo() throws {
        let plain = try model
        XCTAssertEqual(plain.fitOptions, .defaults)
        let options = FitOptions(maxIterations: 7, edmTolerance: 1e-6)
        let withOptions = try plain.withFitOptions(options)
        XCTAssertEqual(withOptions.fitOptions, options)
        XCTAssertEqual(try withOptions.withInputs(withOptions.inputs().values).fitOptions, options)
        XCTAssertEqual(try withOptions.withClipping(ModelClipping(binData: 0)).fitOptions, options)
        // Replacing, not combining: the later options are the model's.
        XCTAssertEqual(try withOptions.withFitOptions(.defaults).fitOptions, .defaults)
        for bad in [
            FitOptions(maxIterations: 0), FitOptions(maxIterations: FitConfiguration.maxIterationsLimit + 1),
            FitOptions(edmTolerance: 0), FitOptions(edmTolerance: .nan), FitOptions(edmTolerance: -1),
        ] {
            XCTAssertThrowsError(try plain.withFitOptions(bad)) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument, "\(bad)")
            }
        }
    }

    func testEveryCalculationOfACappedModelRunsOutOfIterations() throws {
        let plain = try model
        let model = try plain.withFitOptions(capped)
        let data = farData(model)
        assertRanOutOfIterations(try MLE.fit(data: data, model: model), "fit")
        assertRanOutOfIterations(try MLE.fixedPOIFit(poi: 1, data: data, model: model), "fixed-POI fit")
        assertRanOutOfIterations(try Hypotest.run(poi: 1, data: data, model: model), "hypotest")
        assertRanOutOfIterations(
            try Hypotest.run(poi: 1, data: data, model: model, testStatistic: .q0), "hypotest q0")
        assertRanOutOfIterations(
            try TestStatistic.qmuTilde.evaluate(poi: 1, data: data, model: model), "test statistic")
        assertRanOutOfIterations(
            try Asymptotics.asimovData(asimovPOI: 0, data: data, model: model), "Asimov data")
        assertRanOutOfIterations(
            try Toys.testStatistics(
                poi: 1, testStatistic: .qmuTilde, model: model, parameters: plain.suggestedInit, count: 3, seed: 5,
                threads: 1), "toys")
        assertRanOutOfIterations(try UpperLimits.scan([0, 1, 2], data: data, model: model), "upper-limit scan")
        assertRanOutOfIterations(try UpperLimits.rootFinding(data: data, model: model), "upper limit")
        assertRanOutOfIterations(try UpperLimits.jacobian(data: data, model: model), "upper-limit Jacobian")
        assertRanOutOfIterations(try Losses.expectedCLs(model: model), "expected-CLs loss")
        // The plain model converges on every one of them.
        XCTAssertNoThrow(try Hypotest.run(poi: 1, data: data, model: plain))
        XCTAssertNoThrow(try UpperLimits.rootFinding(data: data, model: plain))
    }

    func testAConfigurationsOwnOptionsOverrideTheModels() throws {
        let model = try model.withFitOptions(capped)
        let data = farData(model)
        let generous = FitConfiguration(maxIterations: FitConfiguration.defaultMaxIterations)
        let fit = try MLE.fit(data: data, model: model, configuration: generous)
        let reference = try MLE.fit(data: data, model: self.model)
        XCTAssertEqual(fit.parameters, reference.parameters)
        XCTAssertEqual(fit.twiceNLL, reference.twiceNLL)
        // Only the option the configuration names is its own; the other stays the model's.
        let loose = try self.model.withFitOptions(FitOptions(edmTolerance: 1e-3))
        XCTAssertEqual(generous.options(for: loose), FitOptions(maxIterations: 1000, edmTolerance: 1e-3))
    }

    /// A model given exactly the defaults is the plain model, bit for bit, in everything it computes.
    func testTheDefaultOptionsChangeNothing() throws {
        let plain = try model
        let model = try plain.withFitOptions(.defaults)
        let data = farData(plain)
        for statistic in [TestStatistic.qmuTilde, .qmu, .q0] {
            let a = try Hypotest.run(poi: 1, data: data, model: plain, testStatistic: statistic)
            let b = try Hypotest.run(poi: 1, data: data, model: model, testStatistic: statistic)
            XCTAssertEqual(a.qObserved.bitPattern, b.qObserved.bitPattern, "\(statistic)")
            XCTAssertEqual(a.qAsimov.bitPattern, b.qAsimov.bitPattern, "\(statistic)")
            XCTAssertEqual(a.observed.cls.bitPattern, b.observed.cls.bitPattern, "\(statistic)")
            XCTAssertEqual(a.expectedHeadline.map(\.bitPattern), b.expectedHeadline.map(\.bitPattern), "\(statistic)")
        }
        let a = try UpperLimits.jacobian(data: data, model: plain)
        let b = try UpperLimits.jacobian(data: data, model: model)
        XCTAssertEqual(a.limits.map(\.bitPattern), b.limits.map(\.bitPattern))
        XCTAssertEqual(a.inputs.map(\.bitPattern), b.inputs.map(\.bitPattern))
        XCTAssertEqual(a.data.map(\.bitPattern), b.data.map(\.bitPattern))
        let toysA = try Toys.testStatistics(
            poi: 1, testStatistic: .qmuTilde, model: plain, parameters: plain.suggestedInit, count: 4, seed: 9,
            threads: 1)
        let toysB = try Toys.testStatistics(
            poi: 1, testStatistic: .qmuTilde, model: model, parameters: plain.suggestedInit, count: 4, seed: 9,
            threads: 1)
        XCTAssertEqual(toysA.map(\.bitPattern), toysB.map(\.bitPattern))
    }

    /// A tolerance on the model reaches the fits too: hypotest with a loose EDM tolerance stops its fits earlier,
    /// so its statistic differs from the plain model's, within what that tolerance allows.
    func testAToleranceOnTheModelReachesHypotestsFits() throws {
        let plain = try model
        let tolerance = 1e-2
        let loose = try plain.withFitOptions(FitOptions(edmTolerance: tolerance))
        let data = farData(plain)
        let a = try TestStatistic.qmuTilde.evaluate(poi: 1, data: data, model: plain)
        let b = try TestStatistic.qmuTilde.evaluate(poi: 1, data: data, model: loose)
        XCTAssertLessThan(b.unconditionalFit.iterations, a.unconditionalFit.iterations)
        // Each fit's twice NLL is within the tolerance of the minimum, so q (a difference of two) within twice it.
        XCTAssertEqual(b.value, a.value, accuracy: 2 * tolerance)
    }
}
