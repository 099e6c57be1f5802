import XCTest

@testable import NeosCore

/// Interpolation codes: pyhf 0.7.6 values, neos.md §7.1 spot values, continuity, and every analytic
/// derivative (α and inputs) against finite differences.
final class InterpolationTests: XCTestCase {
    static let alphas = [-2.3, -1.0, -0.7, -0.2, 0.0, 0.35, 0.9, 1.0, 1.6]
    /// alphas away from all kinks (0, ±1) for finite-difference checks
    static let smoothAlphas = [-2.3, -1.4, -0.7, -0.2, 0.35, 0.9, 1.6]

    // pyhf.interpolators.get(code)(...) at `alphas`, for [lo, nom, hi] = [0.83, 1, 1.17] (multiplicative) and
    // [17, 20, 24] (additive; Δ values)
    static let pyhfCode1 = [
        0.6514477860462216, 0.83, 0.8777173124960632, 0.9634199128627017, 1.0, 1.0564891751663956, 1.151774013195272,
        1.17, 1.2855748830337255,
    ]
    static let pyhfCode4 = [
        0.6514477860462216, 0.83, 0.8782841929187458, 0.9653828268985533, 1.0, 1.0584141884277727, 1.1518033953132927,
        1.17, 1.2855748830337255,
    ]
    static let pyhfCode0 = [
        -6.8999999999999995, -3.0, -2.0999999999999996, -0.6000000000000001, 0.0, 1.4, 3.6, 4.0, 6.4,
    ]
    static let pyhfCode2 = [-5.75, -3.0, -2.2049999999999996, -0.68, 0.0, 1.28625, 3.5549999999999997, 4.0, 2.7]
    static let pyhfCode4p = [
        -6.8999999999999995, -3.0, -2.1186283125, -0.6634880000000001, 0.0, 1.3308095185546873, 3.5989576875, 4.0, 6.4,
    ]

    func assertRelative(_ a: Double, _ b: Double, _ tolerance: Double, _ label: String, line: UInt = #line) {
        XCTAssertLessThanOrEqual(
            abs(a - b), tolerance * max(abs(a), abs(b), 1e-300), "\(label): \(a) vs \(b)", line: line)
    }

    func testValuesMatchPyhf() {
        for (i, alpha) in Self.alphas.enumerated() {
            assertRelative(
                InterpolationCode1.value(alpha: alpha, lo: 0.83, nom: 1, hi: 1.17), Self.pyhfCode1[i], 1e-14,
                "code1 α=\(alpha)")
            assertRelative(
                InterpolationCode4.value(alpha: alpha, lo: 0.83, nom: 1, hi: 1.17), Self.pyhfCode4[i], 1e-14,
                "code4 α=\(alpha)")
            XCTAssertEqual(
                InterpolationCode0.delta(alpha: alpha, lo: 17, nom: 20, hi: 24), Self.pyhfCode0[i], accuracy: 1e-13)
            XCTAssertEqual(
                InterpolationCode2.delta(alpha: alpha, lo: 17, nom: 20, hi: 24), Self.pyhfCode2[i], accuracy: 1e-13)
            XCTAssertEqual(
                InterpolationCode4p.delta(alpha: alpha, lo: 17, nom: 20, hi: 24), Self.pyhfCode4p[i], accuracy: 1e-13)
            // the derivative forms give the same values
            assertRelative(
                InterpolationCode1.evaluate(alpha: alpha, lo: 0.83, nom: 1, hi: 1.17).value, Self.pyhfCode1[i], 1e-14,
                "code1 evaluate")
            assertRelative(
                InterpolationCode4.evaluate(alpha: alpha, lo: 0.83, nom: 1, hi: 1.17).value, Self.pyhfCode4[i], 1e-14,
                "code4 evaluate")
            for (weights, reference) in [
                (InterpolationCode0.weights(alpha: alpha), Self.pyhfCode0[i]),
                (InterpolationCode2.weights(alpha: alpha), Self.pyhfCode2[i]),
                (InterpolationCode4p.weights(alpha: alpha), Self.pyhfCode4p[i]),
            ] {
                XCTAssertEqual(weights.delta(lo: 17, nom: 20, hi: 24), reference, accuracy: 1e-13)
            }
        }
    }

    func testCode4pSpotValues() {
        // neos.md §7.1 "code4p values"
        let expected: [(Double, Double)] = [
            (-1.5, 15.5), (-1, 17), (-0.5, 18.4482421875), (0, 20), (0.3, 21.1294491875), (1, 24), (2, 28),
        ]
        for (alpha, lambda) in expected {
            XCTAssertEqual(
                20 + InterpolationCode4p.delta(alpha: alpha, lo: 17, nom: 20, hi: 24), lambda, accuracy: 1e-12,
                "α=\(alpha)")
        }
        for alpha in [-1.5, -0.7, 0.3, 1.0, 2.5] {
            XCTAssertEqual(
                50 + InterpolationCode4p.delta(alpha: alpha, lo: 45, nom: 50, hi: 55), 50 + 5 * alpha, accuracy: 1e-12)
        }
    }

    func testCode2IsDiscontinuousAtOneAsInPyhf() {
        // [pyhf quirk] inner branch at α = 1 gives a + b = hi − nom; the outer branch starts at 0
        XCTAssertEqual(InterpolationCode2.delta(alpha: 1, lo: 17, nom: 20, hi: 24), 4, accuracy: 1e-14)
        XCTAssertEqual(InterpolationCode2.delta(alpha: 1 + 1e-12, lo: 17, nom: 20, hi: 24), 0, accuracy: 1e-9)
    }

    func testCode4AndCode4pAreTwiceDifferentiableAtTheBoundaries() {
        let eps = 1e-9
        for boundary in [-1.0, 1.0] {
            let inside = InterpolationCode4.evaluate(alpha: boundary * (1 - eps), lo: 0.83, nom: 1, hi: 1.17)
            let outside = InterpolationCode4.evaluate(alpha: boundary * (1 + eps), lo: 0.83, nom: 1, hi: 1.17)
            XCTAssertEqual(inside.value, outside.value, accuracy: 1e-8)
            XCTAssertEqual(inside.dAlpha, outside.dAlpha, accuracy: 1e-8)
            XCTAssertEqual(inside.d2Alpha, outside.d2Alpha, accuracy: 1e-7)
            let a = InterpolationCode4p.weights(alpha: boundary * (1 - eps))
            let b = InterpolationCode4p.weights(alpha: boundary * (1 + eps))
            XCTAssertEqual(a.dDelta(lo: 17, nom: 20, hi: 24), b.dDelta(lo: 17, nom: 20, hi: 24), accuracy: 1e-7)
            XCTAssertEqual(a.d2Delta(lo: 17, nom: 20, hi: 24), b.d2Delta(lo: 17, nom: 20, hi: 24), accuracy: 1e-6)
        }
        XCTAssertEqual(InterpolationCode4.evaluate(alpha: 0, lo: 0.83, nom: 1, hi: 1.17).value, 1)
    }

    func testMultiplicativeDerivativesAgainstFiniteDifferences() {
        let lo = 0.83
        let nom = 1.07
        let hi = 1.21
        typealias Code = (Double, Double, Double, Double) -> MultiplicativeInterpolation
        let codes: [(String, Code)] = [
            ("code1", { InterpolationCode1.evaluate(alpha: $0, lo: $1, nom: $2, hi: $3) }),
            ("code4", { InterpolationCode4.evaluate(alpha: $0, lo: $1, nom: $2, hi: $3) }),
        ]
        for (name, code) in codes {
            for alpha in Self.smoothAlphas {
                let r = code(alpha, lo, nom, hi)
                let x = [alpha, lo, nom, hi]
                let f: ([Double]) -> Double = { code($0[0], $0[1], $0[2], $0[3]).value }
                FiniteDifferences.assertClose(
                    [r.dAlpha, r.dLo, r.dNom, r.dHi], FiniteDifferences.gradient(x, step: 1e-4, f), rtol: 1e-8,
                    "\(name) α=\(alpha) gradient")
                let dAlpha: ([Double]) -> Double = { code($0[0], $0[1], $0[2], $0[3]).dAlpha }
                FiniteDifferences.assertClose(
                    [r.d2Alpha, r.dAlphaLo, r.dAlphaNom, r.dAlphaHi], FiniteDifferences.gradient(x, step: 1e-4, dAlpha),
                    rtol: 1e-8, "\(name) α=\(alpha) second derivatives")
            }
        }
    }

    func testAdditiveWeightsAgainstFiniteDifferences() {
        let lo = 17.0
        let nom = 20.0
        let hi = 24.0
        let codes: [(String, (Double) -> AdditiveWeights, (Double) -> Double)] = [
            ("code0", InterpolationCode0.weights, { InterpolationCode0.delta(alpha: $0, lo: lo, nom: nom, hi: hi) }),
            ("code2", InterpolationCode2.weights, { InterpolationCode2.delta(alpha: $0, lo: lo, nom: nom, hi: hi) }),
            ("code4p", InterpolationCode4p.weights, { InterpolationCode4p.delta(alpha: $0, lo: lo, nom: nom, hi: hi) }),
        ]
        for (name, weights, delta) in codes {
            for alpha in Self.smoothAlphas {
                let w = weights(alpha)
                XCTAssertEqual(w.delta(lo: lo, nom: nom, hi: hi), delta(alpha), accuracy: 1e-12, "\(name)")
                FiniteDifferences.assertClose(
                    [w.dDelta(lo: lo, nom: nom, hi: hi)], [FiniteDifferences.derivative(at: alpha, delta)], rtol: 1e-9,
                    "\(name) α=\(alpha) dΔ/dα")
                FiniteDifferences.assertClose(
                    [w.d2Delta(lo: lo, nom: nom, hi: hi)],
                    [FiniteDifferences.derivative(at: alpha) { weights($0).dDelta(lo: lo, nom: nom, hi: hi) }],
                    rtol: 1e-8, floor: 1, "\(name) α=\(alpha) d²Δ/dα²")
                // linearity in the histograms: the weights are the input derivatives, their α-derivatives the mixed ones
                for (index, component) in [\AdditiveWeights.lo, \AdditiveWeights.nom, \AdditiveWeights.hi].enumerated()
                {
                    let numeric = FiniteDifferences.derivative(at: [lo, nom, hi][index]) { value in
                        var h = [lo, nom, hi]
                        h[index] = value
                        return weights(alpha).delta(lo: h[0], nom: h[1], hi: h[2])
                    }
                    XCTAssertEqual(w[keyPath: component], numeric, accuracy: 1e-9, "\(name) α=\(alpha) input \(index)")
                }
                let dw = FiniteDifferences.derivative(at: alpha) { weights($0).hi }
                XCTAssertEqual(w.dHi, dw, accuracy: 1e-8, "\(name) dw_hi/dα")
            }
        }
    }
}
