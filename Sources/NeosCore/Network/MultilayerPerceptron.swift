/// A fully connected network x → a_1 → … → a_L with a_l = act_l(a_{l−1}·W_l + b_l), evaluated on whole batches
/// (one dgemm per layer and direction).
///
/// Parameters live in one flat vector, layer by layer: W_l (fan_in × fan_out, row-major, as stax stores it),
/// then b_l (fan_out). neos's network is `MultilayerPerceptron(sizes: [2, 1024, 1024, 1], activations:
/// [.relu, .relu, .sigmoid])`.
public struct MultilayerPerceptron: Sendable, Equatable {
    /// Layer widths, input first: L + 1 entries for L layers.
    public let sizes: [Int]
    /// One activation per layer: `activations[l]` follows the affine map of layer l + 1 (L entries).
    public let activations: [Activation]

    /// A network of the given widths and activations.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when there are fewer than two sizes, a size is not positive,
    ///   or the number of activations is not `sizes.count − 1`.
    public init(sizes: [Int], activations: [Activation]) throws {
        guard sizes.count >= 2 else {
            throw NeosError.invalidArgument("a network needs at least an input and an output size, got \(sizes)")
        }
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw NeosError.invalidArgument("layer sizes must be positive, got \(sizes)")
        }
        guard activations.count == sizes.count - 1 else {
            throw NeosError.invalidArgument(
                "\(sizes.count - 1) layers need \(sizes.count - 1) activations, got \(activations.count)")
        }
        self.sizes = sizes
        self.activations = activations
    }

    /// L, the number of dense layers.
    public var layerCount: Int { sizes.count - 1 }
    /// Features per input row, `sizes[0]`.
    public var inputSize: Int { sizes[0] }
    /// Values per output row, the last width.
    public var outputSize: Int { sizes[sizes.count - 1] }

    /// Offset of W_l in the flat parameter vector; b_l follows it.
    func weightOffset(_ layer: Int) -> Int {
        var offset = 0
        for l in 0..<layer { offset += (sizes[l] + 1) * sizes[l + 1] }
        return offset
    }

    /// The length of the flat parameter vector, Σ_l (sizes[l] + 1)·sizes[l + 1].
    public var parameterCount: Int { weightOffset(layerCount) }

    /// Initial parameters: weights by `scheme`, biases N(0, 0.01²), all from one seeded normal stream
    /// (layer by layer, weights before biases).
    public func initialParameters(seed: UInt64, scheme: WeightInitialization = .glorot) -> [Double] {
        var sampler = NormalSampler(seed: seed)
        var parameters = [Double](repeating: 0, count: parameterCount)
        var offset = 0
        for l in 0..<layerCount {
            let fanIn = sizes[l]
            let fanOut = sizes[l + 1]
            let sigma = scheme.standardDeviation(fanIn: fanIn, fanOut: fanOut)
            for i in 0..<(fanIn * fanOut) { parameters[offset + i] = sigma * sampler.nextTruncated() }
            offset += fanIn * fanOut
            for i in 0..<fanOut { parameters[offset + i] = 0.01 * sampler.next() }
            offset += fanOut
        }
        return parameters
    }

    /// The per-layer outputs of one batch: `outputs[l]` is a_{l+1}, rows × sizes[l + 1], row-major.
    /// `logits` is the last layer's pre-activation (what a sigmoid output was applied to).
    public struct Forward: Sendable {
        /// The number of rows (events) of the batch.
        public let rows: Int
        /// a_1 … a_L, each rows × sizes[l + 1], row-major; the last has the output activation applied.
        public var outputs: [[Double]]
        /// The last layer's pre-activation z_L, rows × outputSize.
        public var logits: [Double]
        /// Working memory of the backward pass, kept with the forward pass so a recycled one brings it along.
        var scratch: [Double] = []
        /// The network's output, rows × outputSize.
        public var output: [Double] { outputs[outputs.count - 1] }
    }

    func check(parameters: [Double], inputs: [Double], rows: Int) throws {
        try Validate.length(parameters.count, equals: parameterCount, "network parameters")
        try Validate.length(inputs.count, equals: rows * inputSize, "network inputs (\(rows) rows × \(inputSize))")
        try inputs.withUnsafeBufferPointer { try Validate.finite($0, "network inputs") }
        try parameters.withUnsafeBufferPointer { try Validate.finite($0, "network parameters") }
    }

    /// Runs the batch `inputs` (rows × inputSize, row-major) through the network. `recycling` hands back an
    /// earlier forward pass whose arrays are reused when their sizes fit (no fresh 65 MB allocations, and no page
    /// faults, per step of neos's default network).
    public func forward(parameters: [Double], inputs: [Double], rows: Int, recycling: Forward? = nil) throws -> Forward
    {
        try check(parameters: parameters, inputs: inputs, rows: rows)
        var spare = recycling.map { $0.outputs } ?? []
        var outputs: [[Double]] = []
        var logits: [Double] = []
        parameters.withUnsafeBufferPointer { parameters in
            for l in 0..<layerCount {
                let fanIn = sizes[l]
                let fanOut = sizes[l + 1]
                let weights = parameters.baseAddress! + weightOffset(l)
                let bias = weights + fanIn * fanOut
                var z = Self.buffer(count: rows * fanOut, reusing: &spare, at: l)
                let activation = activations[l]
                let last = l == layerCount - 1
                z.withUnsafeMutableBufferPointer { z in
                    let previous = l == 0 ? inputs : outputs[l - 1]
                    previous.withUnsafeBufferPointer { x in
                        DenseMatrixProduct.multiply(
                            x.baseAddress!, weights, into: z.baseAddress!, rows: rows, columns: fanOut, inner: fanIn)
                    }
                    // Bias and activation in one pass over x·W (the output layer keeps its logits first).
                    let target = z.baseAddress!
                    Self.elementwise(rows, minimumChunk: max(1, (1 << 16) / fanOut)) { range in
                        for r in range {
                            let row = target + r * fanOut
                            for j in 0..<fanOut { row[j] += bias[j] }
                            if activation != .identity && !last {
                                for j in 0..<fanOut { row[j] = activation.apply(row[j]) }
                            }
                        }
                    }
                }
                if last {
                    logits = z
                    if activation != .identity {
                        z.withUnsafeMutableBufferPointer { z in for i in 0..<z.count { z[i] = activation.apply(z[i]) } }
                    }
                }
                outputs.append(z)
            }
        }
        return Forward(rows: rows, outputs: outputs, logits: logits)
    }

    /// An array of `count` values (contents unspecified), taken from `spare[index]` when it has that size.
    static func buffer(count: Int, reusing spare: inout [[Double]], at index: Int) -> [Double] {
        if index < spare.count && spare[index].count == count {
            let reused = spare[index]
            spare[index] = []
            return reused
        }
        return [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Runs `body` over 0..<count, split across cores when the work is large enough to pay for it.
    static func elementwise(_ count: Int, minimumChunk: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        let chunks = Parallel.chunkCount(count, minimumChunk: minimumChunk)
        Parallel.forEachChunk(count: count, chunks: chunks) { _, range in body(range) }
    }

    /// The gradient with respect to the parameters of ⟨cotangent, last pre-activation⟩ (rows × outputSize): the
    /// caller folds the output activation's derivative in (see ``outputCotangentToLogits(_:forward:)``), which
    /// lets losses on logits (binary cross-entropy) and losses on outputs share one backward pass.
    public func backward(
        parameters: [Double], inputs: [Double], forward: Forward, logitCotangent: [Double]
    ) throws -> [Double] {
        var forward = forward
        return try backward(parameters: parameters, inputs: inputs, forward: &forward, logitCotangent: logitCotangent)
    }

    /// As above; the backward pass's working memory is taken from, and left in, `forward`.
    public func backward(
        parameters: [Double], inputs: [Double], forward: inout Forward, logitCotangent: [Double]
    ) throws -> [Double] {
        try check(parameters: parameters, inputs: inputs, rows: forward.rows)
        try Validate.length(logitCotangent.count, equals: forward.rows * outputSize, "logit cotangent")
        try logitCotangent.withUnsafeBufferPointer { try Validate.finite($0, "logit cotangent") }
        let rows = forward.rows
        var gradient = [Double](repeating: 0, count: parameterCount)
        // δ_l = ∂loss/∂z_l (rows × sizes[l + 1]) ping-pongs between two buffers sized for the widest layer.
        let widest = sizes.dropFirst().max()!
        var spare = [forward.scratch]
        var scratch = Self.buffer(count: 2 * rows * widest, reusing: &spare, at: 0)
        defer { forward.scratch = scratch }
        let outputs = forward.outputs
        let ones = [Double](repeating: 1, count: rows)
        scratch.withUnsafeMutableBufferPointer { scratch in
            var delta = scratch.baseAddress!
            var next = scratch.baseAddress! + rows * widest
            logitCotangent.withUnsafeBufferPointer { delta.update(from: $0.baseAddress!, count: $0.count) }
            parameters.withUnsafeBufferPointer { parameters in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    var l = layerCount - 1
                    while l >= 0 {
                        let fanIn = sizes[l]
                        let fanOut = sizes[l + 1]
                        let offset = weightOffset(l)
                        let previous = l == 0 ? inputs : outputs[l - 1]
                        previous.withUnsafeBufferPointer { x in
                            // ∂/∂W_l = a_{l−1}ᵀ · δ_l
                            DenseMatrixProduct.multiply(
                                x.baseAddress!, transposeA: true, delta, into: gradient.baseAddress! + offset,
                                rows: fanIn, columns: fanOut, inner: rows)
                        }
                        // ∂/∂b_l = column sums of δ_l
                        ones.withUnsafeBufferPointer { ones in
                            DenseMatrixProduct.transposedTimesVector(
                                delta, rows: rows, columns: fanOut, ones.baseAddress!,
                                into: gradient.baseAddress! + offset + fanIn * fanOut)
                        }
                        if l > 0 {
                            // δ_{l−1} = (δ_l · W_lᵀ) ⊙ act'_{l−1}(a_{l−1})
                            DenseMatrixProduct.multiply(
                                delta, parameters.baseAddress! + offset, transposeB: true, into: next, rows: rows,
                                columns: fanIn, inner: fanOut)
                            let activation = activations[l - 1]
                            if activation != .identity {
                                outputs[l - 1].withUnsafeBufferPointer { a in
                                    let target = next
                                    Self.elementwise(rows * fanIn) { range in
                                        for i in range { target[i] *= activation.derivative(output: a[i]) }
                                    }
                                }
                            }
                            swap(&delta, &next)
                        }
                        l -= 1
                    }
                }
            }
        }
        return gradient
    }

    /// Converts a cotangent on the network's outputs into one on the last pre-activation.
    public func outputCotangentToLogits(_ cotangent: [Double], forward: Forward) -> [Double] {
        let activation = activations[layerCount - 1]
        let output = forward.output
        return (0..<cotangent.count).map { cotangent[$0] * activation.derivative(output: output[$0]) }
    }
}
