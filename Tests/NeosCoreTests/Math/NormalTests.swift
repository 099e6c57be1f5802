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
}
