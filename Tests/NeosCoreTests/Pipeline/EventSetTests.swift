import XCTest

@testable import NeosCore

final class EventSetTests: XCTestCase {
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

    /// Events are rows of `dimension` values; the set's checks refuse every malformed input with
    /// `.invalidArgument`.
    func testEventSetShapeAndChecks() throws {
        let set = try EventSet(points: [1, 2, 3, 4, 5, 6], dimension: 2, weights: [1, 0, 3])
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.totalWeight, 4)
        XCTAssertEqual(try EventSet(points: [1, 2, 3], dimension: 1).totalWeight, 3, "unweighted: the count")
        let subset = set.subset([2, 0])
        XCTAssertEqual(subset.points, [5, 6, 1, 2])
        XCTAssertEqual(subset.weights, [3, 1])
        let bad: [(points: [Double], dimension: Int, weights: [Double]?)] = [
            ([1, 2], 0, nil), ([1, 2, 3], 2, nil), ([], 2, nil), ([1, .nan], 2, nil), ([1, 2], 2, [1, 1]),
            ([1, 2], 2, [-1]), ([1, 2], 2, [0]), ([1, 2], 2, [.infinity]),
        ]
        for b in bad {
            XCTAssertThrowsError(try EventSet(points: b.points, dimension: b.dimension, weights: b.weights), "\(b)") {
                XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument)
            }
        }
    }

    /// The seeded permutation is a permutation, reproducible, and different for another seed.
    func testSeededPermutation() {
        let p = seededPermutation(1000, seed: 8)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertEqual(p, seededPermutation(1000, seed: 8))
        XCTAssertNotEqual(p, seededPermutation(1000, seed: 9))
        XCTAssertEqual(seededPermutation(1, seed: 8), [0])
        XCTAssertEqual(seededPermutation(0, seed: 8), [])
    }

    /// The two parts are disjoint and cover the sample; samples of equal size are split by the same permutation
    /// (their events stay aligned), and the split's fraction is checked.
    func testTrainTestSplitPartition() throws {
        let n = 40
        let ids = try EventSet(points: (0..<n).map(Double.init), dimension: 1)
        let shifted = try EventSet(points: (0..<n).map { Double($0) + 1000 }, dimension: 1)
        let split = try trainTestSplit([ids, shifted], testFraction: 0.3, seed: 2)
        XCTAssertEqual(split.test[0].count, 12, "⌈0.3·40⌉")
        XCTAssertEqual(Set(split.test[0].points + split.train[0].points), Set(ids.points))
        XCTAssertTrue(Set(split.test[0].points).isDisjoint(with: split.train[0].points))
        XCTAssertEqual(split.test[1].points, split.test[0].points.map { $0 + 1000 })
        for fraction in [0, 1, -0.1, 1.5] {
            XCTAssertThrowsError(try trainTestSplit([ids], testFraction: fraction, seed: 0), "\(fraction)")
        }
        XCTAssertThrowsError(try trainTestSplit([try EventSet(points: [1], dimension: 1)], testFraction: 0.5, seed: 0))
    }

    /// Every epoch visits each training event exactly once, in a fresh order; bad sizes are refused.
    func testBatcherEpochs() throws {
        var batcher = try Batcher(sizes: [10], batchSize: 4, seed: 1)
        XCTAssertEqual(batcher.batchesPerEpoch, 3)
        var epochs: [[Int]] = []
        for _ in 0..<3 {
            var order: [Int] = []
            for _ in 0..<batcher.batchesPerEpoch { order += batcher.next()[0] }
            XCTAssertEqual(order.sorted(), Array(0..<10))
            epochs.append(order)
        }
        XCTAssertEqual(batcher.epoch, 3)
        XCTAssertEqual(batcher.batchInEpoch, 0)
        XCTAssertNotEqual(epochs[0], epochs[1])
        XCTAssertThrowsError(try Batcher(sizes: [10], batchSize: 0, seed: 1))
        XCTAssertThrowsError(try Batcher(sizes: [], batchSize: 4, seed: 1))
        XCTAssertThrowsError(try Batcher(sizes: [10, 0], batchSize: 4, seed: 1))
    }
}
