import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#endif

/// pyhf's `simplemodels.uncorrelated_background` likelihood written out by hand, so inference is tested
/// independently of the HistFactory builder: λ_b = μ s_b + γ_b b_b, aux Poisson(a_b | γ_b τ_b), pars [μ, γ...].
/// `ShapesysToyModel` and the differentiable `DifferentiableToyModel` share it.
protocol ShapesysToyLikelihood: LikelihoodModel {
    var signal: [Double] { get }
    var background: [Double] { get }
    var tau: [Double] { get }
}

extension ShapesysToyLikelihood {
    var bins: Int { signal.count }
    var parameterCount: Int { 1 + bins }
    var poiIndex: Int? { 0 }
    var suggestedInit: [Double] { [Double](repeating: 1, count: parameterCount) }
    var suggestedBounds: [(lower: Double, upper: Double)] {
        [(0, 10)] + [(lower: Double, upper: Double)](repeating: (1e-10, 10), count: bins)
    }
    var suggestedFixed: [Bool] { [Bool](repeating: false, count: parameterCount) }
    var auxdata: [Double] { tau }

    static func logPoisson(_ n: Double, _ rate: Double) -> Double {
        (n == 0 ? 0 : n * log(rate)) - rate - (lgamma(n + 1) as Double)
    }

    func rate(_ pars: [Double], _ b: Int) -> Double { pars[0] * signal[b] + pars[1 + b] * background[b] }

    func logpdf(_ pars: [Double], data: [Double]) throws -> Double {
        var total = 0.0
        for b in 0..<bins {
            total += Self.logPoisson(data[b], rate(pars, b))
            total += Self.logPoisson(data[bins + b], pars[1 + b] * tau[b])
        }
        return total
    }

    func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        var gradient = [Double](repeating: 0, count: parameterCount)
        for b in 0..<bins {
            let factor = 1 - data[b] / rate(pars, b)
            gradient[0] += factor * signal[b]
            gradient[1 + b] += factor * background[b] + tau[b] - data[bins + b] / pars[1 + b]
        }
        return gradient
    }

    func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        for b in 0..<bins {
            let lambda = rate(pars, b)
            let curvature = data[b] / (lambda * lambda)
            let g = 1 + b
            hessian[0] += curvature * signal[b] * signal[b]
            hessian[g] += curvature * signal[b] * background[b]
            hessian[g * n] += curvature * signal[b] * background[b]
            hessian[g * n + g] += curvature * background[b] * background[b] + data[bins + b] / (pars[g] * pars[g])
        }
        return hessian
    }

    func expectedData(_ pars: [Double], includeAuxdata: Bool) throws -> [Double] {
        let main = (0..<bins).map { rate(pars, $0) }
        return includeAuxdata ? main + (0..<bins).map { pars[1 + $0] * tau[$0] } : main
    }
}

/// The toy likelihood with pyhf's parameter names and τ_b = (b_b/σ_b)² from absolute uncertainties σ_b.
struct ShapesysToyModel: ShapesysToyLikelihood {
    let signal: [Double]
    let background: [Double]
    let tau: [Double]

    init(signal: [Double], background: [Double], uncertainty: [Double]) {
        self.signal = signal
        self.background = background
        tau = zip(background, uncertainty).map { ($0 / $1) * ($0 / $1) }
    }

    var parameterNames: [String] { ["mu"] + (0..<bins).map { "uncorr_bkguncrt[\($0)]" } }
}

/// The tests on pyhf's uncorrelated_background example of neos.md §7.2 (signal [12, 11], background [50, 52],
/// uncertainty [3, 7], observed [51, 48]): its model, its data with auxdata, and a comparison to a relative precision.
class ShapesysToyTestCase: XCTestCase {
    let model = ShapesysToyModel(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
    var data: [Double] { [51, 48] + model.auxdata }

    func assertClose(_ a: Double, _ b: Double, relative: Double, _ label: String = "", line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: relative * abs(b), label, line: line)
    }
}
