import XCTest

@testable import NeosCore

/// The vectorised binned KDE against a scalar reference built from ``Normal``, the exactness of its edge window,
/// its independence of the thread count, and its VJP against finite differences.
final class KernelDensityTests: XCTestCase {
    /// Per-event bin masses from the scalar functions, formed as Normal.probability(between:and:) forms them; with
    /// `reflect`, Φ(z_0) added to the first bin and 1 − Φ(z_B) to the last. Also returns, per bin, the sum of the
    /// magnitudes of the terms the mass is formed from (the scale of its rounding errors).
    func scalarMasses(_ x: Double, edges: [Double], bandwidth: Double, reflect: Bool) -> ([Double], [Double]) {
        let z = edges.map { ($0 - x) * (1 / bandwidth) }
        let binCount = edges.count - 1
        var masses: [Double] = []
        var scales: [Double] = []
        for j in 0..<binCount {
            var mass = Normal.probability(between: z[j], and: z[j + 1])
            var scale =
                Normal.survival(abs(z[j])) + Normal.survival(abs(z[j + 1])) + (z[j] < 0 && z[j + 1] >= 0 ? 1 : 0)
            if reflect && j == 0 {
                mass += Normal.cdf(z[0])
                scale += 1
            }
            if reflect && j == binCount - 1 {
                mass += Normal.survival(z[binCount])
                scale += 1
            }
            masses.append(mass)
            scales.append(scale)
        }
        return (masses, scales)
    }

    /// One event at a time over x ∈ [−1, 2] (step 1e-3) for bandwidths 0.02, 0.09, 0.3 with and without
    /// reflection: every bin mass within 1.5e-15 of the scale of the tails it is formed from (so tiny far-tail
    /// masses keep their relative precision; where two tails of similar size cancel, both implementations lose
    /// the same digits, and the tails' own agreement, 1.5e-15, is what either can promise); subnormal masses,
    /// which carry fewer digits, to 2000 subnormal steps (1e-320) absolute.
    func testSingleEventMassesMatchTheScalarReference() throws {
        let edges = (0...20).map { Double($0) * 0.05 }
        for bandwidth in [0.02, 0.09, 0.3] {
            for reflect in [false, true] {
                for step in 0...3000 {
                    let x = -1 + Double(step) * 1e-3
                    let counts = try Histogram.counts(
                        data: [x], edges: edges, bandwidth: bandwidth,
                        options: HistogramOptions(reflectInfinities: reflect))
                    let (masses, scales) = scalarMasses(x, edges: edges, bandwidth: bandwidth, reflect: reflect)
                    for j in 0..<masses.count
                    where abs(counts[j] - masses[j]) > 1.5e-15 * scales[j] + 2000 * Double.leastNonzeroMagnitude {
                        XCTFail("x=\(x) h=\(bandwidth) reflect=\(reflect) bin \(j): \(counts[j]) vs \(masses[j])")
                        return
                    }
                }
            }
        }
    }

    /// 5000 weighted events, 30 bins, bandwidth 0.09 (the benchmark's shape): each bin content within 1e-14
    /// relative of the scalar reference summed with compensation (the vector sums run per lane and per block,
    /// the reference in event order; 1e-15 is the per-event accuracy above, the rest is summation order).
    func testCountsMatchTheScalarReference() throws {
        var generator = SplitMix64(seed: 11)
        let events = (0..<5000).map { _ in generator.nextUniform() * 1.6 - 0.3 }
        let weights = (0..<5000).map { _ in generator.nextUniform() + 0.5 }
        let edges = (0...30).map { Double($0) / 30 }
        for reflect in [false, true] {
            let counts = try Histogram.counts(
                data: events, edges: edges, bandwidth: 0.09, weights: weights,
                options: HistogramOptions(reflectInfinities: reflect))
            var sums = [Double](repeating: 0, count: 30)
            var compensations = [Double](repeating: 0, count: 30)
            for (x, w) in zip(events, weights) {
                let (masses, _) = scalarMasses(x, edges: edges, bandwidth: 0.09, reflect: reflect)
                for j in 0..<30 {
                    // Neumaier's compensated sum.
                    let term = w * masses[j]
                    let total = sums[j] + term
                    compensations[j] += abs(sums[j]) >= abs(term) ? (sums[j] - total) + term : (term - total) + sums[j]
                    sums[j] = total
                }
            }
            for j in 0..<30 {
                let reference = sums[j] + compensations[j]
                XCTAssertEqual(counts[j], reference, accuracy: 1e-14 * reference, "reflect=\(reflect) bin \(j)")
            }
        }
    }

    /// Sorted events and a bandwidth 0.004 on 60 bins over [0, 1.2], so most vectors of eight events see only a
    /// few edges: counts and every gradient are the same bits with the window as with every edge evaluated.
    func testEdgeWindowChangesNoBit() throws {
        var generator = SplitMix64(seed: 5)
        let events = (0..<1500).map { _ in generator.nextUniform() * 1.6 - 0.2 }.sorted()
        let weights = (0..<1500).map { _ in generator.nextUniform() * 2 - 0.5 }
        let edges = (0...60).map { Double($0) * 0.02 }
        let cotangent = (0..<60).map { _ in generator.nextUniform() - 0.5 }
        // The first eight events (near −0.2) see none of the edges above 0.2 − 38.625 · 0.004 ≈ 0.35.
        events.withUnsafeBufferPointer { data in
            edges.withUnsafeBufferPointer { edges in
                var firstEight = DoubleVector()
                for lane in 0..<8 { firstEight[lane] = data[lane] }
                let pass = Histogram.smoothPass(
                    data: data, edges: edges, bandwidth: 0.004, weights: nil, options: HistogramOptions())
                XCTAssertLessThan(KernelDensityBlocks.window(pass, firstEight).1, 20)
            }
        }
        for density in [false, true] {
            for reflect in [false, true] {
                let options = HistogramOptions(density: density, reflectInfinities: reflect)
                let windowed = try evaluate(
                    events, weights, edges, 0.004, cotangent, options, threads: 2, windowed: true)
                let full = try evaluate(events, weights, edges, 0.004, cotangent, options, threads: 2, windowed: false)
                XCTAssertEqual(windowed, full, "density=\(density) reflect=\(reflect)")
            }
        }
    }

    /// 20,000 events (20 blocks): counts and every gradient are the same bits on 1, 2, 3 and 7 threads, in the
    /// baseline copy of the loop and in the widest this CPU runs.
    func testThreadCountChangesNoBit() throws {
        var generator = SplitMix64(seed: 3)
        let events = (0..<20_000).map { _ in generator.nextUniform() * 1.4 - 0.2 }
        let weights = (0..<20_000).map { _ in generator.nextUniform() + 0.5 }
        let edges = (0...10).map { Double($0) / 10 }
        let cotangent = (0..<10).map { _ in generator.nextUniform() - 0.5 }
        let options = HistogramOptions(density: true, reflectInfinities: true)
        for instructionSet in [KernelTuning.InstructionSet.baseline, .widest] {
            let single = try evaluate(
                events, weights, edges, 0.09, cotangent, options, threads: 1, windowed: true,
                instructionSet: instructionSet)
            for threads in [2, 3, 7] {
                let split = try evaluate(
                    events, weights, edges, 0.09, cotangent, options, threads: threads, windowed: true,
                    instructionSet: instructionSet)
                XCTAssertEqual(split, single, "\(threads) threads, \(instructionSet)")
            }
        }
    }

    /// The baseline build of the loop (SSE2 here, no fused multiply-adds) against the AVX2 and AVX-512 builds
    /// (fused multiply-adds, so their roundings differ) that this CPU runs, 3000 events, 30 bins, bandwidth 0.09:
    /// every bin count within 2e-15 relative; every gradient within 3e-14 of the largest magnitude of its kind
    /// (d/d data, d/d weights, d/d edges, d/d bandwidth), since the edge and bandwidth gradients are sums of
    /// signed terms whose cancellation leaves entries far below their terms' size. Measured: counts
    /// 3.0e-16, d/d data 7.7e-16, d/d weights 1.1e-15, d/d edges 1.2e-14, d/d bandwidth 3.3e-15.
    func testInstructionSetsAgreeWithinTolerance() throws {
        var generator = SplitMix64(seed: 13)
        let events = (0..<3000).map { _ in generator.nextUniform() * 1.4 - 0.2 }
        let weights = (0..<3000).map { _ in generator.nextUniform() + 0.5 }
        let edges = (0...30).map { Double($0) / 30 }
        let cotangent = (0..<30).map { _ in generator.nextUniform() - 0.5 }
        let wider = [KernelTuning.InstructionSet.avx2, .avx512].filter { $0 <= KernelTuning.InstructionSet.widest }
        // The parts of what evaluate returns: counts, d/d data, d/d weights, d/d edges, d/d bandwidth.
        let sizes = [edges.count - 1, events.count, events.count, edges.count, 1]
        for reflect in [false, true] {
            let options = HistogramOptions(density: true, reflectInfinities: reflect)
            let baseline = try evaluate(
                events, weights, edges, 0.09, cotangent, options, threads: 1, windowed: true, instructionSet: .baseline)
            for instructionSet in wider {
                let wide = try evaluate(
                    events, weights, edges, 0.09, cotangent, options, threads: 1, windowed: true,
                    instructionSet: instructionSet)
                var start = 0
                for (part, size) in sizes.enumerated() {
                    let ours = wide[start..<start + size]
                    let reference = baseline[start..<start + size]
                    let scale = reference.map(abs).max() ?? 0
                    let worst =
                        zip(ours, reference).map { part == 0 ? abs($0 - $1) / abs($1) : abs($0 - $1) / scale }
                        .max() ?? 0
                    XCTAssertLessThanOrEqual(
                        worst, part == 0 ? 2e-15 : 3e-14, "reflect=\(reflect) \(instructionSet) part \(part)")
                    start += size
                }
            }
        }
    }

    /// 64 sorted events, 12 bins over [0, 1.2], bandwidth 0.02 (the window is active at the ends): every
    /// gradient against central differences with step 1e-7·max(1, |value|) (truncation error ~1e-10 at this
    /// bandwidth), within 1e-6 relative or 1e-7 absolute (the objective is O(10): its rounding over a 2e-7 step
    /// is about 1e-8).
    func testVJPMatchesCentralDifferencesWithTheWindowActive() throws {
        var generator = SplitMix64(seed: 9)
        let data = (0..<64).map { _ in generator.nextUniform() * 1.4 - 0.1 }.sorted()
        let weights = (0..<64).map { _ in generator.nextUniform() + 0.25 }
        let edges = (0...12).map { Double($0) * 0.1 }
        let cotangent = (0..<12).map { _ in generator.nextUniform() * 2 - 1 }
        for reflect in [false, true] {
            let options = HistogramOptions(reflectInfinities: reflect)
            func objective(_ data: [Double], _ edges: [Double], _ weights: [Double], _ bandwidth: Double) -> Double {
                let counts = try! Histogram.counts(
                    data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options)
                return zip(cotangent, counts).map(*).reduce(0, +)
            }
            let gradients = try Histogram.vjp(
                cotangent: cotangent, data: data, edges: edges, bandwidth: 0.02, weights: weights, options: options)
            let label = "reflect=\(reflect)"
            assertGradient(
                gradients.data, centralDifferences(data, relativeStep: 1e-7) { objective($0, edges, weights, 0.02) },
                label,
                absolute: 1e-7)
            assertGradient(
                gradients.edges, centralDifferences(edges, relativeStep: 1e-7) { objective(data, $0, weights, 0.02) },
                label,
                absolute: 1e-7)
            assertGradient(
                gradients.weights, centralDifferences(weights, relativeStep: 1e-7) { objective(data, edges, $0, 0.02) },
                label,
                absolute: 1e-7)
            assertGradient(
                [gradients.bandwidth],
                centralDifferences([0.02], relativeStep: 1e-7) { objective(data, edges, weights, $0[0]) },
                label, absolute: 1e-7)
        }
    }

    /// Counts, then every gradient (data, weights, edges, bandwidth) through the internal entry points.
    func evaluate(
        _ data: [Double], _ weights: [Double], _ edges: [Double], _ bandwidth: Double, _ cotangent: [Double],
        _ options: HistogramOptions, threads: Int, windowed: Bool,
        instructionSet: KernelTuning.InstructionSet = .avx512
    ) throws -> [Double] {
        let tuning = KernelTuning(threads: threads, windowed: windowed, instructionSet: instructionSet)
        var counts = [Double](repeating: 0, count: edges.count - 1)
        var gradData = [Double](repeating: 0, count: data.count)
        var gradWeights = [Double](repeating: 0, count: data.count)
        var gradEdges = [Double](repeating: 0, count: edges.count)
        var gradBandwidth = 0.0
        try data.withUnsafeBufferPointer { data in
            try weights.withUnsafeBufferPointer { weights in
                try edges.withUnsafeBufferPointer { edges in
                    try cotangent.withUnsafeBufferPointer { cotangent in
                        try counts.withUnsafeMutableBufferPointer { counts in
                            try Histogram.counts(
                                data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options,
                                into: counts, tuning: tuning)
                        }
                        try gradData.withUnsafeMutableBufferPointer { gradData in
                            try gradWeights.withUnsafeMutableBufferPointer { gradWeights in
                                try gradEdges.withUnsafeMutableBufferPointer { gradEdges in
                                    gradBandwidth = try Histogram.vjp(
                                        cotangent: cotangent, data: data, edges: edges, bandwidth: bandwidth,
                                        weights: weights, options: options, gradData: gradData,
                                        gradWeights: gradWeights, gradEdges: gradEdges, tuning: tuning)
                                }
                            }
                        }
                    }
                }
            }
        }
        return counts + gradData + gradWeights + gradEdges + [gradBandwidth]
    }
}
