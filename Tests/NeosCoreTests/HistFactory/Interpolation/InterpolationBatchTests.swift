import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// InterpolationBatch: pyhf's layouts, every entry equal to its code's per-entry function, closed forms at
/// α = 0, ±0.5, ±1, ±2, code 4 with α₀ ≠ 1 against an independent solve of the matching conditions, ∂/∂α, and
/// every refusal.
final class InterpolationBatchTests: XCTestCase {
    static let allCodes: [InterpolationBatch.Code] = [
        .code0, .code1, .code2, .code2Reference, .code4(alpha0: 1), .code4(alpha0: 0.6), .code4(alpha0: 1.7), .code4p,
    ]

    /// 2 systematics × 3 samples × 3 × 2 bins, all positive (so every code is defined), lo < nom < hi varied.
    static let histograms: [Double] = (0..<36).map { index in
        let sample = index / 6
        let k = (index / 2) % 3
        let bin = index % 2
        let nominal = 10.0 + 3 * Double(sample) + Double(bin)
        return [nominal * (0.8 + 0.03 * Double(bin)), nominal, nominal * (1.15 + 0.05 * Double(sample))][k]
    }
    /// 2 systematics × 7 alphas, every kink of every code included.
    static let alphas: [Double] = [-2.5, -1, -0.6, 0, 0.6, 1, 1.7, -1.7, -0.3, 0.25, 1.2, 2, -1.2, 0.6]

    func batch(_ code: InterpolationBatch.Code) throws -> InterpolationBatch {
        try InterpolationBatch(code: code, systematics: 2, samples: 3, bins: 2, alphas: 7)
    }

    func testEveryEntryIsItsCodesPerEntryFunctionInPyhfsLayout() throws {
        for code in Self.allCodes {
            let batch = try batch(code)
            XCTAssertEqual([batch.histogramCount, batch.alphaCount, batch.valueCount], [36, 14, 84])
            let result = try batch.evaluate(histogramssets: Self.histograms, alphasets: Self.alphas, derivative: true)
            let slopes = try XCTUnwrap(result.dAlpha)
            for s in 0..<2 {
                for h in 0..<3 {
                    for a in 0..<7 {
                        for b in 0..<2 {
                            // histogramssets[s][h][k][b], alphasets[s][a], values[s][h][a][b]
                            let lo = Self.histograms[((s * 3 + h) * 3 + 0) * 2 + b]
                            let nom = Self.histograms[((s * 3 + h) * 3 + 1) * 2 + b]
                            let hi = Self.histograms[((s * 3 + h) * 3 + 2) * 2 + b]
                            let alpha = Self.alphas[s * 7 + a]
                            let index = ((s * 3 + h) * 7 + a) * 2 + b
                            let expected: Double
                            switch code {
                            case .code0: expected = InterpolationCode0.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
                            case .code1: expected = InterpolationCode1.value(alpha: alpha, lo: lo, nom: nom, hi: hi)
                            case .code2: expected = InterpolationCode2.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
                            case .code2Reference:
                                expected = InterpolationCode2.referenceDelta(alpha: alpha, lo: lo, nom: nom, hi: hi)
                            case .code4(let alpha0):
                                expected = InterpolationCode4.value(
                                    alpha: alpha, lo: lo, nom: nom, hi: hi, alpha0: alpha0)
                            case .code4p: expected = InterpolationCode4p.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
                            }
                            // the batch calls the per-entry function: bit-for-bit equal
                            XCTAssertEqual(result.values[index], expected, "\(code.name) s\(s) h\(h) a\(a) b\(b)")
                            XCTAssertEqual(slopes[index], batch.dAlpha(alpha: alpha, lo: lo, nom: nom, hi: hi))
                        }
                    }
                }
            }
            // the derivative is computed only when asked for, and asking for it leaves the values alone
            let plain = try batch.evaluate(histogramssets: Self.histograms, alphasets: Self.alphas)
            XCTAssertNil(plain.dAlpha)
            XCTAssertEqual(plain.values, result.values)
        }
        // code 4 with α₀ = 1 is the model's code 4 exactly
        for alpha in Self.alphas {
            XCTAssertEqual(
                InterpolationCode4.value(alpha: alpha, lo: 16, nom: 20, hi: 25, alpha0: 1),
                InterpolationCode4.value(alpha: alpha, lo: 16, nom: 20, hi: 25))
        }
    }

    /// One bin, (lo, nom, hi) = (16, 20, 25) (δ⁻ = 0.8, δ⁺ = 1.25; additive a = 0.5, b = 4.5), at α = 0, ±0.5, ±1, ±2.
    func testClosedFormsAtTheKinksAndBeyond() throws {
        let alphas: [Double] = [-2, -1, -0.5, 0, 0.5, 1, 2]
        let a = 0.5
        let b = 4.5
        let s = 4.5  // S = (hi − lo)/2
        let bigA = 0.0625  // A = (hi − 2 nom + lo)/16
        func poly4p(_ x: Double) -> Double { x * s + x * x * bigA * (15 - 10 * x * x + 3 * x * x * x * x) }
        let expected: [(InterpolationBatch.Code, [Double])] = [
            (.code0, [-8, -4, -2, 0, 2.5, 5, 10]),
            (.code1, [0.64, 0.8, 0.8.squareRoot(), 1, 1.25.squareRoot(), 1.25, 1.5625]),
            (.code2, [(b - 2 * a) * -2, a - b, a * 0.25 - b * 0.5, 0, a * 0.25 + b * 0.5, a + b, b + 2 * a]),
            (.code2Reference, [(b - 2 * a) * -1, a - b, a * 0.25 - b * 0.5, 0, a * 0.25 + b * 0.5, a + b, b + 2 * a]),
            (.code4p, [-8, -4, poly4p(-0.5), 0, poly4p(0.5), 5, 10]),
        ]
        for (code, values) in expected {
            let batch = try InterpolationBatch(code: code, systematics: 1, samples: 1, bins: 1, alphas: 7)
            let result = try batch.evaluate(histogramssets: [16, 20, 25], alphasets: alphas)
            for (index, value) in values.enumerated() {
                // closed forms in a few operations: equal to rounding (a few ulps of values of order 1–10)
                XCTAssertEqual(result.values[index], value, accuracy: 1e-14, "\(code.name) α=\(alphas[index])")
            }
        }
        // code 4: exponential from ±α₀ outward (the boundary itself included, as pyhf), 1 at α = 0, the polynomial
        // solved independently at ±0.5
        let code4 = try InterpolationBatch(code: .code4(alpha0: 1), systematics: 1, samples: 1, bins: 1, alphas: 7)
        let values = try code4.evaluate(histogramssets: [16, 20, 25], alphasets: alphas).values
        XCTAssertEqual([values[0], values[1], values[5], values[6]], [pow(0.8, 2), 0.8, 1.25, pow(1.25, 2)])
        XCTAssertEqual(values[3], 1)
        let c = Self.solveCode4(up: 1.25, down: 0.8, alpha0: 1)
        // an independent 6 × 6 elimination against the closed-form inverse: rounding only (values of order 1)
        XCTAssertEqual(values[2], Self.polynomial(c, -0.5), accuracy: 1e-13)
        XCTAssertEqual(values[4], Self.polynomial(c, 0.5), accuracy: 1e-13)
    }

    /// The coefficients of 1 + Σ cᵢ αⁱ (powers of α, pyhf's formulation) matching value, slope and curvature of
    /// δ⁺^α at α₀ and δ⁻^(−α) at −α₀, by Gaussian elimination with partial pivoting.
    static func solveCode4(up: Double, down: Double, alpha0 x: Double) -> [Double] {
        let u = pow(up, x)
        let d = pow(down, x)
        // row r: the r-th condition's coefficients of c₁…c₆ (d⁰, d¹, d² of αⁱ at ±α₀), then its right-hand side
        func row(_ at: Double, _ order: Int, _ rhs: Double) -> [Double] {
            var entries = [Double]()
            for i in 1...6 {
                let n = Double(i)
                let factor: Double = order == 0 ? 1 : (order == 1 ? n : n * (n - 1))
                entries.append(i >= order ? factor * pow(at, Double(i - order)) : 0)
            }
            return entries + [rhs]
        }
        let lnUp = log(up)
        let lnDown = log(down)
        var rows: [[Double]] = [
            row(x, 0, u - 1), row(-x, 0, d - 1), row(x, 1, u * lnUp), row(-x, 1, -d * lnDown),
            row(x, 2, u * lnUp * lnUp), row(-x, 2, d * lnDown * lnDown),
        ]
        for column in 0..<6 {
            let pivot = (column..<6).max { abs(rows[$0][column]) < abs(rows[$1][column]) }!
            rows.swapAt(column, pivot)
            for row in 0..<6 where row != column {
                let factor = rows[row][column] / rows[column][column]
                for k in column...6 { rows[row][k] -= factor * rows[column][k] }
            }
        }
        return (0..<6).map { rows[$0][6] / rows[$0][$0] }
    }

    static func polynomial(_ c: [Double], _ alpha: Double) -> Double {
        c.enumerated().reduce(1.0) { $0 + $1.element * pow(alpha, Double($1.offset + 1)) }
    }

    func testCode4WithAnyAlpha0MatchesTheMatchingConditions() throws {
        for alpha0 in [0.3, 0.6, 1.7, 2.5] {
            let c = Self.solveCode4(up: 1.25, down: 0.8, alpha0: alpha0)
            for t in [-0.95, -0.5, -0.1, 0.0, 0.2, 0.7, 0.99] {
                let alpha = t * alpha0
                // the elimination's rounding grows with the matrix's conditioning (entries from α₀ to 30 α₀⁴):
                // 1e-12 relative on values of order 1
                XCTAssertEqual(
                    InterpolationCode4.value(alpha: alpha, lo: 16, nom: 20, hi: 25, alpha0: alpha0),
                    Self.polynomial(c, alpha), accuracy: 1e-12, "α₀=\(alpha0) α=\(alpha)")
            }
            // value, slope and curvature continuous at ±α₀ (the polynomial just inside against the exponential)
            for boundary in [-alpha0, alpha0] {
                let inside = boundary * (1 - 1e-9)
                let f = { (x: Double) in InterpolationCode4.value(alpha: x, lo: 16, nom: 20, hi: 25, alpha0: alpha0) }
                let outside = boundary > 0 ? pow(1.25, boundary) : pow(0.8, -boundary)
                // 1e-9 × α₀ from the boundary, the value moves by about 1e-9 × slope
                XCTAssertEqual(f(inside), outside, accuracy: 1e-8)
                XCTAssertEqual(f(boundary), outside, "α₀=\(alpha0): the boundary takes the exponential")
                let slopeInside = InterpolationCode4.dAlpha(alpha: inside, lo: 16, nom: 20, hi: 25, alpha0: alpha0)
                let slopeOutside = boundary > 0 ? outside * log(1.25) : -outside * log(0.8)
                XCTAssertEqual(slopeInside, slopeOutside, accuracy: 1e-7)
            }
            // 1 at α = 0 (the polynomial has no constant term)
            XCTAssertEqual(InterpolationCode4.value(alpha: 0, lo: 16, nom: 20, hi: 25, alpha0: alpha0), 1)
        }
    }

    func testDerivativesAgainstFiniteDifferences() throws {
        // alphas away from every kink (0, ±1, ±α₀) so each function is smooth on the stencil
        let alphas = [-2.3, -1.4, -0.7, -0.2, 0.35, 0.8, 1.35, 2.2]
        for code in Self.allCodes {
            let batch = try InterpolationBatch(code: code, systematics: 1, samples: 1, bins: 1, alphas: 1)
            for alpha in alphas {
                let analytic = try XCTUnwrap(
                    batch.evaluate(histogramssets: [16, 20, 25], alphasets: [alpha], derivative: true).dAlpha?[0])
                let numeric = try FiniteDifferences.derivative(at: alpha) {
                    try batch.evaluate(histogramssets: [16, 20, 25], alphasets: [$0]).values[0]
                }
                // 5-point stencil with h = 1e-3: truncation ~1e-12 × f⁽⁵⁾, rounding ~1e-13 × |f| / h
                FiniteDifferences.assertClose([analytic], [numeric], rtol: 1e-8, "\(code.name) α=\(alpha)")
            }
        }
    }

    func testEdgeCasesOfTheInputs() throws {
        // hi == lo == nom: no variation at all, for every code (factor 1, delta 0)
        for code in Self.allCodes {
            let batch = try InterpolationBatch(code: code, systematics: 1, samples: 1, bins: 1, alphas: 5)
            let flat = try batch.evaluate(histogramssets: [7, 7, 7], alphasets: [-2, -0.5, 0, 0.5, 2]).values
            XCTAssertEqual(flat, [Double](repeating: code.isMultiplicative ? 1 : 0, count: 5), code.name)
        }
        // hi == lo != nom: both shifts go the same way, so code 0 is even in α (Δ = 2 at α = ±1)
        let code0 = try InterpolationBatch(code: .code0, systematics: 1, samples: 1, bins: 1, alphas: 2)
        XCTAssertEqual(try code0.evaluate(histogramssets: [12, 10, 12], alphasets: [-1, 1]).values, [2, 2])
        // a zero nominal is fine for the additive codes
        let code4p = try InterpolationBatch(code: .code4p, systematics: 1, samples: 1, bins: 1, alphas: 3)
        XCTAssertEqual(try code4p.evaluate(histogramssets: [-1, 0, 2], alphasets: [-2, 0, 2]).values, [-2, 0, 4])
        // code 1 with lo == 0: 0^(−α) = 0 below, 1 at α = 0 (the down branch, pow(0, 0) = 1 as numpy's)
        let code1 = try InterpolationBatch(code: .code1, systematics: 1, samples: 1, bins: 1, alphas: 2)
        XCTAssertEqual(try code1.evaluate(histogramssets: [0, 10, 12], alphasets: [-1, 0]).values, [0, 1])
        // empty axes give empty results
        let empty = try InterpolationBatch(code: .code4(alpha0: 1), systematics: 2, samples: 0, bins: 3, alphas: 4)
        XCTAssertEqual(empty.valueCount, 0)
        XCTAssertEqual(try empty.evaluate(histogramssets: [], alphasets: Array(repeating: 0.5, count: 8)).values, [])
    }

    func testRefusals() throws {
        func message(_ body: () throws -> Any) -> (NeosError.Kind, String)? {
            do {
                _ = try body()
                return nil
            } catch let error as NeosError {
                return (error.kind, error.message)
            } catch {
                return nil
            }
        }
        for alpha0 in [0.0, -1, .nan, .infinity] {
            let refused = message {
                try InterpolationBatch(code: .code4(alpha0: alpha0), systematics: 1, samples: 1, bins: 1, alphas: 1)
            }
            XCTAssertEqual(refused?.0, .invalidArgument, "alpha0 \(alpha0)")
            XCTAssertTrue(refused?.1.contains("alpha0 > 0") ?? false)
        }
        let negative = message { try InterpolationBatch(code: .code0, systematics: 1, samples: -1, bins: 1, alphas: 1) }
        XCTAssertEqual(negative?.1, "the number of samples is -1; it must be >= 0")
        let huge = message {
            try InterpolationBatch(code: .code0, systematics: Int.max / 2, samples: 3, bins: 1, alphas: 1)
        }
        XCTAssertTrue(huge?.1.contains("overflows") ?? false, "\(String(describing: huge))")

        let batch = try InterpolationBatch(code: .code1, systematics: 1, samples: 2, bins: 1, alphas: 2)
        let good: [Double] = [9, 10, 11, 18, 20, 22]
        XCTAssertEqual(
            message { try batch.evaluate(histogramssets: Array(good.dropLast()), alphasets: [0.5, 1]) }?.1,
            "histogramssets has length 5, expected 6")
        XCTAssertEqual(
            message { try batch.evaluate(histogramssets: good, alphasets: [0.5]) }?.1,
            "alphasets has length 1, expected 2")
        var withNaN = good
        withNaN[4] = .nan
        XCTAssertEqual(
            message { try batch.evaluate(histogramssets: withNaN, alphasets: [0.5, 1]) }?.1,
            "histogramssets[4] is nan; every value must be finite")
        XCTAssertEqual(
            message { try batch.evaluate(histogramssets: good, alphasets: [0.5, -.infinity]) }?.1,
            "alphasets[1] is -inf; every value must be finite")
        // a zero nominal: the factor would be infinite; the entry is named
        var zeroNominal = good
        zeroNominal[4] = 0
        let numeric = message { try batch.evaluate(histogramssets: zeroNominal, alphasets: [0.5, 1]) }
        XCTAssertEqual(numeric?.0, .numeric)
        XCTAssertTrue(
            numeric?.1.hasPrefix("code 1 at systematic 0, sample 1, alpha 0, bin 0 (lo 18.0, nom 0.0, hi 22.0")
                ?? false,
            "\(String(describing: numeric))")
        // code 4 with a negative ratio inside ±α₀: the logarithm is NaN
        let code4 = try InterpolationBatch(code: .code4(alpha0: 1), systematics: 1, samples: 1, bins: 1, alphas: 1)
        XCTAssertEqual(message { try code4.evaluate(histogramssets: [-1, 10, 12], alphasets: [0.3]) }?.0, .numeric)
    }
}
