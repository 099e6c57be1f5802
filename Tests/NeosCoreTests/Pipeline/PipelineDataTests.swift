import XCTest

@testable import NeosCore

final class PipelineDataTests: XCTestCase {
    /// Blob means within 4 standard errors (1/√N) of neos's, unit variance within 5%; shared draws are exact
    /// translations of one another.
    func testGaussianBlobs() throws {
        let n = 10000
        let blobs = try GaussianBlobs.generate(pointsPerBlob: n, seed: 0)
        for (set, mean) in zip(blobs, GaussianBlobs.means) {
            XCTAssertEqual(set.count, n)
            let xs = stride(from: 0, to: 2 * n, by: 2).map { set.points[$0] }
            let ys = stride(from: 1, to: 2 * n, by: 2).map { set.points[$0] }
            let mx = xs.reduce(0, +) / Double(n)
            let my = ys.reduce(0, +) / Double(n)
            XCTAssertEqual(mx, mean.0, accuracy: 4 / Double(n).squareRoot())
            XCTAssertEqual(my, mean.1, accuracy: 4 / Double(n).squareRoot())
            let vx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) } / Double(n)
            XCTAssertEqual(vx, 1, accuracy: 0.05)
        }
        XCTAssertNotEqual(blobs[0].points[0] + 1, blobs[1].points[0] - 1, "independent draws by default")
        let shared = try GaussianBlobs.generate(pointsPerBlob: 100, seed: 0, sharedDraws: true)
        for k in 0..<100 {
            XCTAssertEqual(shared[0].points[2 * k] + 1, shared[1].points[2 * k] - 1, accuracy: 1e-12)
            XCTAssertEqual(shared[2].points[2 * k + 1] - 2, shared[3].points[2 * k + 1] + 1.5, accuracy: 1e-12)
        }
    }

    /// scikit-learn's sizes (test = ⌈0.25·10000⌉ = 2500), disjoint halves, and neos's batches (2000, 2000, 2000,
    /// 1500) covering each epoch's training events exactly once.
    func testSplitAndBatches() throws {
        let blobs = try GaussianBlobs.generate(pointsPerBlob: 10000, seed: 1)
        let split = try trainTestSplit(blobs, testFraction: 0.25, seed: 5)
        XCTAssertEqual(split.test[0].count, 2500)
        XCTAssertEqual(split.train[0].count, 7500)
        var batcher = try Batcher(sizes: [7500, 7500], batchSize: 2000, seed: 2)
        var seen = Set<Int>()
        var sizes: [Int] = []
        for _ in 0..<4 {
            let batch = batcher.next()
            XCTAssertEqual(batch[0], batch[1], "equal-size samples share the permutation")
            sizes.append(batch[0].count)
            seen.formUnion(batch[0])
        }
        XCTAssertEqual(sizes, [2000, 2000, 2000, 1500])
        XCTAssertEqual(seen.count, 7500)
        XCTAssertEqual(batcher.epoch, 1)
        var unequal = try Batcher(sizes: [100, 50], batchSize: 40, seed: 2)
        let first = unequal.next()
        XCTAssertEqual(first.map(\.count), [33, 16])
    }

    /// neos's ordering guard and its VJP.
    func testBinEdgeGuard() {
        let edges = [0, 0.3, 0.2, 0.7, 1]
        XCTAssertEqual(BinEdgeGuard.apply(edges), [0, 0.3, 0.3001, 0.7, 1])
        XCTAssertEqual(BinEdgeGuard.vjp([1, 2, 3, 4, 5], edges: edges), [1, 5, 0, 4, 5])
    }
}
