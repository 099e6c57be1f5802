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

    /// The backward pass writes each δ_{l−1} over a_{l−1} a block of rows at a time: with blocks of 1, 3 and 7 rows
    /// (the last one short) the gradient is the one-block pass's (1e-13 relative to its largest entry, the products'
    /// blocking being the only difference), in float64 and float32 (1e-5), for every hidden activation.
    func testBackwardInBlocksOfRowsGivesTheOneBlockGradient() throws {
        for precision in [NetworkPrecision.float64, .float32] {
            for activation in Activation.allCases {
                let network = try MultilayerPerceptron(
                    sizes: [3, 9, 6, 2], activations: [activation, .tanh, .sigmoid], precision: precision)
                let parameters = network.initialParameters(seed: 5, scheme: .he)
                let rows = 17
                let inputs = (0..<(3 * rows)).map { sin(Double($0) * 1.3) * 2 }
                let cotangent = (0..<(2 * rows)).map { cos(Double($0) * 0.7) }
                func gradient(blockRows: Int?) throws -> [Double] {
                    var forward = try network.forward(parameters: parameters, inputs: inputs, rows: rows)
                    return try network.backward(
                        parameters: parameters, inputs: inputs, forward: &forward, logitCotangent: cotangent,
                        blockRows: blockRows)
                }
                let reference = try gradient(blockRows: rows)
                let scale = reference.map(abs).max()!
                let tolerance = precision == .float64 ? 1e-13 : 1e-5
                for blockRows in [1, 3, 7] {
                    let blocked = try gradient(blockRows: blockRows)
                    for (k, (a, b)) in zip(blocked, reference).enumerated() {
                        XCTAssertEqual(
                            a, b, accuracy: tolerance * scale,
                            "\(precision) \(activation) blocks of \(blockRows), [\(k)]")
                    }
                }
            }
        }
    }

    /// The in-place backward pass leaves the forward pass without its hidden layers: a second one is refused,
    /// ``Forward/outputs`` is unavailable (holdsActivations false) and the logits and output are kept. The
    /// by-value backward leaves the caller's forward pass whole: its second call gives the same gradient.
    func testTheInPlaceBackwardUsesUpTheHiddenLayers() throws {
        let network = try MultilayerPerceptron(sizes: [2, 5, 1], activations: [.relu, .sigmoid])
        let parameters = network.initialParameters(seed: 2)
        let inputs = [0.3, -1.0, 1.2, 0.4, -0.6, 2.0]
        let cotangent = [1.0, -0.5, 0.25]
        let kept = try network.forward(parameters: parameters, inputs: inputs, rows: 3)
        let first = try network.backward(
            parameters: parameters, inputs: inputs, forward: kept, logitCotangent: cotangent)
        XCTAssertTrue(kept.holdsActivations)
        XCTAssertEqual(
            try network.backward(parameters: parameters, inputs: inputs, forward: kept, logitCotangent: cotangent),
            first)
        var used = kept
        XCTAssertEqual(
            try network.backward(parameters: parameters, inputs: inputs, forward: &used, logitCotangent: cotangent),
            first)
        XCTAssertFalse(used.holdsActivations)
        XCTAssertEqual(used.logits, kept.logits)
        XCTAssertEqual(used.output, kept.output)
        XCTAssertThrowsError(
            try network.backward(parameters: parameters, inputs: inputs, forward: &used, logitCotangent: cotangent)
        ) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
        }
        XCTAssertEqual(kept.outputs[0].count, 15, "the caller's copy still holds a_1")
    }

    /// forwardOutputs runs the rows in blocks and keeps no hidden layers: the same logits and outputs as the full
    /// forward pass (1e-14 relative, the products' blocking being the only difference; float32 1e-6) with blocks
    /// of 1, 4 and 40 rows, and no backward pass from it.
    func testForwardOutputsInBlocksMatchTheForwardPass() throws {
        for precision in [NetworkPrecision.float64, .float32] {
            let network = try MultilayerPerceptron(
                sizes: [2, 8, 5, 3], activations: [.relu, .tanh, .sigmoid], precision: precision)
            let parameters = network.initialParameters(seed: 9)
            let rows = 37
            let inputs = (0..<(2 * rows)).map { cos(Double($0) * 0.9) * 3 }
            let full = try network.forward(parameters: parameters, inputs: inputs, rows: rows)
            let tolerance = precision == .float64 ? 1e-14 : 1e-6
            for blockRows in [1, 4, 40] {
                var blocked = try network.forwardOutputs(
                    parameters: parameters, inputs: inputs, rows: rows, blockRows: blockRows)
                XCTAssertFalse(blocked.holdsActivations)
                XCTAssertEqual(blocked.rows, rows)
                for (k, (a, b)) in zip(blocked.logits, full.logits).enumerated() {
                    XCTAssertEqual(
                        a, b, accuracy: tolerance * max(1, abs(b)), "\(precision) blocks \(blockRows) [\(k)]")
                }
                for (a, b) in zip(blocked.output, full.output) { XCTAssertEqual(a, b, accuracy: tolerance) }
                XCTAssertThrowsError(
                    try network.backward(
                        parameters: parameters, inputs: inputs, forward: &blocked,
                        logitCotangent: [Double](repeating: 1, count: 3 * rows)))
            }
            let defaultBlocks = try network.forwardOutputs(parameters: parameters, inputs: inputs, rows: rows)
            XCTAssertEqual(defaultBlocks.logits.count, 3 * rows)
            XCTAssertEqual(try network.forwardOutputs(parameters: parameters, inputs: [], rows: 0).output, [])
        }
    }

    /// A recycled pass of a larger batch lends its longer arrays to a smaller one (an epoch's last batch) and back:
    /// the outputs, the hidden layers and the gradient are the fresh passes' exactly.
    func testRecyclingAcrossBatchSizesGivesTheFreshResult() throws {
        let network = try MultilayerPerceptron(sizes: [2, 6, 4, 1], activations: [.relu, .tanh, .sigmoid])
        let parameters = network.initialParameters(seed: 12)
        func inputs(_ rows: Int) -> [Double] { (0..<(2 * rows)).map { sin(Double($0) * 0.37) * 2 } }
        var recycled: MultilayerPerceptron.Forward? = nil
        for rows in [9, 4, 9, 2] {
            let x = inputs(rows)
            let cotangent = (0..<rows).map { cos(Double($0)) }
            let fresh = try network.forward(parameters: parameters, inputs: x, rows: rows)
            var reused = try network.forward(parameters: parameters, inputs: x, rows: rows, recycling: recycled)
            XCTAssertEqual(reused.output, fresh.output, "\(rows) rows")
            XCTAssertEqual(reused.outputs, fresh.outputs, "\(rows) rows")
            XCTAssertEqual(
                try network.backward(parameters: parameters, inputs: x, forward: &reused, logitCotangent: cotangent),
                try network.backward(parameters: parameters, inputs: x, forward: fresh, logitCotangent: cotangent),
                "\(rows) rows")
            recycled = reused
        }
    }
}
