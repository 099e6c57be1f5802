import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unconstrained parameters (an extension of HistFactory for INFERNO's benchmarks 1 and 2): the model loses exactly
/// the constraint term and its auxdata, and the Fisher information exactly that term's contribution, while fits,
/// INFERNO's loss and its gradient follow the free model.
final class ModelUnconstrainedTests: XCTestCase {
    /// Signal × mu; background with histosys r and lambda, lumi (σ 0.1) and a shapesys; every bin different.
    static let workspace = try! Workspace(
        json: """
            {"channels": [{"name": "SR", "samples": [
               {"name": "signal", "data": [5, 12, 3], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
               {"name": "background", "data": [50, 30, 20], "modifiers": [
                 {"name": "r", "type": "histosys", "data": {"hi_data": [55, 28, 21], "lo_data": [46, 33, 18]}},
                 {"name": "lambda", "type": "histosys", "data": {"hi_data": [48, 34, 19], "lo_data": [53, 27, 22]}},
                 {"name": "lumi", "type": "lumi", "data": null},
                 {"name": "bkg_stat", "type": "shapesys", "data": [5, 3, 4]}]}]}],
             "observations": [{"name": "SR", "data": [56, 40, 24]}],
             "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
               {"name": "lumi", "auxdata": [1.0], "sigmas": [0.1], "bounds": [[0.5, 1.5]], "inits": [1.0]}]}}],
             "version": "1.0.0"}
            """)

    /// A generic point: every parameter off its nominal value.
    func point(_ model: Model) -> [Double] {
        var pars = model.suggestedInit
        for (i, name) in model.parameterNames.enumerated() {
            switch name {
            case "mu": pars[i] = 1.3
            case "r": pars[i] = 0.4
            case "lambda": pars[i] = -0.7
            case "lumi": pars[i] = 1.05
            default: pars[i] = 0.97 + 0.02 * Double(i)  // the shapesys γ
            }
        }
        return pars
    }

    /// Main data plus the auxdata of the constraints the model keeps.
    func data(_ model: Model) throws -> [Double] { try Self.workspace.data(model: model) }

    /// −log L grows by exactly each dropped term: ½(θ − a)²/σ² + log(σ√(2π)) for a Gaussian, and
    /// −(a log(γτ) − γτ − lgamma(a + 1)) per bin for the shapesys Poisson (a = τ = (ν/σ)²).
    func testLikelihoodLosesExactlyTheConstraintTerm() throws {
        let full = try Self.workspace.model()
        let pars = point(full)
        let nllFull = -(try full.logpdf(pars, data: data(full)))
        let gaussian = { (theta: Double, sigma: Double) in
            0.5 * theta * theta / (sigma * sigma) + log(sigma * (2 * Double.pi).squareRoot())
        }
        let r = try Self.workspace.model(unconstrained: ["r"])
        XCTAssertEqual(r.parameterNames, full.parameterNames, "the parameter stays")
        XCTAssertEqual(r.auxdataCount, full.auxdataCount - 1)
        XCTAssertEqual(-(try r.logpdf(pars, data: data(r))), nllFull - gaussian(0.4, 1), accuracy: 1e-12 * nllFull)

        let lumi = try Self.workspace.model(unconstrained: ["lumi", "r"])
        XCTAssertEqual(lumi.auxdataCount, full.auxdataCount - 2)
        XCTAssertEqual(
            -(try lumi.logpdf(pars, data: data(lumi))), nllFull - gaussian(0.4, 1) - gaussian(0.05, 0.1),
            accuracy: 1e-12 * nllFull)

        let stat = try Self.workspace.model(unconstrained: ["bkg_stat"])
        XCTAssertEqual(stat.auxdataCount, full.auxdataCount - 3)
        var poisson = 0.0
        for (b, (nominal, sigma)) in zip([50.0, 30, 20], [5.0, 3, 4]).enumerated() {
            let tau = (nominal / sigma) * (nominal / sigma)
            let gamma = pars[full.parameterSlice("bkg_stat")!.lowerBound + b]
            poisson -= tau * log(gamma * tau) - gamma * tau - lgamma(tau + 1)
        }
        XCTAssertEqual(-(try stat.logpdf(pars, data: data(stat))), nllFull - poisson, accuracy: 1e-12 * nllFull)
    }

    /// I = −∇² log L on Asimov data loses exactly 1/σ² on the dropped parameter's diagonal (1 for r, 100 for lumi
    /// of σ 0.1) and nothing else.
    func testFisherInformationLosesExactlyTheConstraint() throws {
        let full = try Self.workspace.model()
        let pars = point(full)
        let n = full.parameterCount
        let fullFisher = try full.fisherInformation(pars)
        for (names, drop) in [(["r"], ["r": 1.0]), (["r", "lumi"], ["r": 1.0, "lumi": 100])] {
            let free = try Self.workspace.model(unconstrained: names)
            let fisher = try free.fisherInformation(pars)
            for i in 0..<n {
                for j in 0..<n {
                    let name = full.parameterNames[i]
                    let expected = i == j ? (drop[name] ?? 0) : 0
                    XCTAssertEqual(
                        fullFisher[i * n + j] - fisher[i * n + j], expected,
                        accuracy: 1e-12 * abs(fullFisher[i * n + j]),
                        "\(names): I[\(name), \(full.parameterNames[j])]")
                }
            }
        }
    }

    /// Fits minimise the free model: its best fit beats the constrained model's best fit on the free likelihood,
    /// and moves r (the constraint no longer pulls it to 0).
    func testFitsFollow() throws {
        let full = try Self.workspace.model()
        let free = try Self.workspace.model(unconstrained: ["r", "lambda"])
        let r = full.parameterSlice("r")!.lowerBound
        let constrainedFit = try MLE.fit(data: data(full), model: full)
        let freeFit = try MLE.fit(data: data(free), model: free)
        XCTAssertTrue(freeFit.converged, freeFit.reason)
        let atConstrained = -2 * (try free.logpdf(constrainedFit.parameters, data: data(free)))
        XCTAssertLessThan(freeFit.twiceNLL, atConstrained - 1e-6)
        XCTAssertGreaterThan(abs(freeFit.parameters[r] - constrainedFit.parameters[r]), 1e-3)
    }

    /// INFERNO's loss (I⁻¹)_μμ grows when r and lambda are free, and its exact gradient with respect to every
    /// model input agrees with central differences of the re-built model (1e-6 of each entry).
    func testPOIVarianceGradientThroughUnconstrainedModel() throws {
        let full = try Self.workspace.model()
        let free = try Self.workspace.model(unconstrained: ["r", "lambda"])
        XCTAssertGreaterThan(try Losses.poiVariance(model: free).value, try Losses.poiVariance(model: full).value)
        let analytic = try Losses.poiVariance(model: free).gradient
        let numeric = try FiniteDifferences.gradient(free.inputs().values) {
            try Losses.poiVariance(model: free.withInputs($0)).value
        }
        FiniteDifferences.assertClose(analytic, numeric, rtol: 1e-6, "poiVariance, r and lambda free")
        XCTAssertTrue(analytic.contains { $0 != 0 })
    }

    /// Names that are not parameters, or have no constraint to drop, are refused with the name.
    func testUnknownOrFreeNamesAreRefused() {
        for (names, word) in [(["r", "nope"], "nope"), (["mu"], "mu")] {
            XCTAssertThrowsError(try Self.workspace.model(unconstrained: names), "\(names)") { error in
                XCTAssertEqual((error as? NeosError)?.kind, .model)
                XCTAssertTrue("\(error)".contains("\"\(word)\""), "\(error)")
            }
        }
        XCTAssertEqual(try Self.workspace.model(unconstrained: ["r", "r"]).auxdataCount, 6 - 1)
    }
}
