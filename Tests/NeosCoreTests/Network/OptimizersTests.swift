import XCTest

@testable import NeosCore

final class OptimizerTests: XCTestCase {
    /// Three Adam steps against optax.adam(0.1)'s update rule written out (1e-15).
    /// optax: m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), update −lr·m̂/(√v̂ + ε).
    func testAdamMatchesOptaxFormula() throws {
        var adam = try Adam(learningRate: 0.1)
        var parameters = [1.0, -2.0]
        let gradients = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.0]]
        var m = [0.0, 0.0]
        var v = [0.0, 0.0]
        var expected = parameters
        for (t, g) in gradients.enumerated() {
            try adam.update(parameters: &parameters, gradient: g)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1)))
                let vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
                expected[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
            XCTAssertEqual(parameters[0], expected[0], accuracy: 1e-15)
            XCTAssertEqual(parameters[1], expected[1], accuracy: 1e-15)
        }
        // The first Adam step moves every coordinate by lr·sign(g) (up to ε).
        var fresh = try Adam(learningRate: 0.1)
        var x = [0.0, 0.0]
        try fresh.update(parameters: &x, gradient: [3.0, -0.001])
        XCTAssertEqual(x[0], -0.1, accuracy: 1e-8)
        XCTAssertEqual(x[1], 0.1, accuracy: 1e-5)
    }

    func testSGDWithMomentum() throws {
        var sgd = try StochasticGradientDescent(learningRate: 0.5, momentum: 0.9)
        var x = [1.0]
        try sgd.update(parameters: &x, gradient: [2])
        XCTAssertEqual(x[0], 0.0)
        try sgd.update(parameters: &x, gradient: [1])
        XCTAssertEqual(x[0], -0.5 * (0.9 * 2 + 1), accuracy: 1e-15)
        XCTAssertThrowsError(try sgd.update(parameters: &x, gradient: [.nan]))
        XCTAssertThrowsError(try sgd.update(parameters: &x, gradient: [1, 2]))
        XCTAssertThrowsError(try Adam(learningRate: -1))
    }
}
