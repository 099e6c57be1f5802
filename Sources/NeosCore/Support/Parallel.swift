import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits independent work over the machine's cores. Work below `minimumChunk` items stays on the caller's
/// thread, so small inputs pay no threading cost.
enum Parallel {
    static let coreCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// The number of chunks `count` items are split into.
    static func chunkCount(_ count: Int, minimumChunk: Int) -> Int {
        max(1, min(coreCount, count / max(minimumChunk, 1)))
    }

    /// Calls `body(chunk, range)` for `chunks` contiguous ranges covering 0..<count, concurrently when there is
    /// more than one chunk. `body` must only write to state owned by its chunk.
    static func forEachChunk(count: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
        let ranges = (0..<chunks).map { chunk in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) }
        if chunks == 1 {
            body(0, ranges[0])
            return
        }
        // The chunks write disjoint state by contract, which the compiler cannot see through raw buffers.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in body(chunk, ranges[chunk]) }
        }
    }

    /// Calls `body(index)` for every index of 0..<count on `workers` threads, each taking the next index not yet
    /// taken (so items of uneven cost do not hold up a fixed share). `body` must only write to state owned by its
    /// index.
    static func forEachIndex(count: Int, workers: Int, _ body: (Int) -> Void) {
        let next = Atomic<Int>(0)
        forEachChunk(count: workers, chunks: max(1, min(workers, count))) { _, _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                body(index)
            }
        }
    }
}
