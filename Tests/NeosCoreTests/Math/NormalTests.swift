import XCTest

@testable import NeosCore

final class NormalTests: XCTestCase {
    /// Φ(−N) for N = 5..9 from the refdata README (pyhf 0.7.6), rtol 1e-8: the tails come from erfc.
    func testTailsKeepRelativePrecision() {
        let reference = [
            2.866515718791945e-07, 9.865876450377018e-10, 1.279812543885835e-12, 6.220960574271829e-16,
            1.1285884059538408e-19,
        ]
        for (offset, expected) in reference.enumerated() {
            let n = Double(5 + offset)
            XCTAssertEqual(Normal.cdf(-n), expected, accuracy: 1e-8 * expected)
            XCTAssertEqual(Normal.survival(n), expected, accuracy: 1e-8 * expected)
        }
    }

    func testProbabilityBetweenHasNoCancellation() {
        // Both edges deep in the upper tail: 1 − Φ would lose every digit.
        let mass = Normal.probability(between: 8, and: 9)
        XCTAssertEqual(mass, 6.220960574271829e-16 - 1.1285884059538408e-19, accuracy: 1e-8 * mass)
        XCTAssertEqual(Normal.probability(between: -1, and: 1), 0.6826894921370859, accuracy: 1e-15)
    }

    /// (x, Φ(x), Φ(−x), φ(x), ln φ(x)) from mpmath 1.4.1 (`ncdf`, `npdf`) at 40 digits, rounded here to 20.
    static let reference: [(x: Double, cdf: Double, survival: Double, pdf: Double, logPDF: Double)] = [
        (-37, 5.725_571_222_524_576_822_7e-300, 1, 2.120_006_551_524_605_626_9e-298, -685.418_938_533_204_672_74),
        (-20, 2.753_624_118_606_233_695_1e-89, 1, 5.520_948_362_159_763_189_6e-88, -200.918_938_533_204_672_74),
        (
            -3, 0.001_349_898_031_630_094_526_7, 0.998_650_101_968_369_905_47, 0.004_431_848_411_938_007_175_6,
            -5.418_938_533_204_672_741_8
        ),
        (
            -1, 0.158_655_253_931_457_051_41, 0.841_344_746_068_542_948_59, 0.241_970_724_519_143_349_8,
            -1.418_938_533_204_672_741_8
        ),
        (0, 0.5, 0.5, 0.398_942_280_401_432_677_94, -0.918_938_533_204_672_741_78),
        (
            0.5, 0.691_462_461_274_013_103_64, 0.308_537_538_725_986_896_36, 0.352_065_326_764_299_477_77,
            -1.043_938_533_204_672_741_8
        ),
        (
            1.96, 0.975_002_104_851_779_565_86, 0.024_997_895_148_220_434_137, 0.058_440_944_333_451_460_32,
            -2.839_738_533_204_672_741_8
        ),
        (
            8, 0.999_999_999_999_999_377_9, 6.220_960_574_271_784_123_5e-16, 5.052_271_083_536_892_288e-15,
            -32.918_938_533_204_672_742
        ),
    ]

    /// Every function against mpmath across the range, the deepest tail (Φ(−37) ≈ 5.7e-300, still a normal
    /// Double) included, to a relative 2·ulp·(1 + x²): the rounding of x/√2 (or of x²/2) is amplified by the
    /// tail's slope d ln Φ/dx ≈ −x, so the error grows like x²·ulp (measured: 8.8e-14 at x = −37, 1.5e-14 at
    /// x = −20, 1.2e-15 at x = −3).
    func testMatchesMpmath() {
        for r in Self.reference {
            let relative = 2 * Double.ulpOfOne * (1 + r.x * r.x)
            XCTAssertEqual(Normal.cdf(r.x), r.cdf, accuracy: relative * r.cdf, "Φ(\(r.x))")
            XCTAssertEqual(Normal.survival(r.x), r.survival, accuracy: relative * r.survival, "1 − Φ(\(r.x))")
            XCTAssertEqual(
                Normal.survival(-r.x), r.cdf, accuracy: relative * r.cdf, "survival(−x) = Φ(x), x = \(r.x)")
            XCTAssertEqual(Normal.pdf(r.x), r.pdf, accuracy: relative * r.pdf, "φ(\(r.x))")
            XCTAssertEqual(Normal.logPDF(r.x), r.logPDF, accuracy: 1e-15 * abs(r.logPDF), "ln φ(\(r.x))")
        }
    }

    /// The constants to the last bit: mpmath's 1/√2, 1/√(2π) and ln √(2π), rounded to Double.
    func testConstants() {
        XCTAssertEqual(Normal.inverseSqrt2, 0.707_106_781_186_547_524_400_8)
        XCTAssertEqual(Normal.inverseSqrt2Pi, 0.398_942_280_401_432_677_939_9)
        XCTAssertEqual(Normal.logSqrt2Pi, 0.918_938_533_204_672_741_780_3)
        XCTAssertEqual(Normal.inverseSqrt2, 1 / 2.0.squareRoot(), accuracy: Double.ulpOfOne)
    }

    /// Each branch of `probability(between:and:)` (both edges above 0, both below, one each side) against
    /// mpmath's Φ(b) − Φ(a), 1e-14 relative; the two tails of [10, 11] are mirror images.
    func testProbabilityBetweenEachBranch() {
        let cases: [(a: Double, b: Double, mass: Double)] = [
            (1, 2, 0.135_905_121_983_277_844_21),
            (-2, -1, 0.135_905_121_983_277_844_21),
            (-3, 4, 0.998_618_430_726_536_785_55),
            (-0.5, 0.5, 0.382_924_922_548_026_207_28),
            (10, 11, 7.619_661_958_203_076_207_5e-24),
            (-11, -10, 7.619_661_958_203_076_198_4e-24),
        ]
        for c in cases {
            XCTAssertEqual(
                Normal.probability(between: c.a, and: c.b), c.mass, accuracy: 1e-14 * c.mass, "P(\(c.a) < Z ≤ \(c.b))")
        }
        XCTAssertEqual(Normal.probability(between: 1, and: 1), 0)
    }
}
