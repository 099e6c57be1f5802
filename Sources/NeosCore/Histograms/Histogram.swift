#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if canImport(NeosKernelsAVX2)
    internal import NeosKernelsAVX2
#endif
#if canImport(NeosKernelsAVX512)
    internal import NeosKernelsAVX512
#endif

/// How a histogram's counts are post-processed.
public struct HistogramOptions: Sendable, Equatable {
    /// Divide each count by its bin width and by the total, so the result integrates to 1 over the edges.
    public var density: Bool
    /// Add the kernel mass that falls below the first edge to the first bin and above the last edge to the
    /// last bin, so no event mass leaks out of the range.
    public var reflectInfinities: Bool

    /// Options with both switches off: raw counts, and events (or kernel mass) outside the edges dropped.
    public init(density: Bool = false, reflectInfinities: Bool = false) {
        self.density = density
        self.reflectInfinities = reflectInfinities
    }
}

/// Gradients of a scalar ⟨cotangent, counts⟩ with respect to every input of ``Histogram/counts``.
public struct HistogramGradients: Sendable, Equatable {
    /// ∂/∂data, one value per event.
    public var data: [Double]
    /// ∂/∂weights, one value per event (also when the counts were taken with unit weights).
    public var weights: [Double]
    /// ∂/∂edges, one value per edge.
    public var edges: [Double]
    /// ∂/∂bandwidth.
    public var bandwidth: Double
}

/// The binned kernel density estimate used by neos (relaxed's `hist`): every event is a Gaussian kernel of
/// width `bandwidth` carrying its weight, and bin j receives the kernel mass between its edges,
///
///     c_j = Σ_k w_k [Φ((e_{j+1} − x_k)/h) − Φ((e_j − x_k)/h)].
///
/// `bandwidth == 0` is the ordinary histogram with numpy's convention (bins half-open on the right, the last
/// one closed; events outside the edges dropped unless `reflectInfinities`).
///
/// With both options set, the mass outside the range is added to the outer bins *before* normalising, so the
/// density integrates to 1. (relaxed divides the infinite outer bins by their infinite width first, which throws
/// that mass away; we treat that as a bug.)
public enum Histogram {
    /// Counts per bin; `edges.count - 1` values.
    public static func counts(
        data: [Double], edges: [Double], bandwidth: Double, weights: [Double]? = nil,
        options: HistogramOptions = HistogramOptions()
    ) throws -> [Double] {
        try data.withUnsafeBufferPointer { data in
            try edges.withUnsafeBufferPointer { edges in
                try withOptionalBuffer(weights) { weights in
                    var out = [Double](repeating: 0, count: max(edges.count - 1, 0))
                    try out.withUnsafeMutableBufferPointer { out in
                        try counts(
                            data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options,
                            into: out)
                    }
                    return out
                }
            }
        }
    }

    /// Buffer form of ``counts(data:edges:bandwidth:weights:options:)``: validates everything first and writes
    /// `out` (length `edges.count - 1`) only when the whole computation succeeded.
    public static func counts(
        data: UnsafeBufferPointer<Double>, edges: UnsafeBufferPointer<Double>, bandwidth: Double,
        weights: UnsafeBufferPointer<Double>?, options: HistogramOptions, into out: UnsafeMutableBufferPointer<Double>
    ) throws {
        try counts(
            data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options, into: out,
            tuning: KernelTuning())
    }

    /// ``counts(data:edges:bandwidth:weights:options:into:)`` with the kernel loop run as `tuning` says (the
    /// result does not depend on it).
    static func counts(
        data: UnsafeBufferPointer<Double>, edges: UnsafeBufferPointer<Double>, bandwidth: Double,
        weights: UnsafeBufferPointer<Double>?, options: HistogramOptions, into out: UnsafeMutableBufferPointer<Double>,
        tuning: KernelTuning
    ) throws {
        try validate(data: data, edges: edges, bandwidth: bandwidth, weights: weights)
        try Validate.length(out.count, equals: edges.count - 1, "counts output")
        let binCount = edges.count - 1
        var raw = [Double](repeating: 0, count: binCount)
        if bandwidth == 0 {
            for k in 0..<data.count {
                if let bin = hardBin(of: data[k], edges: edges, reflect: options.reflectInfinities) {
                    raw[bin] += weights?[k] ?? 1
                }
            }
        } else if !data.isEmpty {
            // One sum per block of events, added in block order.
            let blocks = KernelDensityBlocks.blockCount(data.count)
            var binSums = [Double](repeating: 0, count: blocks * binCount)
            binSums.withUnsafeMutableBufferPointer { binSums in
                var pass = smoothPass(
                    data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options)
                pass.binSums = binSums.baseAddress
                run(pass, tuning: tuning)
            }
            for block in 0..<blocks {
                for j in 0..<binCount { raw[j] += binSums[block * binCount + j] }
            }
        }
        if options.density {
            let total = raw.reduce(0, +)
            guard total != 0 else {
                throw NeosError(.numeric, "density requested but the histogram is empty (total mass is 0)")
            }
            for j in 0..<binCount { raw[j] /= (edges[j + 1] - edges[j]) * total }
        }
        for j in 0..<binCount { out[j] = raw[j] }
    }

    /// Vector-Jacobian product: the gradient of ⟨cotangent, counts⟩ with respect to data, weights (ones when
    /// `weights` is nil), edges and bandwidth. At `bandwidth == 0` the counts are piecewise constant in data,
    /// edges and bandwidth, so those gradients are 0 (the derivative almost everywhere).
    public static func vjp(
        cotangent: [Double], data: [Double], edges: [Double], bandwidth: Double, weights: [Double]? = nil,
        options: HistogramOptions = HistogramOptions()
    ) throws -> HistogramGradients {
        var gradients = HistogramGradients(
            data: [Double](repeating: 0, count: data.count), weights: [Double](repeating: 0, count: data.count),
            edges: [Double](repeating: 0, count: edges.count), bandwidth: 0)
        try cotangent.withUnsafeBufferPointer { cotangent in
            try data.withUnsafeBufferPointer { data in
                try edges.withUnsafeBufferPointer { edges in
                    try withOptionalBuffer(weights) { weights in
                        try gradients.data.withUnsafeMutableBufferPointer { gradData in
                            try gradients.weights.withUnsafeMutableBufferPointer { gradWeights in
                                try gradients.edges.withUnsafeMutableBufferPointer { gradEdges in
                                    gradients.bandwidth = try vjp(
                                        cotangent: cotangent, data: data, edges: edges, bandwidth: bandwidth,
                                        weights: weights, options: options, gradData: gradData,
                                        gradWeights: gradWeights, gradEdges: gradEdges)
                                }
                            }
                        }
                    }
                }
            }
        }
        return gradients
    }

    /// The data and edge gradients of ⟨cotangent, counts⟩ alone (what a trainer back-propagates): without the
    /// weights gradient the kernel CDF is not evaluated, only φ, one exponential per event and edge.
    public static func dataAndEdgeVJP(
        cotangent: [Double], data: [Double], edges: [Double], bandwidth: Double, weights: [Double]? = nil,
        options: HistogramOptions = HistogramOptions()
    ) throws -> (data: [Double], edges: [Double]) {
        var dataGradient = [Double](repeating: 0, count: data.count)
        var edgeGradient = [Double](repeating: 0, count: edges.count)
        try cotangent.withUnsafeBufferPointer { cotangent in
            try data.withUnsafeBufferPointer { data in
                try edges.withUnsafeBufferPointer { edges in
                    try withOptionalBuffer(weights) { weights in
                        try dataGradient.withUnsafeMutableBufferPointer { gradData in
                            try edgeGradient.withUnsafeMutableBufferPointer { gradEdges in
                                _ = try vjp(
                                    cotangent: cotangent, data: data, edges: edges, bandwidth: bandwidth,
                                    weights: weights, options: options, gradData: gradData, gradWeights: nil,
                                    gradEdges: gradEdges, tuning: KernelTuning())
                            }
                        }
                    }
                }
            }
        }
        return (dataGradient, edgeGradient)
    }

    /// Buffer form of the VJP. Any gradient buffer may be nil when that gradient is not wanted; the ones given
    /// must have the lengths of their inputs. Returns the bandwidth gradient. Buffers are written only on success.
    /// The kernel CDF is evaluated only for the weights gradient, in the same pass as the densities.
    @discardableResult
    public static func vjp(
        cotangent: UnsafeBufferPointer<Double>, data: UnsafeBufferPointer<Double>,
        edges: UnsafeBufferPointer<Double>, bandwidth: Double, weights: UnsafeBufferPointer<Double>?,
        options: HistogramOptions, gradData: UnsafeMutableBufferPointer<Double>?,
        gradWeights: UnsafeMutableBufferPointer<Double>?, gradEdges: UnsafeMutableBufferPointer<Double>?
    ) throws -> Double {
        try vjp(
            cotangent: cotangent, data: data, edges: edges, bandwidth: bandwidth, weights: weights, options: options,
            gradData: gradData, gradWeights: gradWeights, gradEdges: gradEdges, tuning: KernelTuning())
    }

    /// The buffer-form VJP with the kernel loop run as `tuning` says (the result does not depend on it).
    static func vjp(
        cotangent: UnsafeBufferPointer<Double>, data: UnsafeBufferPointer<Double>,
        edges: UnsafeBufferPointer<Double>, bandwidth: Double, weights: UnsafeBufferPointer<Double>?,
        options: HistogramOptions, gradData: UnsafeMutableBufferPointer<Double>?,
        gradWeights: UnsafeMutableBufferPointer<Double>?, gradEdges: UnsafeMutableBufferPointer<Double>?,
        tuning: KernelTuning
    ) throws -> Double {
        try validate(data: data, edges: edges, bandwidth: bandwidth, weights: weights)
        let binCount = edges.count - 1
        try Validate.length(cotangent.count, equals: binCount, "cotangent")
        try Validate.finite(cotangent, "cotangent")
        if let gradData { try Validate.length(gradData.count, equals: data.count, "data gradient") }
        if let gradWeights { try Validate.length(gradWeights.count, equals: data.count, "weights gradient") }
        if let gradEdges { try Validate.length(gradEdges.count, equals: edges.count, "edges gradient") }

        // Cotangent on the raw (pre-density) counts, and the part of the edge gradient that comes from the
        // bin widths in the density normalisation.
        var rawCotangent = Array(cotangent)
        var edgeGradient = [Double](repeating: 0, count: edges.count)
        if options.density {
            var raw = [Double](repeating: 0, count: binCount)
            try raw.withUnsafeMutableBufferPointer { raw in
                try counts(
                    data: data, edges: edges, bandwidth: bandwidth, weights: weights,
                    options: HistogramOptions(density: false, reflectInfinities: options.reflectInfinities),
                    into: raw, tuning: tuning)
            }
            let total = raw.reduce(0, +)
            guard total != 0 else {
                throw NeosError(.numeric, "density requested but the histogram is empty (total mass is 0)")
            }
            var projected = 0.0  // Σ_j ḡ_j · out_j
            for j in 0..<binCount { projected += cotangent[j] * raw[j] / ((edges[j + 1] - edges[j]) * total) }
            for j in 0..<binCount {
                let width = edges[j + 1] - edges[j]
                rawCotangent[j] = cotangent[j] / (width * total) - projected / total
                let widthGradient = -cotangent[j] * raw[j] / (width * width * total)
                edgeGradient[j + 1] += widthGradient
                edgeGradient[j] -= widthGradient
            }
        }

        var dataGradient = [Double](repeating: 0, count: data.count)
        var weightGradient = [Double](repeating: 0, count: data.count)
        var bandwidthGradient = 0.0
        if bandwidth == 0 {
            for k in 0..<data.count {
                if let bin = hardBin(of: data[k], edges: edges, reflect: options.reflectInfinities) {
                    weightGradient[k] = rawCotangent[bin]
                }
            }
        } else {
            // Cotangent on Φ at each edge: edge i is the upper edge of bin i−1 and the lower edge of bin i.
            // With reflection the outer edges sit at ∓∞, where Φ is constant.
            var edgeCotangent = [Double](repeating: 0, count: edges.count)
            for i in 0..<edges.count {
                let above = i < binCount ? rawCotangent[i] : 0
                let below = i > 0 ? rawCotangent[i - 1] : 0
                edgeCotangent[i] = below - above
            }
            if options.reflectInfinities {
                edgeCotangent[0] = 0
                edgeCotangent[binCount] = 0
            }
            let inverseBandwidth = 1 / bandwidth
            let blocks = KernelDensityBlocks.blockCount(data.count)
            // Per-event gradients go to disjoint slices; edge and bandwidth sums are kept per block.
            var edgeSums = [Double](repeating: 0, count: blocks * edges.count)
            var momentSums = [Double](repeating: 0, count: blocks)
            if !data.isEmpty {
                dataGradient.withUnsafeMutableBufferPointer { dataGradient in
                    weightGradient.withUnsafeMutableBufferPointer { weightGradient in
                        edgeSums.withUnsafeMutableBufferPointer { edgeSums in
                            momentSums.withUnsafeMutableBufferPointer { momentSums in
                                rawCotangent.withUnsafeBufferPointer { rawCotangent in
                                    edgeCotangent.withUnsafeBufferPointer { edgeCotangent in
                                        var pass = smoothPass(
                                            data: data, edges: edges, bandwidth: bandwidth, weights: weights,
                                            options: options)
                                        pass.edgeCotangent = edgeCotangent.baseAddress
                                        pass.dataGradient = dataGradient.baseAddress
                                        pass.edgeSums = edgeSums.baseAddress
                                        pass.momentSums = momentSums.baseAddress
                                        if gradWeights != nil {
                                            // The weight gradient is the kernel mass per bin: the one part that
                                            // needs Φ, taken from the same exponentials as φ.
                                            pass.binCotangent = rawCotangent.baseAddress
                                            pass.weightGradient = weightGradient.baseAddress
                                        }
                                        run(pass, tuning: tuning)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for i in 0..<edges.count {
                var sum = 0.0
                for block in 0..<blocks { sum += edgeSums[block * edges.count + i] }
                edgeGradient[i] += sum * inverseBandwidth
            }
            bandwidthGradient = -momentSums.reduce(0, +) * inverseBandwidth
        }
        if let gradData { for k in 0..<data.count { gradData[k] = dataGradient[k] } }
        if let gradWeights { for k in 0..<data.count { gradWeights[k] = weightGradient[k] } }
        if let gradEdges { for i in 0..<edges.count { gradEdges[i] = edgeGradient[i] } }
        return bandwidthGradient
    }

    static func validate(
        data: UnsafeBufferPointer<Double>, edges: UnsafeBufferPointer<Double>, bandwidth: Double,
        weights: UnsafeBufferPointer<Double>?
    ) throws {
        try Validate.finite(data, "data")
        try Validate.strictlyIncreasing(edges, "bins")
        guard bandwidth.isFinite, bandwidth >= 0 else {
            throw NeosError.invalidArgument("bandwidth is \(bandwidth); it must be finite and >= 0")
        }
        if let weights {
            try Validate.length(weights.count, equals: data.count, "weights")
            try Validate.finite(weights, "weights")
        }
    }

    /// The smooth-kernel pass over `data` with nothing requested yet (`data` must not be empty).
    static func smoothPass(
        data: UnsafeBufferPointer<Double>, edges: UnsafeBufferPointer<Double>, bandwidth: Double,
        weights: UnsafeBufferPointer<Double>?, options: HistogramOptions
    ) -> KernelDensityPass {
        KernelDensityPass(
            data: data.baseAddress!, count: data.count, weights: weights?.baseAddress, edges: edges.baseAddress!,
            edgeCount: edges.count, inverseBandwidth: 1 / bandwidth, reflect: options.reflectInfinities)
    }

    /// Runs `pass` over all its blocks, split into contiguous runs of blocks over the threads (`tuning.threads`,
    /// or the cores with at least 4096 events each). Every per-block sum lands in its own slot, so the split only
    /// changes which thread fills which slot. The loop is the widest build the CPU (and `tuning`) allows.
    static func run(_ pass: KernelDensityPass, tuning: KernelTuning) {
        var pass = pass
        pass.windowed = tuning.windowed
        let blocks = KernelDensityBlocks.blockCount(pass.count)
        let chunks = max(1, min(tuning.threads ?? Parallel.chunkCount(pass.count, minimumChunk: 4096), blocks))
        let scratchCount = KernelDensityBlocks.scratchCount(edgeCount: pass.edgeCount)
        let instructionSet = min(tuning.instructionSet, KernelTuning.InstructionSet.widest)
        Parallel.forEachChunk(count: blocks, chunks: chunks) { _, range in
            let scratch = UnsafeMutablePointer<DoubleVector>.allocate(capacity: scratchCount)
            defer { scratch.deallocate() }
            #if canImport(NeosKernelsAVX512)
                if instructionSet == .avx512 {
                    NeosKernelsAVX512.KernelDensityBlocks.run(pass.forAVX512, blocks: range, scratch: scratch)
                    return
                }
            #endif
            #if canImport(NeosKernelsAVX2)
                if instructionSet == .avx2 {
                    NeosKernelsAVX2.KernelDensityBlocks.run(pass.forAVX2, blocks: range, scratch: scratch)
                    return
                }
            #endif
            KernelDensityBlocks.run(pass, blocks: range, scratch: scratch)
        }
    }

    /// The bin numpy.histogram puts `x` in, or nil when it falls outside and is not reflected.
    static func hardBin(of x: Double, edges: UnsafeBufferPointer<Double>, reflect: Bool) -> Int? {
        let binCount = edges.count - 1
        if x < edges[0] { return reflect ? 0 : nil }
        if x >= edges[binCount] { return x == edges[binCount] || reflect ? binCount - 1 : nil }
        // Largest i with edges[i] <= x.
        var low = 0
        var high = binCount
        while high - low > 1 {
            let middle = (low + high) / 2
            if edges[middle] <= x { low = middle } else { high = middle }
        }
        return low
    }
}

/// How the kernel loop of the smooth histogram runs. The defaults are what the public API uses; tests vary them
/// to show that the results do not change.
struct KernelTuning {
    /// The instruction sets the loop is compiled for, narrowest first.
    enum InstructionSet: Int, Comparable {
        /// The target's baseline (SSE2 on x86-64, NEON on ARM64): NeosCore's own copy.
        case baseline
        /// Haswell's AVX2 (the NeosKernelsAVX2 copy).
        case avx2
        /// Skylake's AVX-512 F/CD/BW/DQ/VL (the NeosKernelsAVX512 copy).
        case avx512

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The widest copy this CPU runs, from its /proc/cpuinfo flags. OPENBLAS_CORETYPE=Haswell, which
        /// scripts/sanitize.sh sets because valgrind does not emulate AVX-512, caps it at AVX2.
        static let widest: InstructionSet = {
            #if canImport(NeosKernelsAVX2) && canImport(NeosKernelsAVX512) && os(Linux)
                guard CPUFeatures.hasHaswell else { return .baseline }
                let capped = getenv("OPENBLAS_CORETYPE").map { String(cString: $0).lowercased() == "haswell" } ?? false
                return CPUFeatures.hasSkylakeAVX512 && !capped ? .avx512 : .avx2
            #else
                return .baseline
            #endif
        }()
    }

    /// Threads to split the events over (nil: the cores, at least 4096 events each).
    var threads: Int? = nil
    /// Skip the edges beyond ±``VectorNormal/zeroBeyond`` bandwidths of every event in a vector.
    var windowed = true
    /// The widest copy of the loop to use (the CPU may allow less).
    var instructionSet = InstructionSet.avx512
}

#if canImport(NeosKernelsAVX2)
    extension KernelDensityPass {
        /// The same pass as the AVX2 copy of the loop takes it (the modules' types are distinct).
        var forAVX2: NeosKernelsAVX2.KernelDensityPass {
            var copy = NeosKernelsAVX2.KernelDensityPass(
                data: data, count: count, weights: weights, edges: edges, edgeCount: edgeCount,
                inverseBandwidth: inverseBandwidth, reflect: reflect)
            copy.binSums = binSums
            copy.binCotangent = binCotangent
            copy.weightGradient = weightGradient
            copy.edgeCotangent = edgeCotangent
            copy.dataGradient = dataGradient
            copy.edgeSums = edgeSums
            copy.momentSums = momentSums
            copy.windowed = windowed
            return copy
        }
    }
#endif

#if canImport(NeosKernelsAVX512)
    extension KernelDensityPass {
        /// The same pass as the AVX512 copy of the loop takes it (the modules' types are distinct).
        var forAVX512: NeosKernelsAVX512.KernelDensityPass {
            var copy = NeosKernelsAVX512.KernelDensityPass(
                data: data, count: count, weights: weights, edges: edges, edgeCount: edgeCount,
                inverseBandwidth: inverseBandwidth, reflect: reflect)
            copy.binSums = binSums
            copy.binCotangent = binCotangent
            copy.weightGradient = weightGradient
            copy.edgeCotangent = edgeCotangent
            copy.dataGradient = dataGradient
            copy.edgeSums = edgeSums
            copy.momentSums = momentSums
            copy.windowed = windowed
            return copy
        }
    }
#endif

/// Calls `body` with the buffer of `values`, or nil.
func withOptionalBuffer<R>(_ values: [Double]?, _ body: (UnsafeBufferPointer<Double>?) throws -> R) rethrows -> R {
    guard let values else { return try body(nil) }
    return try values.withUnsafeBufferPointer { try body($0) }
}
