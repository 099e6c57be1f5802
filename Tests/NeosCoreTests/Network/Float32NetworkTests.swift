import XCTest

@testable import NeosCore

/// The network in `precision: float32` against the same network in float64 on the same (float64) weights: the
/// forward pass and its vector-Jacobian product agree to float32's accuracy, and the float32 VJP is the derivative
/// of the float32 forward pass (central differences in float64 through the float32 path).
///
/// Float32 rounds each operation to 2⁻²⁴ ≈ 6e-8 relative. A layer's pre-activation sums fan_in + 1 rounded
/// products (after the weights and inputs are themselves rounded), so its error is at most about
/// (fan_in + 2)·6e-8 times the sum of the absolute terms; the tolerances below are that bound for the widths used,
/// through every layer, with a factor of a few for the activations' own rounding.
final class Float32NetworkTests: XCTestCase {
    /// Seeded inputs in [−1.5, 1.5): `rows` events of `features` features.
    func inputs(rows: Int, features: Int = 2, seed: UInt64 = 5) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<(rows * features)).map { _ in 3 * generator.nextUniform() - 1.5 }
    }

    /// A network of `sizes` in both precisions.
    func pair(_ sizes: [Int], _ activations: [Activation]) throws -> (MultilayerPerceptron, MultilayerPerceptron) {
        (
            try MultilayerPerceptron(sizes: sizes, activations: activations, precision: .float64),
            try MultilayerPerceptron(sizes: sizes, activations: activations, precision: .float32)
        )
    }

    /// Forward pass: logits and outputs of [2, 16, 16, 1] on 300 events within 2e-5 absolute of float64's.
    /// Bound: three layers of at most 17 terms, each term below ~2 in size here (Glorot weights ≲ 0.6, inputs
    /// ≤ 1.5, hidden outputs ≲ 3), give |Δz| ≲ 3 · 19 · 6e-8 · 17 · 2 ≈ 1.2e-4 in the worst case of every rounding
    /// in the same direction; rounding errors of independent signs add like a random walk, ≈ 1e-6 in practice.
    /// 2e-5 sits between the two, and the float32 result must differ from the float64 one (it really ran in
    /// float32: some logit differs by more than 1e-12).
    func testForwardAgreesWithFloat64ToFloat32Accuracy() throws {
        for hidden in Activation.allCases {
            let (double, single) = try pair([2, 16, 16, 1], [hidden, .tanh, .sigmoid])
            let parameters = double.initialParameters(seed: 11)
            let x = inputs(rows: 300)
            let reference = try double.forward(parameters: parameters, inputs: x, rows: 300)
            let rounded = try single.forward(parameters: parameters, inputs: x, rows: 300)
            var largest = 0.0
            for i in 0..<300 {
                largest = max(largest, abs(rounded.logits[i] - reference.logits[i]))
                XCTAssertEqual(rounded.logits[i], reference.logits[i], accuracy: 2e-5, "\(hidden) logit \(i)")
                XCTAssertEqual(rounded.output[i], reference.output[i], accuracy: 2e-5, "\(hidden) output \(i)")
            }
            XCTAssertGreaterThan(largest, 1e-12, "\(hidden): the float32 network gave float64's logits exactly")
            // The hidden layers, widened, agree to the same accuracy (one layer fewer of rounding).
            for (layer, pair) in zip(rounded.outputs, reference.outputs).enumerated() {
                for i in 0..<pair.1.count {
                    XCTAssertEqual(pair.0[i], pair.1[i], accuracy: 2e-5, "\(hidden) layer \(layer) value \(i)")
                }
            }
        }
    }

    /// VJP (the parameter gradient of ⟨cotangent, output⟩) in float32 against float64's, entry by entry within
    /// 1e-4 of the largest entry. Each weight's gradient sums 300 events' products, so its rounding is ≲ 300·6e-8 ≈
    /// 2e-5 of the sum of absolute terms in the worst case (≈ 1e-6 typically), on top of the activations' own error
    /// (2e-5 above, relative to values of order one); 1e-4 of the largest entry covers both.
    func testBackwardAgreesWithFloat64ToFloat32Accuracy() throws {
        for hidden in Activation.allCases {
            let (double, single) = try pair([2, 16, 16, 1], [hidden, .tanh, .sigmoid])
            let parameters = double.initialParameters(seed: 12, scheme: .he)
            let x = inputs(rows: 300, seed: 6)
            var generator = SplitMix64(seed: 13)
            let cotangent = (0..<300).map { _ in generator.nextUniform() - 0.5 }
            func gradient(_ network: MultilayerPerceptron) throws -> [Double] {
                let forward = try network.forward(parameters: parameters, inputs: x, rows: 300)
                return try network.backward(
                    parameters: parameters, inputs: x, forward: forward,
                    logitCotangent: network.outputCotangentToLogits(cotangent, forward: forward))
            }
            let reference = try gradient(double)
            let rounded = try gradient(single)
            XCTAssertEqual(rounded.count, reference.count)
            let scale = reference.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(scale, 0.1, "\(hidden): a gradient worth comparing")
            for i in 0..<reference.count {
                XCTAssertEqual(rounded[i], reference[i], accuracy: 1e-4 * scale, "\(hidden) parameter \(i)")
            }
        }
    }

    /// The float32 VJP against 5-point central differences of the float32 forward pass, taken in float64 on the
    /// float64 parameters (each perturbed value is rounded to Float inside the network). The step is 1e-2 (× |p|
    /// above 1): the forward pass's rounding noise, ≈ 6e-8 · Σ|f| ≈ 1e-6 here, divided by 12h/18 ≈ 7e-3, leaves
    /// ≈ 2e-4 of noise on a derivative of order one, and the stencil's truncation, O(h⁴ f⁽⁵⁾), is below 1e-7. So
    /// 2e-3 relative, with entries below 1% of the largest judged against 1% of it. Smooth activations only: a relu
    /// kink within 2h of an event would break the stencil, not the VJP (relu is covered against float64 above).
    func testBackwardMatchesFiniteDifferencesThroughTheFloat32Path() throws {
        for hidden in [Activation.tanh, .sigmoid, .identity] {
            let network = try MultilayerPerceptron(
                sizes: [2, 5, 4, 1], activations: [hidden, .tanh, .sigmoid], precision: .float32)
            let parameters = network.initialParameters(seed: 21, scheme: .he)
            let x = inputs(rows: 12, seed: 22)
            var generator = SplitMix64(seed: 23)
            let cotangent = (0..<12).map { _ in 2 * generator.nextUniform() - 1 }
            func objective(_ p: [Double]) throws -> Double {
                let output = try network.forward(parameters: p, inputs: x, rows: 12).output
                return zip(output, cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let forward = try network.forward(parameters: parameters, inputs: x, rows: 12)
            let analytic = try network.backward(
                parameters: parameters, inputs: x, forward: forward,
                logitCotangent: network.outputCotangentToLogits(cotangent, forward: forward))
            let numeric = try FiniteDifferences.gradient(parameters, step: 1e-2, objective)
            FiniteDifferences.assertClose(analytic, numeric, rtol: 2e-3, floor: 1e-2, "float32 VJP with \(hidden)")
        }
    }

    /// A recycled forward pass of the other precision is not reused (its arrays are of the other type), one of
    /// the same precision is, and either way the result is the fresh pass's exactly.
    func testRecyclingAcrossPrecisionsGivesTheFreshResult() throws {
        let (double, single) = try pair([2, 8, 1], [.relu, .sigmoid])
        let parameters = double.initialParameters(seed: 31)
        let x = inputs(rows: 40, seed: 32)
        let fresh = try single.forward(parameters: parameters, inputs: x, rows: 40)
        let fromDouble = try single.forward(
            parameters: parameters, inputs: x, rows: 40,
            recycling: try double.forward(parameters: parameters, inputs: x, rows: 40))
        let fromSingle = try single.forward(
            parameters: parameters, inputs: x, rows: 40,
            recycling: try single.forward(parameters: parameters, inputs: x, rows: 40))
        XCTAssertEqual(fromDouble.logits, fresh.logits)
        XCTAssertEqual(fromSingle.logits, fresh.logits)
        XCTAssertEqual(fromSingle.outputs, fresh.outputs)
    }

    /// A finite float64 weight beyond Float's range cannot be rounded: refused with the parameter named, not run
    /// as an infinity.
    func testAParameterBeyondFloat32RangeIsRefused() throws {
        let network = try MultilayerPerceptron(sizes: [2, 3, 1], activations: [.relu, .sigmoid], precision: .float32)
        var parameters = network.initialParameters(seed: 1)
        parameters[4] = 1e39
        XCTAssertThrowsError(try network.forward(parameters: parameters, inputs: [0.5, 0.5], rows: 1)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("network parameters[4]"), "\(error)")
        }
    }

    /// The precision is how the network is evaluated, not what it is: the same layers in either precision take
    /// the same parameters (a parameter file of one loads into the other), while other widths do not.
    func testPrecisionDoesNotChangeTheLayers() throws {
        let (double, single) = try pair([2, 4, 1], [.relu, .sigmoid])
        XCTAssertTrue(single.hasSameLayers(as: double))
        XCTAssertEqual(single.parameterCount, double.parameterCount)
        XCTAssertNotEqual(single, double)
        let wider = try MultilayerPerceptron(sizes: [2, 5, 1], activations: [.relu, .sigmoid], precision: .float32)
        XCTAssertFalse(wider.hasSameLayers(as: double))
    }
}
