import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class ActivationTests: XCTestCase {
    /// Values of each activation at points on both sides of 0, against the textbook formulas evaluated here
    /// (exact or to 1 ulp).
    func testValues() {
        for z in [-3.5, -0.25, 0, 0.25, 3.5] {
            XCTAssertEqual(Activation.relu.apply(z), max(z, 0))
            XCTAssertEqual(Activation.identity.apply(z), z)
            XCTAssertEqual(Activation.tanh.apply(z), tanh(z))
            XCTAssertEqual(Activation.sigmoid.apply(z), 1 / (1 + exp(-z)), accuracy: Double.ulpOfOne)
        }
        XCTAssertEqual(Activation.sigmoid.apply(0), 0.5)
    }

    /// The logistic function never overflows: at |z| = 800, e^{|z|} is infinite, yet σ is 0 or 1, and deep in
    /// the lower tail it keeps its relative precision (σ(−40) = e^{−40}/(1 + e^{−40}), 1e-15 relative).
    func testSigmoidIsStableForLargeArguments() {
        XCTAssertEqual(Activation.sigmoid(800), 1)
        XCTAssertEqual(Activation.sigmoid(-800), 0)
        XCTAssertFalse(Activation.sigmoid(-800).isNaN)
        let expected = exp(-40.0) / (1 + exp(-40.0))
        XCTAssertEqual(Activation.sigmoid(-40), expected, accuracy: 1e-15 * expected)
    }

    /// dA/dZ written through the output a = A(z) agrees with a central difference of `apply` (away from relu's
    /// kink), 1e-9 absolute: the 5-point stencil's error with step 1e-3 is O(h⁴) ≈ 1e-12 plus rounding.
    func testDerivativeThroughTheOutput() {
        for activation in Activation.allCases {
            for z in [-2.0, -0.6, 0.3, 1.7] {
                let numeric = FiniteDifferences.derivative(at: z) { activation.apply($0) }
                XCTAssertEqual(
                    activation.derivative(output: activation.apply(z)), numeric, accuracy: 1e-9, "\(activation) at \(z)"
                )
            }
        }
        XCTAssertEqual(Activation.relu.derivative(output: 0), 0, "relu's derivative at the kink is taken as 0")
    }

    /// The raw values are the configuration's names (stax's, in lower case).
    func testNames() {
        XCTAssertEqual(Activation.allCases.map(\.rawValue), ["relu", "tanh", "sigmoid", "identity"])
        XCTAssertNil(Activation(rawValue: "ReLU"))
    }
}
