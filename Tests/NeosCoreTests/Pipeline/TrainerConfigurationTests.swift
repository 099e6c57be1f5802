import XCTest

@testable import NeosCore

final class TrainerConfigurationTests: XCTestCase {
    /// No keys: neos's demo, as the table of the documentation lists it.
    func testDefaults() throws {
        let c = try TrainerConfiguration(json: "{}")
        XCTAssertEqual(c.seed, 0)
        XCTAssertEqual(c.hidden, [1024, 1024])
        XCTAssertEqual(c.activation, .relu)
        XCTAssertEqual(c.outputActivation, .sigmoid)
        XCTAssertEqual(c.initialization, .glorot)
        XCTAssertEqual(c.optimizer, "adam")
        XCTAssertEqual(c.learningRate, 1e-3)
        XCTAssertEqual(c.batchSize, 2000)
        XCTAssertEqual(c.bandwidth, 0.09)
        XCTAssertEqual(c.evalBandwidth, 0)
        XCTAssertEqual(c.edges, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertTrue(c.trainEdges)
        XCTAssertEqual(c.data, "blobs")
        XCTAssertEqual(c.pointsPerBlob, 10000)
        XCTAssertEqual(c.testFraction, 0.25)
        XCTAssertEqual(c.eventSets, GaussianBlobs.names)
        XCTAssertEqual(c.luminosity, 10)
        XCTAssertEqual(c.floor, 1e-3)
        XCTAssertEqual(c.objective, PipelineObjective(.cls))
        XCTAssertEqual(c.interpolation, .code4p)
        XCTAssertNil(c.workspace)
        XCTAssertEqual(c.scale("sig"), 2)
        XCTAssertEqual(c.scale("bkg_up"), 10)
        XCTAssertEqual(c.selectionMetric, "cls")
    }

    /// Every key is read into its property, and the given object is kept for metrics.json.
    func testKeysAreRead() throws {
        let text = """
            {"seed": 7, "hidden": [3, 2], "activation": "tanh", "output_activation": "identity", "init": "he",
             "optimizer": "sgd", "learning_rate": 0.5, "momentum": 0.9, "batch_size": 10, "bandwidth": 0.2,
             "eval_bandwidth": 0.05, "bins": 2, "train_edges": false, "edge_gap": 0.01, "reflect_infinities": true,
             "points_per_blob": 50, "shared_draws": true, "test_fraction": 0.5, "scales": {"sig": 3}, "lumi": 2,
             "floor": 0, "loss": {"discovery": 1, "bce": 0.5}, "select_by": "poi_uncert", "interpolation": "code0",
             "bce_signal": ["sig"], "bce_background": ["bkg_up", "bkg_down"]}
            """
        let c = try TrainerConfiguration(json: text)
        XCTAssertEqual(c.seed, 7)
        XCTAssertEqual(c.hidden, [3, 2])
        XCTAssertEqual(c.activation, .tanh)
        XCTAssertEqual(c.outputActivation, .identity)
        XCTAssertEqual(c.initialization, .he)
        XCTAssertEqual(c.optimizer, "sgd")
        XCTAssertEqual(c.learningRate, 0.5)
        XCTAssertEqual(c.momentum, 0.9)
        XCTAssertEqual(c.batchSize, 10)
        XCTAssertEqual(c.bandwidth, 0.2)
        XCTAssertEqual(c.evalBandwidth, 0.05)
        XCTAssertEqual(c.edges, [0, 0.5, 1])
        XCTAssertFalse(c.trainEdges)
        XCTAssertEqual(c.edgeGap, 0.01)
        XCTAssertTrue(c.reflectInfinities)
        XCTAssertEqual(c.pointsPerBlob, 50)
        XCTAssertTrue(c.sharedDraws)
        XCTAssertEqual(c.testFraction, 0.5)
        XCTAssertEqual(c.scale("sig"), 3)
        XCTAssertEqual(c.scale("bkg_nominal"), 10)
        XCTAssertEqual(c.luminosity, 2)
        XCTAssertEqual(c.floor, 0)
        XCTAssertEqual(
            c.objective, try PipelineObjective([.init(loss: .discovery, weight: 1), .init(loss: .bce, weight: 0.5)]))
        XCTAssertEqual(c.selectionMetric, "poi_uncert")
        XCTAssertEqual(c.interpolation, .code0)
        XCTAssertEqual(c.bceBackground, ["bkg_up", "bkg_down"])
        XCTAssertEqual(c.json, try JSON.parse(text))
    }

    /// `summary` and `temperature`: kde by default; softmax takes one output per bin, identity outputs unless
    /// `output_activation` says otherwise, untrained edges, τ 0.1 unless given; contradictions are refused.
    func testSummary() throws {
        let kde = try TrainerConfiguration(json: "{}")
        XCTAssertEqual(kde.summary, .kde)
        XCTAssertEqual(kde.memoryTerms()[0].bytes, 8 * 8 * Double(3 * 1024 + 1024 * 1025 + 1025))
        let softmax = try TrainerConfiguration(json: #"{"summary": "softmax", "bins": 10, "loss": "inferno"}"#)
        XCTAssertEqual(softmax.summary, .softmax(temperature: 0.1))
        XCTAssertEqual(softmax.outputActivation, .identity)
        XCTAssertFalse(softmax.trainEdges)
        XCTAssertEqual(softmax.summary.outputCount(bins: 10), 10)
        XCTAssertEqual(softmax.memoryTerms()[0].bytes, 8 * 8 * Double(3 * 1024 + 1024 * 1025 + 1025 * 10))
        let given = try TrainerConfiguration(
            json: #"{"summary": "softmax", "temperature": 0.25, "output_activation": "tanh", "train_edges": false}"#)
        XCTAssertEqual(given.summary, .softmax(temperature: 0.25))
        XCTAssertEqual(given.outputActivation, .tanh)
        XCTAssertEqual(try TrainerConfiguration(json: #"{"summary": "kde"}"#).summary, .kde)
        for (bad, words) in [
            (#"{"summary": "histogram"}"#, "summary"),
            (#"{"summary": "softmax", "temperature": 0}"#, "temperature"),
            (#"{"summary": "softmax", "temperature": -1}"#, "temperature"),
            (#"{"temperature": 0.1}"#, "temperature"),
            (#"{"summary": "softmax", "train_edges": true}"#, "train_edges"),
            (#"{"summary": "softmax", "loss": "bce"}"#, "bce"),
            (#"{"summary": "softmax", "loss": {"inferno": 1, "bce": 0.1}}"#, "bce"),
        ] {
            XCTAssertThrowsError(try TrainerConfiguration(json: bad), bad) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument, bad)
                XCTAssertTrue("\(error)".contains(words), "\(bad): \(error)")
            }
        }
        XCTAssertThrowsError(try TrainerConfiguration(json: #"{"summary": 1}"#)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .parse)
        }
    }

    /// `unconstrained`: empty by default, a list of names; names the model does not have are refused when the
    /// trainer is made (PipelineSummaryTests and ModelUnconstrainedTests cover the model side).
    func testUnconstrained() throws {
        XCTAssertEqual(try TrainerConfiguration(json: "{}").unconstrained, [])
        let given = try TrainerConfiguration(json: #"{"unconstrained": ["r", "lambda"]}"#)
        XCTAssertEqual(given.unconstrained, ["r", "lambda"])
        for bad in [#"{"unconstrained": "r"}"#, #"{"unconstrained": ["r", 1]}"#] {
            XCTAssertThrowsError(try TrainerConfiguration(json: bad), bad) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .parse, bad)
                XCTAssertTrue("\(error)".contains("unconstrained"), "\(bad): \(error)")
            }
        }
        let neos = try TrainerConfiguration(json: #"{"points_per_blob": 20, "hidden": [4], "unconstrained": ["nope"]}"#)
        XCTAssertThrowsError(try Trainer(configuration: neos)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .model)
            XCTAssertTrue("\(error)".contains("\"nope\""), "\(error)")
        }
    }

    /// Explicit edges override the equal bins; they must be increasing and agree with `bins` if both are given.
    func testEdges() throws {
        XCTAssertEqual(try TrainerConfiguration(json: #"{"edges": [0, 0.1, 1]}"#).edges, [0, 0.1, 1])
        XCTAssertEqual(try TrainerConfiguration(json: #"{"bins": 2, "edges": [0, 0.1, 1]}"#).edges, [0, 0.1, 1])
        for bad in [#"{"edges": [0]}"#, #"{"edges": [0, 0.5, 0.5]}"#, #"{"bins": 3, "edges": [0, 0.1, 1]}"#] {
            XCTAssertThrowsError(try TrainerConfiguration(json: bad), bad) {
                XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument, bad)
            }
        }
    }

    /// The selection metric follows the first loss unless `select_by` says otherwise.
    func testSelectionMetric() throws {
        let expected = [
            "cls": "cls", "discovery": "discovery", "poi_uncert": "poi_uncert", "inferno": "poi_uncert",
            "upper_limit": "discovery", "bce": "discovery",
        ]
        for (loss, metric) in expected {
            XCTAssertEqual(try TrainerConfiguration(json: #"{"loss": "\#(loss)"}"#).selectionMetric, metric, loss)
        }
    }

    /// Unknown keys and wrongly typed values are `.parse` errors naming the key; out-of-range or contradictory
    /// values are `.invalidArgument`.
    func testErrorsNameTheKey() {
        let parseErrors = [
            (#"{"sede": 1}"#, "sede"), (#"{"hidden": 3}"#, "hidden"), (#"{"train_edges": 1}"#, "train_edges"),
            (#"{"seed": "0"}"#, "seed"), (#"{"bandwidth": 0.1,}"#, "line 1"),
        ]
        for (text, key) in parseErrors {
            XCTAssertThrowsError(try TrainerConfiguration(json: text), text) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .parse, text)
                XCTAssertTrue("\(error)".contains(key), "\(text): \(error)")
            }
        }
        let invalid = [
            #"{"seed": -1}"#, #"{"seed": 1.5}"#, #"{"hidden": [0]}"#, #"{"activation": "gelu"}"#,
            #"{"init": "lecun"}"#, #"{"optimizer": "rmsprop"}"#, #"{"learning_rate": 0}"#, #"{"momentum": -1}"#,
            #"{"bandwidth": -0.1}"#, #"{"data": "files"}"#, #"{"points_per_blob": 1}"#, #"{"test_fraction": 1}"#,
            #"{"loss": "mse"}"#, #"{"loss": {"cls": 0}}"#, #"{"select_by": "bce"}"#, #"{"interpolation": "code9"}"#,
            #"{"inputs": 3}"#, #"{"replace": [{"channel": "c", "sample": "s", "events": "sig"}]}"#,
        ]
        for text in invalid {
            XCTAssertThrowsError(try TrainerConfiguration(json: text), text) {
                XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument, "\(text): \($0)")
            }
        }
    }

    /// A configuration no machine can hold is refused when it is read, with the size it would need and the keys
    /// of its largest need; neos's demo needs well under a GiB.
    func testConfigurationsThatCannotFitAreRefusedWithTheirSize() throws {
        let demo = try TrainerConfiguration(json: "{}")
        let needed = try demo.requireMemory()
        XCTAssertGreaterThan(needed, 8 * 1_050_000, "at least the demo network's 1.05 M weights")
        XCTAssertLessThan(needed, 1_073_741_824, "the demo trains on small machines")
        let tooLarge = [
            (#"{"hidden": [10000000]}"#, "batch_size 2000"),
            (#"{"hidden": [100000000, 100000000, 100000000, 100000000, 100000000, 100000000]}"#, "hidden"),
            (#"{"bins": 1000000000}"#, "bins 1000000000"),
            (#"{"points_per_blob": 1000000000}"#, "points_per_blob 1000000000"),
            (#"{"data": "events", "inputs": 1000000000, "hidden": [1000]}"#, "inputs 1000000000"),
            (#"{"batch_size": 1000000000, "points_per_blob": 100000000}"#, "batch_size 1000000000"),
        ]
        for (text, key) in tooLarge {
            XCTAssertThrowsError(try TrainerConfiguration(json: text), text) { error in
                XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument, text)
                let message = (error as? NeosError)?.message ?? ""
                XCTAssertTrue(message.contains("would need") && message.contains(key), "\(text): \(message)")
            }
        }
    }

    /// With data "events" the event-dependent needs are checked once the counts are known: a large batch is
    /// fine for few events, and many events are not.
    func testEventNeedsFollowTheGivenCounts() throws {
        let configuration = try TrainerConfiguration(json: #"{"data": "events", "batch_size": 1000000000}"#)
        let sets = configuration.eventSets.count
        XCTAssertNoThrow(try configuration.requireMemory(trainCounts: Array(repeating: 100, count: sets)))
        XCTAssertThrowsError(
            try configuration.requireMemory(
                trainCounts: Array(repeating: 1_000_000_000, count: sets),
                testCounts: Array(repeating: 1_000_000_000, count: sets))
        ) { error in
            XCTAssertTrue("\(error)".contains("would need"), "\(error)")
        }
    }
}
