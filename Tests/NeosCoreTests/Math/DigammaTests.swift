import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class DigammaTests: XCTestCase {
    /// (x, ψ(x), ln|Γ(x)|) from mpmath 1.4.1 at 40 significant digits, evaluated at the Double nearest to x
    /// (`mpf(float(x))`), rounded here to 20 digits.
    static let reference: [(x: Double, digamma: Double, logGamma: Double)] = [
        (1e-8, -100_000_000.577_215_646_36, 18.420_680_738_180_208_884),
        (0.001, -1000.575_571_931_810_279_7, 6.907_178_885_383_853_661_7),
        (0.25, -4.227_453_533_376_265_408_1, 1.288_022_524_698_077_457_4),
        (0.5, -1.963_510_026_021_423_479_4, 0.572_364_942_924_700_087_07),
        (1, -0.577_215_664_901_532_860_61, 0),
        (1.5, 0.036_489_973_978_576_520_559, -0.120_782_237_635_245_222_35),
        (2, 0.422_784_335_098_467_139_39, 0),
        (3.5, 1.103_156_640_645_243_187_2, 1.200_973_602_347_074_224_8),
        (7.25, 1.910_453_526_883_736_028_4, 7.052_185_450_738_539_444_9),
        (9.999, 2.251_647_417_205_735_314_2, 12.799_575_780_077_413_715),
        (10, 2.251_752_589_066_721_107_6, 12.801_827_480_081_469_611),
        (12.5, 2.485_195_651_274_912_048_2, 18.734_347_511_936_445_702),
        (100, 4.600_161_852_738_087_400_2, 359.134_205_369_575_398_78),
        (1e4, 9.210_290_371_142_849_403_6, 82_099.717_496_442_377_273),
        (1e10, 23.025_850_929_890_456_84, 220_258_509_288.810_581_47),
        (-0.5, 0.036_489_973_978_576_520_559, 1.265_512_123_484_645_396_5),
        (-1.5, 0.703_156_640_645_243_187_23, 0.860_047_015_376_481_014_51),
        (-2.75, -1.959_055_264_977_997_009_8, 0.004_487_897_535_955_773_311_5),
        (-10.3, 4.662_403_493_582_087_017_5, -14.457_515_440_024_208_334),
    ]

    /// ψ to 2.5e-14 absolute plus 4e-15 relative for x > 0: the asymptotic series, entered at x ≥ 10, stops
    /// before its 691/(32760 x¹²) term, 2.1e-14 at x = 10 (measured: 2.0e-14 at x = 1 and x = 10), and the
    /// recurrence adds a few ulp of |ψ|. For x < 0 the relative part is 5e-14: the reflection's cot(πx)
    /// amplifies the rounding of πx.
    func testDigammaMatchesMpmath() {
        for (x, expected, _) in Self.reference {
            let tolerance = 2.5e-14 + (x > 0 ? 4e-15 : 5e-14) * abs(expected)
            XCTAssertEqual(SpecialFunctions.digamma(x), expected, accuracy: tolerance, "ψ(\(x))")
        }
    }

    /// Near its positive root x₀ = 1.4616321449683623… (mpmath `findroot(digamma, 1.46)`) ψ is small and a
    /// relative bound means nothing; the error is the absolute one of the series, within 2.5e-14.
    func testDigammaNearItsPositiveRoot() {
        let root = 1.461_632_144_968_362_3
        // mpmath: ψ(root as a Double) = −9.2412655217294275e-17.
        XCTAssertEqual(SpecialFunctions.digamma(root), -9.241_265_521_729_427_5e-17, accuracy: 2.5e-14)
        XCTAssertLessThan(SpecialFunctions.digamma(1.46), 0)
        XCTAssertGreaterThan(SpecialFunctions.digamma(1.47), 0)
    }

    /// The recurrence ψ(x + 1) = ψ(x) + 1/x on both sides of the switch to the asymptotic series (x = 10), where
    /// a wrong series coefficient would show as a jump; 1e-14 absolute, several ulp of ψ ≈ 2.3.
    func testDigammaRecurrence() {
        for x in stride(from: 0.3, through: 14.3, by: 0.5) {
            XCTAssertEqual(
                SpecialFunctions.digamma(x + 1), SpecialFunctions.digamma(x) + 1 / x, accuracy: 1e-14, "x = \(x)")
        }
    }

    /// ψ is the derivative of ln Γ: a central difference of `logGamma` with step 1e-5 agrees to its O(h²)
    /// truncation and rounding, 1e-8 absolute.
    func testDigammaIsTheDerivativeOfLogGamma() {
        let h = 1e-5
        for x in [0.7, 1.3, 2.9, 8.0, 10.5, 40.0] {
            let difference = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
            XCTAssertEqual(SpecialFunctions.digamma(x), difference, accuracy: 1e-8, "x = \(x)")
        }
    }

    /// Poles at 0, −1, −2, … and non-finite inputs give NaN, except ψ(+∞) = +∞.
    func testDigammaSpecialValues() {
        for x in [0.0, -0.0, -1, -2, -17, -.infinity, .nan] {
            XCTAssertTrue(SpecialFunctions.digamma(x).isNaN, "ψ(\(x))")
        }
        XCTAssertEqual(SpecialFunctions.digamma(.infinity), .infinity)
    }

    /// ln|Γ| to 1e-15 relative (a few ulp) or 1e-15 absolute where it crosses zero (x = 1, 2 are exact zeros).
    func testLogGammaMatchesMpmath() {
        for (x, _, expected) in Self.reference {
            XCTAssertEqual(
                SpecialFunctions.logGamma(x), expected, accuracy: max(1e-15 * abs(expected), 1e-15), "ln Γ(\(x))")
        }
        XCTAssertEqual(SpecialFunctions.logGamma(1), 0)
        XCTAssertEqual(SpecialFunctions.logGamma(2), 0)
    }

    /// `logGamma` is the thread-safe `lgamma_r`: it agrees with the C library's `lgamma` bit for bit.
    func testLogGammaIsLgamma() {
        for x in [0.1, 0.5, 3.7, 25.0, 171.5, -0.5, -4.2] {
            XCTAssertEqual(SpecialFunctions.logGamma(x), lgamma(x) as Double, "x = \(x)")
        }
    }
}
