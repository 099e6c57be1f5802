import XCTest

@testable import NeosCore

final class MultilayerPerceptronTests: XCTestCase {
    /// Forward pass against a direct evaluation of a_l = act(a_{l−1}·W_l + b_l) (1e-13 relative).
    func testForwardMatchesDirectEvaluation() throws {
        let network = try MultilayerPerceptron(sizes: [2, 3, 4, 1], activations: [.relu, .tanh, .sigmoid])
        let parameters = network.initialParameters(seed: 7)
        XCTAssertEqual(parameters.count, (2 * 3 + 3) + (3 * 4 + 4) + (4 + 1))
        let inputs = [0.3, -1.2, 2.0, 0.5, -0.7, -0.1]
        let forward = try network.forward(parameters: parameters, inputs: inputs, rows: 3)
        for r in 0..<3 {
            var a = Array(inputs[(2 * r)..<(2 * r + 2)])
            for l in 0..<3 {
                let fanIn = network.sizes[l]
                let fanOut = network.sizes[l + 1]
                let offset = network.weightOffset(l)
                a = (0..<fanOut).map { j in
                    var z = parameters[offset + fanIn * fanOut + j]
                    for i in 0..<fanIn { z += a[i] * parameters[offset + i * fanOut + j] }
                    return network.activations[l].apply(z)
                }
            }
            XCTAssertEqual(forward.output[r], a[0], accuracy: 1e-13 * abs(a[0]))
        }
    }

    /// Backward pass (parameters) against central differences of the forward pass, for every activation.
    func testBackwardMatchesFiniteDifferences() throws {
        for activation in Activation.allCases {
            let network = try MultilayerPerceptron(sizes: [2, 4, 3, 2], activations: [activation, .tanh, .sigmoid])
            let parameters = network.initialParameters(seed: 3, scheme: .he)
            let inputs = [0.4, -0.8, 1.5, 0.2, -0.3, 0.9, 0.05, -1.1]
            let cotangent = [0.7, -0.2, 0.1, 0.5, -0.4, 0.3, 0.9, -0.6]
            func objective(_ p: [Double]) throws -> Double {
                let output = try network.forward(parameters: p, inputs: inputs, rows: 4).output
                return zip(output, cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let forward = try network.forward(parameters: parameters, inputs: inputs, rows: 4)
            let analytic = try network.backward(
                parameters: parameters, inputs: inputs, forward: forward,
                logitCotangent: network.outputCotangentToLogits(cotangent, forward: forward))
            let numeric = try FiniteDifferences.gradient(parameters, step: 1e-4, objective)
            FiniteDifferences.assertClose(analytic, numeric, rtol: 1e-7, "backward with \(activation)")
        }
    }

    /// Glorot: weights within ±2σ of the truncated normal, empirical std within 3% of √(2/(in+out)) (a
    /// 1024 × 1024 layer has 1M draws, so the statistical error is 0.1%); biases ~ N(0, 0.01²).
    func testInitialisationStatistics() throws {
        let network = try MultilayerPerceptron(sizes: [2, 1024, 1024, 1], activations: [.relu, .relu, .sigmoid])
        let parameters = network.initialParameters(seed: 0)
        XCTAssertEqual(parameters, network.initialParameters(seed: 0), "seeded: reproducible")
        let offset = network.weightOffset(1)
        let weights = parameters[offset..<(offset + 1024 * 1024)]
        let sigma = (2.0 / 2048).squareRoot() / 0.879_625_661_034_239_78
        XCTAssertLessThanOrEqual(weights.map(abs).max()!, 2 * sigma * (1 + 1e-12))
        let std = (weights.reduce(0) { $0 + $1 * $1 } / Double(weights.count)).squareRoot()
        XCTAssertEqual(std, (2.0 / 2048).squareRoot(), accuracy: 0.03 * (2.0 / 2048).squareRoot())
        let biases = parameters[(offset + 1024 * 1024)..<(offset + 1024 * 1024 + 1024)]
        let biasStd = (biases.reduce(0) { $0 + $1 * $1 } / 1024).squareRoot()
        XCTAssertEqual(biasStd, 0.01, accuracy: 0.002)
    }

    func testInvalidArguments() throws {
        XCTAssertThrowsError(try MultilayerPerceptron(sizes: [2], activations: []))
        XCTAssertThrowsError(try MultilayerPerceptron(sizes: [2, 0, 1], activations: [.relu, .relu]))
        XCTAssertThrowsError(try MultilayerPerceptron(sizes: [2, 3, 1], activations: [.relu]))
        let network = try MultilayerPerceptron(sizes: [2, 3, 1], activations: [.relu, .sigmoid])
        let parameters = network.initialParameters(seed: 1)
        XCTAssertThrowsError(try network.forward(parameters: parameters, inputs: [1, 2, 3], rows: 2))
        XCTAssertThrowsError(try network.forward(parameters: parameters, inputs: [1, .nan], rows: 1))
        XCTAssertThrowsError(try network.forward(parameters: Array(parameters.dropLast()), inputs: [1, 2], rows: 1))
    }
}
