/// A fully connected network x → a_1 → … → a_L with a_l = act_l(a_{l−1}·W_l + b_l), evaluated on whole batches
/// (one dgemm per layer and direction).
///
/// Parameters live in one flat vector, layer by layer: W_l (fan_in × fan_out, row-major, as stax stores it),
/// then b_l (fan_out). neos's network is `MultilayerPerceptron(sizes: [2, 1024, 1024, 1], activations:
/// [.relu, .relu, .sigmoid])`.
public struct MultilayerPerceptron: Sendable, Equatable {
    /// Layer widths, input first: L + 1 entries for L layers.
    public let sizes: [Int]
    public let activations: [Activation]

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

    public var layerCount: Int { sizes.count - 1 }
    public var inputSize: Int { sizes[0] }
    public var outputSize: Int { sizes[sizes.count - 1] }

    /// Offset of W_l in the flat parameter vector; b_l follows it.
    func weightOffset(_ layer: Int) -> Int {
        var offset = 0
        for l in 0..<layer { offset += (sizes[l] + 1) * sizes[l + 1] }
        return offset
    }

    public var parameterCount: Int { weightOffset(layerCount) }

    /// Initial parameters: weights by `scheme`, biases N(0, 0.01²), all from one seeded normal stream
    /// (layer by layer, weights before biases).
    public func initialParameters(seed: UInt64, scheme: WeightInitialization = .glorot) -> [Double] {
        var sampler = NormalSampler(seed: seed)
        var parameters = [Double](repeating: 0, count: parameterCount)
        var offset = 0
        for l in 0..<layerCount {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
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
        public let rows: Int
        public var outputs: [[Double]]
        public var logits: [Double]
        /// The network's output, rows × outputSize.
        public var output: [Double] { outputs[outputs.count - 1] }
    }

    func check(parameters: [Double], inputs: [Double], rows: Int) throws {
        try Validate.length(parameters.count, equals: parameterCount, "network parameters")
        try Validate.length(inputs.count, equals: rows * inputSize, "network inputs (\(rows) rows × \(inputSize))")
        try inputs.withUnsafeBufferPointer { try Validate.finite($0, "network inputs") }
        try parameters.withUnsafeBufferPointer { try Validate.finite($0, "network parameters") }
    }

    /// Runs the batch `inputs` (rows × inputSize, row-major) through the network.
    public func forward(parameters: [Double], inputs: [Double], rows: Int) throws -> Forward {
        try check(parameters: parameters, inputs: inputs, rows: rows)
        var outputs: [[Double]] = []
        var logits: [Double] = []
        parameters.withUnsafeBufferPointer { parameters in
            for l in 0..<layerCount {
                let fanIn = sizes[l], fanOut = sizes[l + 1]
                let weights = parameters.baseAddress! + weightOffset(l)
                let bias = weights + fanIn * fanOut
                var z = [Double](repeating: 0, count: rows * fanOut)
                z.withUnsafeMutableBufferPointer { z in
                    // Start from the bias in every row, then accumulate x·W on top (β = 1).
                    for r in 0..<rows { (z.baseAddress! + r * fanOut).update(from: bias, count: fanOut) }
                    let previous = l == 0 ? inputs : outputs[l - 1]
                    previous.withUnsafeBufferPointer { x in
                        DenseMatrixProduct.multiply(
                            x.baseAddress!, weights, into: z.baseAddress!, rows: rows, columns: fanOut, inner: fanIn, beta: 1)
                    }
                }
                if l == layerCount - 1 { logits = z }
                let activation = activations[l]
                if activation != .identity {
                    for i in 0..<z.count { z[i] = activation.apply(z[i]) }
                }
                outputs.append(z)
            }
        }
        return Forward(rows: rows, outputs: outputs, logits: logits)
    }

    /// The gradient with respect to the parameters of ⟨cotangent, last pre-activation⟩ (rows × outputSize): the
    /// caller folds the output activation's derivative in (see ``outputCotangentToLogits(_:forward:)``), which
    /// lets losses on logits (binary cross-entropy) and losses on outputs share one backward pass.
    public func backward(
        parameters: [Double], inputs: [Double], forward: Forward, logitCotangent: [Double]
    ) throws -> [Double] {
        try check(parameters: parameters, inputs: inputs, rows: forward.rows)
        try Validate.length(logitCotangent.count, equals: forward.rows * outputSize, "logit cotangent")
        try logitCotangent.withUnsafeBufferPointer { try Validate.finite($0, "logit cotangent") }
        let rows = forward.rows
        var gradient = [Double](repeating: 0, count: parameterCount)
        var delta = logitCotangent  // ∂loss/∂z_l, rows × sizes[l + 1]
        parameters.withUnsafeBufferPointer { parameters in
            gradient.withUnsafeMutableBufferPointer { gradient in
                var l = layerCount - 1
                while l >= 0 {
                    let fanIn = sizes[l], fanOut = sizes[l + 1]
                    let offset = weightOffset(l)
                    let previous = l == 0 ? inputs : forward.outputs[l - 1]
                    delta.withUnsafeBufferPointer { delta in
                        previous.withUnsafeBufferPointer { x in
                            // ∂/∂W_l = a_{l−1}ᵀ · δ_l
                            DenseMatrixProduct.multiply(
                                x.baseAddress!, transposeA: true, delta.baseAddress!,
                                into: gradient.baseAddress! + offset, rows: fanIn, columns: fanOut, inner: rows)
                        }
                        // ∂/∂b_l = column sums of δ_l
                        let bias = gradient.baseAddress! + offset + fanIn * fanOut
                        for r in 0..<rows {
                            let row = delta.baseAddress! + r * fanOut
                            for j in 0..<fanOut { bias[j] += row[j] }
                        }
                    }
                    if l > 0 {
                        // δ_{l−1} = (δ_l · W_lᵀ) ⊙ act'_{l−1}
                        var next = [Double](repeating: 0, count: rows * fanIn)
                        delta.withUnsafeBufferPointer { delta in
                            next.withUnsafeMutableBufferPointer { next in
                                DenseMatrixProduct.multiply(
                                    delta.baseAddress!, parameters.baseAddress! + offset, transposeB: true,
                                    into: next.baseAddress!, rows: rows, columns: fanIn, inner: fanOut)
                            }
                        }
                        let activation = activations[l - 1]
                        let a = forward.outputs[l - 1]
                        if activation != .identity {
                            for i in 0..<next.count { next[i] *= activation.derivative(output: a[i]) }
                        }
                        delta = next
                    }
                    l -= 1
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
