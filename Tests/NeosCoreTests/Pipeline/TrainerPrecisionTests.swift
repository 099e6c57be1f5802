import XCTest

@testable import NeosCore

/// The trainer's `precision` key: float32 runs the network in Float and everything after it in Double, so a
/// float32 run follows the float64 run of the same configuration to within float32's rounding, carried over the
/// steps; the parameters and what is saved of them stay float64.
final class TrainerPrecisionTests: XCTestCase {
    /// A small run: hidden [16, 16], 300 points per blob (225 train, 75 test each), full batches, Adam at 1e-3.
    let small = #""hidden": [16, 16], "points_per_blob": 300, "bins": 4, "loss": "cls", "seed": 3"#

    func trainer(_ precision: String) throws -> Trainer {
        try Trainer(configuration: TrainerConfiguration(json: #"{\#(small), "precision": "\#(precision)"}"#))
    }

    /// 20 steps in each precision from the same float64 initial parameters (an observed run: loss 2.7e-7 relative,
    /// CLs equal, parameters 3e-8 apart). Tolerances:
    /// - loss, every step, 1e-5 relative: the loss is a smooth function of the network's outputs, which float32
    ///   gives to ≲ 2e-5 absolute in the worst case and ≈ 1e-6 typically (Float32NetworkTests), on top of the
    ///   trajectories' own drift below;
    /// - test CLs, every step, 1e-5 relative: hard histograms of the test events, so equal unless an event's
    ///   output sits within float32 rounding (≈ 1e-6) of an edge; the bound leaves room for the soft parts only;
    /// - final parameters, 2e-6 absolute: Adam's update lr·m̂/(√v̂ + ε) is invariant to the gradient's scale, so a
    ///   relative gradient error δ moves each update by ≲ lr·δ; with δ ≲ 1e-4 (the float32 VJP's tolerance) over 20
    ///   steps at lr 1e-3 that is ≲ 2e-6.
    /// And the float32 run is not the float64 run: some loss differs.
    func testTwentyStepsFollowTheFloat64Run() throws {
        let double = try trainer("float64")
        let single = try trainer("float32")
        XCTAssertEqual(double.configuration.precision, .float64)
        XCTAssertEqual(single.configuration.precision, .float32)
        XCTAssertEqual(single.pipeline.network.precision, .float32)
        XCTAssertEqual(single.parameters, double.parameters, "the same float64 initial parameters")
        let reference = try double.run(steps: 20)
        let rounded = try single.run(steps: 20)
        XCTAssertEqual(rounded.count, 20)
        var differs = false
        for (r, s) in zip(reference, rounded) {
            XCTAssertEqual(s.loss, r.loss, accuracy: 1e-5 * r.loss, "loss at step \(r.step)")
            let cls = r.test["cls"]!
            XCTAssertEqual(s.test["cls"]!, cls, accuracy: 1e-5 * cls, "test CLs at step \(r.step)")
            differs = differs || s.loss != r.loss
        }
        XCTAssertTrue(differs, "the float32 run gave the float64 losses exactly")
        XCTAssertLessThan(reference.last!.loss, 0.5 * reference.first!.loss, "a run that trains")
        let p64 = double.parameters
        let p32 = single.parameters
        XCTAssertEqual(p32.count, p64.count)
        for i in 0..<p64.count { XCTAssertEqual(p32[i], p64[i], accuracy: 2e-6, "parameter \(i)") }
    }

    /// A float32 trainer's parameter file is the float64 one (the master parameters are Double): it loads into a
    /// float64 trainer of the same layers, which then writes the same bytes, and back, unchanged.
    func testParameterFilesAreSharedBetweenPrecisions() throws {
        let single = try trainer("float32")
        try single.run(steps: 2)
        let file = try single.parameterFile()
        let double = try trainer("float64")
        try double.load(ParameterFile(encoded: file.encoded()))
        XCTAssertEqual(double.parameters, single.parameters)
        XCTAssertEqual(try double.parameterFile().encoded(), file.encoded())
        let again = try trainer("float32")
        try again.load(double.parameterFile())
        XCTAssertEqual(again.parameters, single.parameters)
    }

    /// The key takes "float64" (the default) or "float32"; anything else is refused naming the key and the choices.
    func testThePrecisionKeyIsValidated() throws {
        XCTAssertEqual(try TrainerConfiguration(json: "{}").precision, .float64)
        XCTAssertEqual(try TrainerConfiguration(json: #"{"precision": "float64"}"#).precision, .float64)
        for (text, kind) in [
            (#"{"precision": "float16"}"#, NeosError.Kind.invalidArgument),
            (#"{"precision": "half"}"#, .invalidArgument),
            (#"{"precision": 32}"#, .parse),
        ] {
            XCTAssertThrowsError(try TrainerConfiguration(json: text), text) { error in
                XCTAssertEqual((error as? NeosError)?.kind, kind, text)
                XCTAssertTrue("\(error)".contains("precision"), "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try TrainerConfiguration(json: #"{"precision": "float16"}"#)) { error in
            XCTAssertTrue("\(error)".contains("float64, float32"), "\(error)")
        }
    }
}
