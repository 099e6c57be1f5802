import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#endif

/// pyhf's `uncorrelated_background` written out by hand (`ShapesysToyLikelihood`) as a
/// `DifferentiableLikelihoodModel` whose inputs are the signal and background rates ψ = (s, b) (τ held at its value
/// for the given uncertainties): λ_b = μ s_b + γ_b b_b, aux Poisson(a_b | γ_b τ_b), pars [μ, γ...]. Every derivative is the closed form of these two lines, so the
/// losses and implicit differentiation are checked on a model that shares no code with HistFactory's `Model`.
struct DifferentiableToyModel: ShapesysToyLikelihood, DifferentiableLikelihoodModel {
    let signal: [Double]
    let background: [Double]
    let tau: [Double]

    var inputs: [Double] { signal + background }
    var inputCount: Int { 2 * bins }

    func withInputs(_ values: [Double]) -> DifferentiableToyModel {
        DifferentiableToyModel(signal: Array(values[0..<bins]), background: Array(values[bins...]), tau: tau)
    }

    /// 1 − n/λ and n/λ² of main bin b.
    func weights(_ pars: [Double], _ data: [Double], _ b: Int) -> (w: Double, curvature: Double, lambda: Double) {
        let lambda = rate(pars, b)
        return (1 - data[b] / lambda, data[b] / (lambda * lambda), lambda)
    }

    func logpdfVJP(_ pars: [Double], data: [Double]) throws -> (pars: [Double], data: [Double], inputs: [Double]) {
        var dData = [Double](repeating: 0, count: 2 * bins)
        var dInputs = [Double](repeating: 0, count: inputCount)
        for b in 0..<bins {
            let (w, _, lambda) = weights(pars, data, b)
            dData[b] = log(lambda) - SpecialFunctions.digamma(data[b] + 1)
            dData[bins + b] = log(pars[1 + b] * tau[b]) - SpecialFunctions.digamma(data[bins + b] + 1)
            dInputs[b] = -w * pars[0]
            dInputs[bins + b] = -w * pars[1 + b]
        }
        return (try nllGradient(pars, data: data).map { -$0 }, dData, dInputs)
    }

    func expectedDataVJP(cotangent: [Double], pars: [Double], includeAuxdata: Bool) throws -> (
        pars: [Double], inputs: [Double]
    ) {
        var dPars = [Double](repeating: 0, count: parameterCount)
        var dInputs = [Double](repeating: 0, count: inputCount)
        for b in 0..<bins {
            dPars[0] += cotangent[b] * signal[b]
            dPars[1 + b] += cotangent[b] * background[b] + (includeAuxdata ? cotangent[bins + b] * tau[b] : 0)
            dInputs[b] = cotangent[b] * pars[0]
            dInputs[bins + b] = cotangent[b] * pars[1 + b]
        }
        return (dPars, dInputs)
    }

    func nllGradientJacobianInputs(_ pars: [Double], data: [Double]) throws -> [Double] {
        let m = inputCount
        var out = [Double](repeating: 0, count: parameterCount * m)
        for b in 0..<bins {
            let (w, c, _) = weights(pars, data, b)
            let (mu, gamma) = (pars[0], pars[1 + b])
            out[b] = c * mu * signal[b] + w
            out[bins + b] = c * gamma * signal[b]
            out[(1 + b) * m + b] = c * mu * background[b]
            out[(1 + b) * m + bins + b] = c * gamma * background[b] + w
        }
        return out
    }

    func nllGradientJacobianData(_ pars: [Double], data: [Double]) throws -> [Double] {
        let columns = 2 * bins
        var out = [Double](repeating: 0, count: parameterCount * columns)
        for b in 0..<bins {
            let lambda = rate(pars, b)
            out[b] = -signal[b] / lambda
            out[(1 + b) * columns + b] = -background[b] / lambda
            out[(1 + b) * columns + bins + b] = -1 / pars[1 + b]
        }
        return out
    }

    /// vᵀIv = Σ_b D_b²/λ_b + Σ_b τ_b v_γb²/γ_b with D_b = v_μ s_b + v_γb b_b (the Asimov data follow ψ).
    func fisherFormInputGradient(_ pars: [Double], direction v: [Double]) throws -> [Double] {
        var out = [Double](repeating: 0, count: inputCount)
        for b in 0..<bins {
            let lambda = rate(pars, b)
            let d = v[0] * signal[b] + v[1 + b] * background[b]
            out[b] = 2 * d * v[0] / lambda - d * d * pars[0] / (lambda * lambda)
            out[bins + b] = 2 * d * v[1 + b] / lambda - d * d * pars[1 + b] / (lambda * lambda)
        }
        return out
    }
}

/// Losses and implicit differentiation written against `DifferentiableLikelihoodModel`, run on a model that is not
/// HistFactory's: its derivatives against finite differences first, then what the generic code makes of them.
final class DifferentiableLikelihoodModelTests: XCTestCase {
    static let uncertainty: [Double] = [3, 7]
    static let toy = DifferentiableToyModel(
        signal: [12, 11], background: [50, 52], tau: zip([50.0, 52], uncertainty).map { ($0 / $1) * ($0 / $1) })
    static let data = [61.0, 60] + toy.tau
    static let pars: [Double] = [0.8, 1.1, 0.95]

    func testToyDerivativesAgainstFiniteDifferences() throws {
        let (toy, data, pars) = (Self.toy, Self.data, Self.pars)
        let vjp = try toy.logpdfVJP(pars, data: data)
        FiniteDifferences.assertClose(
            vjp.pars, try FiniteDifferences.gradient(pars) { try toy.logpdf($0, data: data) }, rtol: 1e-8,
            "d logpdf/d pars"
        )
        FiniteDifferences.assertClose(
            vjp.data, try FiniteDifferences.gradient(data) { try toy.logpdf(pars, data: $0) }, rtol: 1e-8,
            "d logpdf/d data"
        )
        FiniteDifferences.assertClose(
            vjp.inputs, try FiniteDifferences.gradient(toy.inputs) { try toy.withInputs($0).logpdf(pars, data: data) },
            rtol: 1e-8, "d logpdf/d inputs")
        let cotangent: [Double] = [0.3, -1.2, 0.7, 2.0]
        let expectedVJP = try toy.expectedDataVJP(cotangent: cotangent, pars: pars, includeAuxdata: true)
        func dot(_ x: [Double]) -> Double { zip(cotangent, x).map(*).reduce(0, +) }
        FiniteDifferences.assertClose(
            expectedVJP.pars,
            try FiniteDifferences.gradient(pars) { dot(try toy.expectedData($0, includeAuxdata: true)) },
            rtol: 1e-8, "cotangent · d expected/d pars")
        FiniteDifferences.assertClose(
            expectedVJP.inputs,
            try FiniteDifferences.gradient(toy.inputs) {
                dot(try toy.withInputs($0).expectedData(pars, includeAuxdata: true))
            },
            rtol: 1e-8, "cotangent · d expected/d inputs")
        // Row-major parameters × inputs: the finite-difference Jacobian of the gradient has the same layout.
        FiniteDifferences.assertClose(
            try toy.nllGradientJacobianInputs(pars, data: data),
            try FiniteDifferences.jacobian(toy.inputs) { try toy.withInputs($0).nllGradient(pars, data: data) },
            rtol: 1e-8, "d²NLL/dθdψ")
        FiniteDifferences.assertClose(
            try toy.nllGradientJacobianData(pars, data: data),
            try FiniteDifferences.jacobian(data) { try toy.nllGradient(pars, data: $0) }, rtol: 1e-8, "d²NLL/dθdn")
        let direction: [Double] = [1.5, -0.4, 0.9]
        func form(_ model: DifferentiableToyModel) throws -> Double {
            let fisher = try model.fisherInformation(pars)
            let n = pars.count
            var sum = 0.0
            for i in 0..<n {
                for j in 0..<n { sum += direction[i] * fisher[i * n + j] * direction[j] }
            }
            return sum
        }
        FiniteDifferences.assertClose(
            try toy.fisherFormInputGradient(pars, direction: direction),
            try FiniteDifferences.gradient(toy.inputs) { try form(toy.withInputs($0)) }, rtol: 1e-8, "d(vᵀIv)/dψ")
    }

    func testImplicitDifferentiationOfAToyFit() throws {
        let (toy, data) = (Self.toy, Self.data)
        let fit = try MLE.fit(data: data, model: toy)
        XCTAssertGreaterThan(fit.parameters[0], 0, "the POI must be inside its bounds for every row to move")
        let jacobian = try ImplicitDifferentiation.fitJacobian(fit, of: toy, data: data, bounds: nil)
        XCTAssertEqual(jacobian.moving, [0, 1, 2])
        FiniteDifferences.assertEntries(
            jacobian.inputs,
            try FiniteDifferences.jacobian(toy.inputs, step: 1e-4) {
                try MLE.fit(data: data, model: toy.withInputs($0)).parameters
            },
            rtol: 1e-5, atol: 1e-8, "d pars / d inputs")
        FiniteDifferences.assertEntries(
            jacobian.data,
            try FiniteDifferences.jacobian(data, step: 1e-4) { try MLE.fit(data: $0, model: toy).parameters },
            rtol: 1e-5, atol: 1e-8, "d pars / d data")
    }

    /// The losses on the toy equal the same losses on the HistFactory model of the same likelihood, and their
    /// gradients with respect to the toy's inputs match finite differences of the losses themselves.
    func testLossesOnAToy() throws {
        let toy = Self.toy
        let histFactory = try SimpleModels.uncorrelatedBackground(
            signal: toy.signal, background: toy.background, uncertainty: Self.uncertainty)
        let losses: [(String, (DifferentiableToyModel) throws -> LossWithGradient, Double)] = [
            (
                "expected CLs", { try Losses.expectedCLs(of: $0, testPOI: 1) },
                try Losses.expectedCLs(model: histFactory).value
            ),
            ("discovery p0", { try Losses.discoveryP0(of: $0) }, try Losses.discoveryP0(model: histFactory).value),
            (
                "POI uncertainty", { try Losses.poiUncertainty(of: $0, poiValue: 1) },
                try Losses.poiUncertainty(model: histFactory).value
            ),
        ]
        for (name, loss, reference) in losses {
            let result = try loss(toy)
            XCTAssertEqual(result.value, reference, accuracy: 1e-9 * abs(reference), name)
            FiniteDifferences.assertClose(
                result.gradient,
                try FiniteDifferences.gradient(toy.inputs, step: 1e-4) { try loss(toy.withInputs($0)).value },
                rtol: 1e-6, name)
        }
    }
}
