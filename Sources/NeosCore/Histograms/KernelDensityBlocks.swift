// The event loop of the binned KDE and its VJP. Like Math/VectorNormal.swift this file is compiled into NeosCore
// and, through symlinks, into NeosKernelsAVX2 and NeosKernelsAVX512, so it depends on nothing else in NeosCore;
// its sums of products go through VectorNormal.multiplyAdd (fused in the AVX copies).

/// One smooth-histogram pass over the events (bandwidth > 0): what to compute and where to put it. The events
/// are cut into fixed blocks of ``KernelDensityBlocks/blockSize``; every sum over events is kept per block and
/// the caller adds the blocks in order, so results do not depend on how blocks are spread over threads.
package struct KernelDensityPass {
    package var data: UnsafePointer<Double>
    package var count: Int
    /// One weight per event, or nil for unit weights.
    package var weights: UnsafePointer<Double>?
    package var edges: UnsafePointer<Double>
    package var edgeCount: Int
    package var inverseBandwidth: Double
    /// Add the mass below the first edge to the first bin and above the last edge to the last bin.
    package var reflect: Bool
    /// Per block, `edgeCount − 1` kernel-mass sums Σ_k w_k m_kj (nil: counts not wanted).
    package var binSums: UnsafeMutablePointer<Double>?
    /// With `weightGradient`: the cotangent of every bin's raw count, and per event Σ_j cotangent_j m_kj.
    package var binCotangent: UnsafePointer<Double>?
    package var weightGradient: UnsafeMutablePointer<Double>?
    /// With the four below: the cotangent a_i of Φ(z_i) at every edge. Per event −w_k Σ_i a_i φ(z_ki) / h
    /// (`dataGradient`, optional); per block Σ_k w_k a_i φ(z_ki) (`edgeSums`, times 1/h by the caller) and
    /// Σ_k w_k Σ_i a_i φ(z_ki) z_ki (`momentSums`, times −1/h by the caller).
    package var edgeCotangent: UnsafePointer<Double>?
    package var dataGradient: UnsafeMutablePointer<Double>?
    package var edgeSums: UnsafeMutablePointer<Double>?
    package var momentSums: UnsafeMutablePointer<Double>?
    /// Skip the edges outside the ±``VectorNormal/zeroBeyond`` window (false: evaluate every edge; the results are
    /// the same to the bit, which the tests check).
    package var windowed = true

    /// A pass over `count` events that computes nothing yet; set the outputs wanted.
    package init(
        data: UnsafePointer<Double>, count: Int, weights: UnsafePointer<Double>?, edges: UnsafePointer<Double>,
        edgeCount: Int, inverseBandwidth: Double, reflect: Bool
    ) {
        self.data = data
        self.count = count
        self.weights = weights
        self.edges = edges
        self.edgeCount = edgeCount
        self.inverseBandwidth = inverseBandwidth
        self.reflect = reflect
    }
}

/// The blocked, vectorised event loop: eight events per ``DoubleVector``, each edge's Φ and φ from
/// ``VectorNormal``, and only the edges within ±``VectorNormal/zeroBeyond`` bandwidths of the eight events
/// evaluated (outside that window the tails and densities are exactly 0, so skipping them changes no bit).
package enum KernelDensityBlocks {
    /// Events per block: the unit of the per-block sums (and of the work handed to a thread).
    package static let blockSize = 1024

    /// The number of blocks `count` events make.
    package static func blockCount(_ count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Scratch vectors ``run(_:blocks:scratch:)`` needs: one accumulator per bin and per edge.
    package static func scratchCount(edgeCount: Int) -> Int { 2 * edgeCount }

    /// Runs `pass` over the blocks in `blocks`, using `scratch` (``scratchCount(edgeCount:)`` vectors).
    package static func run(
        _ pass: KernelDensityPass, blocks: Range<Int>, scratch: UnsafeMutablePointer<DoubleVector>
    ) {
        if pass.binSums == nil && pass.weightGradient == nil {
            run(pass, blocks: blocks, scratch: scratch, tails: false)
        } else {
            run(pass, blocks: blocks, scratch: scratch, tails: true)
        }
    }

    /// The loop, specialised (after inlining) for passes with and without the kernel tails Q.
    @inline(__always)
    static func run(
        _ pass: KernelDensityPass, blocks: Range<Int>, scratch: UnsafeMutablePointer<DoubleVector>, tails: Bool
    ) {
        let edgeCount = pass.edgeCount
        let binCount = edgeCount - 1
        let binAccumulators = scratch
        let edgeAccumulators = scratch + edgeCount
        let densities = pass.edgeCotangent != nil
        for block in blocks {
            let start = block * blockSize
            let end = min(start + blockSize, pass.count)
            binAccumulators.update(repeating: DoubleVector(), count: edgeCount)
            edgeAccumulators.update(repeating: DoubleVector(), count: edgeCount)
            var momentAccumulator = DoubleVector()
            var first = start
            while first < end {
                let lanes = min(DoubleVector.scalarCount, end - first)
                var events: EventVector
                if lanes == DoubleVector.scalarCount {
                    let x = UnsafeRawPointer(pass.data + first).loadUnaligned(as: DoubleVector.self)
                    let w =
                        pass.weights.map { UnsafeRawPointer($0 + first).loadUnaligned(as: DoubleVector.self) }
                        ?? DoubleVector(repeating: 1)
                    events = EventVector(x: x, w: w)
                } else {
                    // Padding lanes repeat the last event (so the window is unchanged) with weight 0.
                    events = EventVector(x: DoubleVector(repeating: pass.data[first + lanes - 1]), w: DoubleVector())
                    for lane in 0..<lanes {
                        events.x[lane] = pass.data[first + lane]
                        events.w[lane] = pass.weights?[first + lane] ?? 1
                    }
                }
                let (low, high) = window(pass, events.x)
                let bounds = (low: low, high: high)
                if tails {
                    // Bins that touch the window; with reflection also the outer bins, whose extra mass can be 1
                    // away from the window (their edges then lie wholly on one side, so their states are constants).
                    let firstBin = max(low - 1, 0)
                    let endBin = min(high, binCount)
                    let computed = firstBin..<max(firstBin, endBin)
                    if pass.reflect && !computed.contains(0) {
                        let lower = state(0, pass, &events, bounds, edgeAccumulators, densities: densities)
                        let upper = state(1, pass, &events, bounds, edgeAccumulators, densities: densities)
                        addBin(0, lower, upper, pass, &events, binAccumulators)
                    }
                    if !computed.isEmpty {
                        var lower = state(firstBin, pass, &events, bounds, edgeAccumulators, densities: densities)
                        for j in computed {
                            let upper = state(j + 1, pass, &events, bounds, edgeAccumulators, densities: densities)
                            addBin(j, lower, upper, pass, &events, binAccumulators)
                            lower = upper
                        }
                    }
                    if pass.reflect && binCount > 1 && !computed.contains(binCount - 1) {
                        let lower = state(binCount - 1, pass, &events, bounds, edgeAccumulators, densities: densities)
                        let upper = state(binCount, pass, &events, bounds, edgeAccumulators, densities: densities)
                        addBin(binCount - 1, lower, upper, pass, &events, binAccumulators)
                    }
                } else {
                    for i in low..<high where pass.edgeCotangent![i] != 0 {
                        let z = (pass.edges[i] - events.x) * pass.inverseBandwidth
                        accumulateDensity(i, z, VectorNormal.density(z), pass, &events, edgeAccumulators)
                    }
                }

                for lane in 0..<lanes {
                    if let gradient = pass.weightGradient { gradient[first + lane] = events.weightSum[lane] }
                    if let gradient = pass.dataGradient {
                        gradient[first + lane] = (-events.w[lane] * events.densitySum[lane]) * pass.inverseBandwidth
                    }
                }
                momentAccumulator = VectorNormal.multiplyAdd(events.w, events.momentSum, momentAccumulator)
                first += lanes
            }
            if let sums = pass.binSums {
                for j in 0..<binCount { sums[block * binCount + j] = binAccumulators[j].sum() }
            }
            if let sums = pass.edgeSums {
                for i in 0..<edgeCount { sums[block * edgeCount + i] = edgeAccumulators[i].sum() }
            }
            pass.momentSums?[block] = momentAccumulator.sum()
        }
    }

    /// Eight events and their running per-event sums while their edges are visited.
    struct EventVector {
        var x: DoubleVector
        var w: DoubleVector
        var weightSum = DoubleVector()
        var densitySum = DoubleVector()
        var momentSum = DoubleVector()
    }

    /// An edge seen from eight events: u = +Q left of an event, −Q right of it, and which lanes are right of it.
    typealias EdgeState = (u: DoubleVector, right: SIMDMask<SIMD8<Int64>>)

    /// Edge i's state: a constant outside the window [low, high), else Q (and, with `densities`, φ for the
    /// gradients) evaluated.
    @_transparent
    static func state(
        _ i: Int, _ pass: KernelDensityPass, _ events: inout EventVector, _ bounds: (low: Int, high: Int),
        _ edgeAccumulators: UnsafeMutablePointer<DoubleVector>, densities: Bool
    ) -> EdgeState {
        if i < bounds.low { return (DoubleVector(), SIMDMask(repeating: false)) }
        if i >= bounds.high { return (DoubleVector(repeating: -0.0), SIMDMask(repeating: true)) }
        let z = (pass.edges[i] - events.x) * pass.inverseBandwidth
        let right = z .>= 0
        let q: DoubleVector
        if densities {
            let values = VectorNormal.tailAndDensity(z)
            q = values.tail
            accumulateDensity(i, z, values.density, pass, &events, edgeAccumulators)
        } else {
            q = VectorNormal.tail(z)
        }
        return (q.replacing(with: -q, where: right), right)
    }

    /// Adds edge i's density terms a_i φ(z) to the events' sums and the edge's accumulator.
    @_transparent
    static func accumulateDensity(
        _ i: Int, _ z: DoubleVector, _ density: DoubleVector, _ pass: KernelDensityPass, _ events: inout EventVector,
        _ edgeAccumulators: UnsafeMutablePointer<DoubleVector>
    ) {
        let a = pass.edgeCotangent![i]
        guard a != 0 else { return }
        let term = density * a
        events.densitySum += term
        events.momentSum = VectorNormal.multiplyAdd(term, z, events.momentSum)
        edgeAccumulators[i] = VectorNormal.multiplyAdd(events.w, term, edgeAccumulators[i])
    }

    /// Bin j's mass from its edges, as Normal.probability(between:and:) forms it: Q_j − Q_{j+1} right of the
    /// event, Q_{j+1} − Q_j left of it, (1 − Q_j) − Q_{j+1} across it; plus, when reflecting, Φ(z_0) in the first
    /// bin and 1 − Φ(z_B) in the last. Added to the bin's accumulator and the events' weight-gradient sums.
    @_transparent
    static func addBin(
        _ j: Int, _ lower: EdgeState, _ upper: EdgeState, _ pass: KernelDensityPass, _ events: inout EventVector,
        _ binAccumulators: UnsafeMutablePointer<DoubleVector>
    ) {
        let across = DoubleVector().replacing(with: 1, where: upper.right .& .!lower.right)
        var mass = (across - lower.u) + upper.u
        if pass.reflect {
            if j == 0 { mass += DoubleVector().replacing(with: 1, where: lower.right) + lower.u }
            if j == pass.edgeCount - 2 {
                mass += DoubleVector(repeating: 1).replacing(with: 0, where: upper.right) - upper.u
            }
        }
        if pass.binSums != nil { binAccumulators[j] = VectorNormal.multiplyAdd(events.w, mass, binAccumulators[j]) }
        if let cotangent = pass.binCotangent {
            events.weightSum = VectorNormal.multiplyAdd(mass, DoubleVector(repeating: cotangent[j]), events.weightSum)
        }
    }

    /// The edges [low, high) that some of the eight events `x` sees: below `low` every lane has
    /// z = (e − x)/h ≤ −``VectorNormal/zeroBeyond``, from `high` on every lane has z ≥ that, both as the loop
    /// computes z (rounding is monotone, so the extreme lanes decide). With a non-finite 1/h nothing is skipped,
    /// so NaN lanes (0 · ∞) still reach the result.
    @inline(__always)
    static func window(_ pass: KernelDensityPass, _ x: DoubleVector) -> (Int, Int) {
        let edgeCount = pass.edgeCount
        guard pass.windowed, pass.inverseBandwidth.isFinite else { return (0, edgeCount) }
        let limit = VectorNormal.zeroBeyond
        let smallest = x.min()
        let largest = x.max()
        let edges = pass.edges
        let h = pass.inverseBandwidth
        // Most calls see every edge: check the ends before searching.
        var low = 0
        if (edges[0] - smallest) * h <= -limit {
            var below = 0  // (edges[below] − smallest)·h ≤ −limit
            var above = edgeCount  // first edge known to be inside, or edgeCount
            while above - below > 1 {
                let middle = (below + above) / 2
                if (edges[middle] - smallest) * h <= -limit { below = middle } else { above = middle }
            }
            low = above
        }
        var high = edgeCount
        if (edges[edgeCount - 1] - largest) * h >= limit {
            var inside = low - 1  // last edge known to be below the limit (or low − 1)
            var beyond = edgeCount - 1  // (edges[beyond] − largest)·h ≥ limit
            while beyond - inside > 1 {
                let middle = (inside + beyond) / 2
                if (edges[middle] - largest) * h >= limit { beyond = middle } else { inside = middle }
            }
            high = beyond
        }
        return (low, max(low, high))
    }
}
