import Synchronization
import XCTest

@testable import NeosCore

final class ParallelTests: XCTestCase {
    /// One chunk per `minimumChunk` items, at least one and at most one per core.
    func testChunkCount() {
        XCTAssertEqual(Parallel.chunkCount(0, minimumChunk: 100), 1)
        XCTAssertEqual(Parallel.chunkCount(99, minimumChunk: 100), 1)
        XCTAssertEqual(Parallel.chunkCount(250, minimumChunk: 100), min(2, Parallel.coreCount))
        XCTAssertEqual(Parallel.chunkCount(1_000_000, minimumChunk: 1), Parallel.coreCount)
        XCTAssertEqual(Parallel.chunkCount(10, minimumChunk: 0), min(10, Parallel.coreCount), "0 counts as 1")
        XCTAssertGreaterThanOrEqual(Parallel.coreCount, 1)
    }

    /// The chunks' ranges are contiguous, in order, cover 0..<count exactly once, and differ in size by at
    /// most one; every chunk index is called once, also when several run concurrently.
    func testChunksPartitionTheRange() {
        for (count, chunks) in [(10, 1), (10, 3), (7, 7), (1000, 4), (0, 1)] {
            let ranges = Mutex<[Int: Range<Int>]>([:])
            Parallel.forEachChunk(count: count, chunks: chunks) { chunk, range in
                ranges.withLock { $0[chunk] = range }
            }
            let found = ranges.withLock { $0 }
            XCTAssertEqual(found.keys.sorted(), Array(0..<chunks), "\(count) in \(chunks)")
            let ordered = (0..<chunks).map { found[$0]! }
            XCTAssertEqual(ordered.first?.lowerBound, 0)
            XCTAssertEqual(ordered.last?.upperBound, count)
            for (a, b) in zip(ordered, ordered.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            let sizes = ordered.map(\.count)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
        }
    }

    /// Chunks writing disjoint parts of one buffer give the sequential result.
    func testDisjointWritesMatchSequentialWork() {
        let count = 100_003
        var out = [Double](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = buffer.baseAddress!
            Parallel.forEachChunk(count: count, chunks: 4) { _, range in
                for i in range { target[i] = Double(i) * 0.5 }
            }
        }
        XCTAssertEqual(out, (0..<count).map { Double($0) * 0.5 })
    }
}
