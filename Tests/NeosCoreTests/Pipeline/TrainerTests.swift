import XCTest

@testable import NeosCore

final class TrainerTests: XCTestCase {
    let small = #""hidden": [8, 8], "points_per_blob": 400, "batch_size": 100, "seed": 1"#

    /// A short cls run on a small network: every step finite, the loss falls from its start, the metrics log
    /// has one record per step and the best step is the one with the lowest test cls.
    func testShortRunImprovesAndLogs() throws {
        let trainer = try Trainer(configuration: TrainerConfiguration(json: #"{\#(small), "learning_rate": 0.01}"#))
        let initial = try trainer.evaluate()
        let records = try trainer.run(steps: 12)
        XCTAssertEqual(records.map(\.step), Array(0..<12))
        for r in records {
            XCTAssertTrue(r.loss.isFinite && r.test.values.allSatisfy(\.isFinite), "step \(r.step)")
        }
        let best = try XCTUnwrap(trainer.best)
        XCTAssertEqual(best.test["cls"], records.map { $0.test["cls"]! }.min())
        XCTAssertLessThan(best.test["cls"]!, initial["cls"]!)
        let metrics = try JSON.parse(trainer.metricsJSON())
        XCTAssertEqual(metrics["steps"].flatMap { if case .array(let a) = $0 { a.count } else { nil } }, 12)
        XCTAssertEqual(metrics["best"]?["step"], .number(Double(best.step)))
        try trainer.restoreBest()
        XCTAssertEqual(try trainer.evaluate(), best.test)
    }

    /// Parameters round-trip, and a rejected update (NaN) leaves them unchanged.
    func testParametersAndErrors() throws {
        let trainer = try Trainer(configuration: TrainerConfiguration(json: "{\(small)}"))
        let p = trainer.parameters
        XCTAssertEqual(p.count, trainer.pipeline.network.parameterCount + 3)
        var q = p
        q[q.count - 2] = 0.55
        try trainer.setParameters(q)
        XCTAssertEqual(trainer.parameters, q)
        XCTAssertEqual(trainer.edges, [0, 0.25, 0.55, 0.75, 1])
        q[0] = .nan
        XCTAssertThrowsError(try trainer.setParameters(q))
        XCTAssertEqual(trainer.parameters[0], p[0])
        XCTAssertThrowsError(try trainer.setParameters([1, 2]))
        for bad in [
            #"{"loss": "nope"}"#, #"{"hidden": [0]}"#, #"{"bins": 4, "edges": [0, 1]}"#, #"{"unknown": 1}"#,
            #"{"data": "events"}"#, #"{"replace": []}"#, #"{"edges": [0, 0.5, 0.4, 1]}"#,
        ] {
            XCTAssertThrowsError(try Trainer(configuration: TrainerConfiguration(json: bad)), bad)
        }
    }

    /// Caller-supplied weighted events: yields are scale·lumi·Σw·K/Σw, so doubling every weight changes nothing
    /// and the bce loss trains on the given labels.
    func testUserEvents() throws {
        let blobs = try GaussianBlobs.generate(pointsPerBlob: 200, seed: 4)
        var train: [String: EventSet] = [:]
        var test: [String: EventSet] = [:]
        for (i, name) in GaussianBlobs.names.enumerated() {
            let weights = (0..<150).map { Double($0 % 3 + 1) }
            train[name] = try EventSet(points: Array(blobs[i].points[0..<300]), dimension: 2, weights: weights)
            test[name] = blobs[i].subset(150..<200)
        }
        let configuration = try TrainerConfiguration(
            json: #"{"hidden": [6], "data": "events", "batch_size": 50, "loss": {"cls": 1, "bce": 0.1}}"#)
        let trainer = try Trainer(configuration: configuration, events: (train, test))
        let a = try trainer.lossAndGradient(parameters: trainer.parameters, events: train)
        var doubled = train
        for name in GaussianBlobs.names {
            doubled[name] = try EventSet(
                points: train[name]!.points, dimension: 2, weights: train[name]!.weights!.map { 2 * $0 })
        }
        let b = try trainer.lossAndGradient(parameters: trainer.parameters, events: doubled)
        XCTAssertEqual(a.loss, b.loss, accuracy: 1e-14 * abs(a.loss))
        try trainer.run(steps: 3)
        XCTAssertEqual(trainer.records.count, 3)
        XCTAssertThrowsError(try Trainer(configuration: configuration))
    }

    /// The saved parameter file restores the same network outputs.
    func testSaveAndLoad() throws {
        let trainer = try Trainer(configuration: TrainerConfiguration(json: "{\(small)}"))
        try trainer.step()
        let file = try trainer.parameterFile()
        let other = try Trainer(configuration: TrainerConfiguration(json: "{\(small)}"))
        try other.load(ParameterFile(encoded: file.encoded()))
        XCTAssertEqual(other.parameters, trainer.parameters)
        XCTAssertEqual(try other.predict([0.5, -0.5, 1, 2]), try trainer.predict([0.5, -0.5, 1, 2]))
    }
}
