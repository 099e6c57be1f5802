/// A fully connected network x → a_1 → … → a_L with a_l = act_l(a_{l−1}·W_l + b_l), evaluated on whole batches
/// (one gemm per layer and direction) in float64 or float32 (``precision``).
///
/// Parameters live in one flat vector, layer by layer: W_l (fan_in × fan_out, row-major, as stax stores it),
/// then b_l (fan_out). neos's network is `MultilayerPerceptron(sizes: [2, 1024, 1024, 1], activations:
/// [.relu, .relu, .sigmoid])`.
public struct MultilayerPerceptron: Sendable, Equatable {
    /// Layer widths, input first: L + 1 entries for L layers.
    public let sizes: [Int]
    /// One activation per layer: `activations[l]` follows the affine map of layer l + 1 (L entries).
    public let activations: [Activation]
    /// The type the layers are evaluated in. The parameters, inputs, output and gradient are Double either way:
    /// in float32 the weights and inputs are rounded to Float at each call, the layers (products, biases, hidden
    /// activations, their backward pass) run in Float, and the last pre-activation and the parameter gradient are
    /// widened to Double; the output activation is applied in Double.
    public let precision: NetworkPrecision

    /// A network of the given widths and activations, evaluated in `precision`.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when there are fewer than two sizes, a size is not positive,
    ///   or the number of activations is not `sizes.count − 1`.
    public init(sizes: [Int], activations: [Activation], precision: NetworkPrecision = .float64) throws {
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
        self.precision = precision
    }

    /// True when `other` has the same widths and activations, whatever precision either is evaluated in: the same
    /// parameters (always float64) fit both, so a parameter file of one loads into the other.
    public func hasSameLayers(as other: MultilayerPerceptron) -> Bool {
        sizes == other.sizes && activations == other.activations
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

    /// One batch through the network: the last pre-activation and the output in Double, and the hidden layers'
    /// outputs (which the backward pass needs) in the network's precision.
    public struct Forward: Sendable {
        /// The number of rows (events) of the batch.
        public let rows: Int
        /// The last layer's pre-activation z_L, rows × outputSize (computed in the network's precision).
        public var logits: [Double]
        /// The network's output, rows × outputSize: the output activation applied to ``logits`` in Double.
        public var output: [Double]
        /// The hidden layers' outputs and the backward pass's working memory, kept with the forward pass so a
        /// recycled one brings them along.
        var layers: Layers
        /// False once a backward pass has used the hidden layers' memory for its cotangents (``backward(parameters:
        /// inputs:forward:logitCotangent:)`` with `inout`), and for ``forwardOutputs(parameters:inputs:rows:)``'s
        /// results, which keep no hidden layers: ``logits`` and ``output`` stay valid, ``outputs`` does not.
        public internal(set) var holdsActivations = true
        /// sizes[1] … sizes[L−1], the widths of the hidden layers.
        var hiddenWidths: [Int] = []

        /// a_1 … a_L, each rows × sizes[l + 1], row-major; the last is ``output``. In float32 the hidden layers
        /// are widened to Double here, a copy. Only while ``holdsActivations`` (a precondition).
        public var outputs: [[Double]] {
            precondition(holdsActivations, "the hidden layers of this forward pass were overwritten or not kept")
            switch layers {
            // The arrays may be longer than rows × width: a recycled pass's, kept from a larger batch.
            case .float64(let buffers):
                return zip(buffers.hidden, hiddenWidths).map { Array($0.prefix(rows * $1)) } + [output]
            case .float32(let buffers):
                return zip(buffers.hidden, hiddenWidths).map { $0.prefix(rows * $1).map(Double.init) } + [output]
            }
        }
    }

    /// A forward pass's buffers in the precision it ran in.
    enum Layers: Sendable {
        case float64(LayerBuffers<Double>)
        case float32(LayerBuffers<Float>)
    }

    /// The arrays of one forward and backward pass in the layers' scalar type.
    struct LayerBuffers<Scalar: NetworkScalar>: Sendable {
        /// a_1 … a_{L−1}, each rows × sizes[l + 1], row-major.
        var hidden: [[Scalar]] = []
        /// z_L, rows × outputSize.
        var logits: [Scalar] = []
        /// The backward pass's working memory: δ_L (rows × outputSize) and one block of rows of δ_l·W_lᵀ.
        var scratch: [Scalar] = []
        /// float32 only: this call's rounded copies of the weights and inputs, and the gradient before widening.
        var weights: [Scalar] = []
        var inputs: [Scalar] = []
        var gradient: [Scalar] = []
    }

    func check(parameters: [Double], inputs: [Double], rows: Int) throws {
        try Validate.length(parameters.count, equals: parameterCount, "network parameters")
        try Validate.length(inputs.count, equals: rows * inputSize, "network inputs (\(rows) rows × \(inputSize))")
        try inputs.withUnsafeBufferPointer { try Validate.finite($0, "network inputs") }
        try parameters.withUnsafeBufferPointer { try Validate.finite($0, "network parameters") }
    }

    /// Runs the batch `inputs` (rows × inputSize, row-major) through the network. `recycling` hands back an
    /// earlier forward pass whose arrays are reused when their sizes and precision fit (no fresh 65 MB
    /// allocations, and no page faults, per step of neos's default network).
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` for parameters or inputs of the wrong length or not
    ///   finite, and in float32 for a value beyond Float's range (|x| > 3.4e38).
    public func forward(
        parameters: [Double], inputs: [Double], rows: Int, recycling: consuming Forward? = nil
    ) throws -> Forward {
        try check(parameters: parameters, inputs: inputs, rows: rows)
        var recycled = consume recycling
        let z: [Double]
        let layers: Layers
        switch precision {
        case .float64:
            var buffers = LayerBuffers<Double>()
            if case .float64(let spare)? = recycled?.layers { buffers = spare }
            recycled = nil  // the reused arrays are now referenced once, so writing them copies nothing
            parameters.withUnsafeBufferPointer { weights in
                inputs.withUnsafeBufferPointer { inputs in
                    forwardLayers(weights: weights.baseAddress!, inputs: inputs.baseAddress!, rows: rows, &buffers)
                }
            }
            z = buffers.logits
            layers = .float64(buffers)
        case .float32:
            var buffers = LayerBuffers<Float>()
            if case .float32(let spare)? = recycled?.layers { buffers = spare }
            recycled = nil
            try Self.round(parameters, into: &buffers.weights, "network parameters")
            try Self.round(inputs, into: &buffers.inputs, "network inputs")
            let (weights, roundedInputs) = (buffers.weights, buffers.inputs)
            weights.withUnsafeBufferPointer { weights in
                roundedInputs.withUnsafeBufferPointer { inputs in
                    forwardLayers(weights: weights.baseAddress!, inputs: inputs.baseAddress!, rows: rows, &buffers)
                }
            }
            z = buffers.logits.map(Double.init)
            layers = .float32(buffers)
        }
        let activation = activations[layerCount - 1]
        let output = activation == .identity ? z : z.map { activation.apply($0) }
        return Forward(
            rows: rows, logits: z, output: output, layers: layers, hiddenWidths: Array(sizes.dropFirst().dropLast()))
    }

    /// The logits and outputs of `inputs` (rows × inputSize) without keeping the hidden layers, for evaluations
    /// and predictions: the rows run through the network in blocks (``outputBlockElements`` values of the widest
    /// layer per block), so the hidden layers of one block are held at a time instead of every row's. Each row's
    /// numbers are those of ``forward(parameters:inputs:rows:recycling:)`` up to the rounding of the products'
    /// blocking (BLAS may pick another kernel for a block's shape). The result's `holdsActivations` is false:
    /// there is no backward pass from it.
    ///
    /// - Throws: as ``forward(parameters:inputs:rows:recycling:)``.
    public func forwardOutputs(parameters: [Double], inputs: [Double], rows: Int) throws -> Forward {
        try forwardOutputs(
            parameters: parameters, inputs: inputs, rows: rows,
            blockRows: max(1, Self.outputBlockElements / sizes.dropFirst().max()!))
    }

    /// As above with `blockRows` rows per block (tests choose small blocks).
    func forwardOutputs(parameters: [Double], inputs: [Double], rows: Int, blockRows: Int) throws -> Forward {
        try check(parameters: parameters, inputs: inputs, rows: rows)
        precondition(blockRows > 0)
        var z = [Double](repeating: 0, count: rows * outputSize)
        let width = outputSize
        func run<Scalar: NetworkScalar>(
            _ weights: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ buffers: inout LayerBuffers<Scalar>
        ) {
            var first = 0
            while first < rows {
                let count = min(blockRows, rows - first)
                forwardLayers(weights: weights, inputs: x + first * inputSize, rows: count, &buffers)
                for i in 0..<(count * width) { z[first * width + i] = Double(buffers.logits[i]) }
                first += count
            }
        }
        switch precision {
        case .float64:
            var buffers = LayerBuffers<Double>()
            parameters.withUnsafeBufferPointer { weights in
                inputs.withUnsafeBufferPointer { x in run(weights.baseAddress!, x.baseAddress!, &buffers) }
            }
        case .float32:
            var buffers = LayerBuffers<Float>()
            try Self.round(parameters, into: &buffers.weights, "network parameters")
            try Self.round(inputs, into: &buffers.inputs, "network inputs")
            let (weights, rounded) = (buffers.weights, buffers.inputs)
            weights.withUnsafeBufferPointer { weights in
                rounded.withUnsafeBufferPointer { x in run(weights.baseAddress!, x.baseAddress!, &buffers) }
            }
        }
        let activation = activations[layerCount - 1]
        let output = activation == .identity ? z : z.map { activation.apply($0) }
        var result = Forward(rows: rows, logits: z, output: output, layers: .float64(LayerBuffers()))
        result.holdsActivations = false
        return result
    }

    /// Values of the widest layer per block of ``forwardOutputs(parameters:inputs:rows:)`` (4 MiB in float64).
    static let outputBlockElements = 1 << 19

    /// Layers 1 … L in `Scalar`: a_1 … a_{L−1} into `buffers.hidden` (the first rows × width values of each) and
    /// z_L into `buffers.logits`, reusing the arrays already there when they are large enough: an epoch's shorter
    /// last batch reuses the full batches' arrays, and the next full batch finds them again (no 65 MB allocations
    /// and their page faults twice per epoch of neos's default network).
    func forwardLayers<Scalar: NetworkScalar>(
        weights parameters: UnsafePointer<Scalar>, inputs: UnsafePointer<Scalar>, rows: Int,
        _ buffers: inout LayerBuffers<Scalar>
    ) {
        var spare = buffers.hidden
        buffers.hidden = []
        var spareLogits = [buffers.logits]
        buffers.logits = []
        var hidden: [[Scalar]] = []
        for l in 0..<layerCount {
            let fanIn = sizes[l]
            let fanOut = sizes[l + 1]
            let weights = parameters + weightOffset(l)
            let bias = weights + fanIn * fanOut
            let last = l == layerCount - 1
            var z =
                last
                ? Self.buffer(count: rows * fanOut, reusing: &spareLogits, at: 0)
                : Self.buffer(atLeast: rows * fanOut, reusing: &spare, at: l)
            // The output layer gets its bias only: its activation is applied in Double, to the widened logits.
            let activation = last ? .identity : activations[l]
            z.withUnsafeMutableBufferPointer { z in
                Self.withLayerInput(l, inputs: inputs, hidden: hidden) { x in
                    DenseMatrixProduct.multiply(
                        x, weights, into: z.baseAddress!, rows: rows, columns: fanOut, inner: fanIn)
                }
                // Bias and activation in one pass over x·W.
                let target = z.baseAddress!
                Self.elementwise(rows, minimumChunk: max(1, (1 << 16) / fanOut)) { range in
                    // One loop per activation, chosen outside it: a switch per element kept the compiler
                    // from vectorising the pass, which was 13% of the small demo step (benchmarks/README.md).
                    switch activation {
                    case .relu:
                        for r in range { Activation.addBiasAndRectify(target + r * fanOut, bias, count: fanOut) }
                    case .identity:
                        for r in range {
                            let row = target + r * fanOut
                            for j in 0..<fanOut { row[j] += bias[j] }
                        }
                    case .tanh, .sigmoid:
                        for r in range {
                            let row = target + r * fanOut
                            for j in 0..<fanOut { row[j] = activation.apply(row[j] + bias[j]) }
                        }
                    }
                }
            }
            if last { buffers.logits = z } else { hidden.append(z) }
        }
        buffers.hidden = hidden
    }

    /// Calls `body` with layer l's input: the network's inputs for l = 0, else a_l.
    static func withLayerInput<Scalar: NetworkScalar, Result>(
        _ l: Int, inputs: UnsafePointer<Scalar>, hidden: [[Scalar]], _ body: (UnsafePointer<Scalar>) -> Result
    ) -> Result {
        l == 0 ? body(inputs) : hidden[l - 1].withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// `values` rounded to Float into `buffer` (reused when its size fits).
    ///
    /// - Throws: `.invalidArgument` naming `what` when a finite Double is beyond Float's range.
    static func round(_ values: [Double], into buffer: inout [Float], _ what: String) throws {
        var spare = [buffer]
        buffer = []
        var rounded = Self.buffer(count: values.count, reusing: &spare, at: 0)
        var firstOutOfRange: Int? = nil
        rounded.withUnsafeMutableBufferPointer { rounded in
            values.withUnsafeBufferPointer { values in
                for i in 0..<values.count {
                    rounded[i] = Float(values[i])
                    if firstOutOfRange == nil && !rounded[i].isFinite { firstOutOfRange = i }
                }
            }
        }
        if let index = firstOutOfRange {
            throw NeosError.invalidArgument(
                "\(what)[\(index)] = \(values[index]) is beyond float32's range (precision \"float32\")")
        }
        buffer = rounded
    }

    /// An array of at least `count` values (contents unspecified), `spare[index]` when it is that large.
    static func buffer<Scalar: NetworkScalar>(atLeast count: Int, reusing spare: inout [[Scalar]], at index: Int)
        -> [Scalar]
    {
        if index < spare.count && spare[index].count >= count {
            let reused = spare[index]
            spare[index] = []
            return reused
        }
        return buffer(count: count, reusing: &spare, at: index)
    }

    /// An array of `count` values (contents unspecified), taken from `spare[index]` when it has that size.
    static func buffer<Scalar: NetworkScalar>(count: Int, reusing spare: inout [[Scalar]], at index: Int) -> [Scalar] {
        if index < spare.count && spare[index].count == count {
            let reused = spare[index]
            spare[index] = []
            return reused
        }
        // A spare of another size is released before the new array is allocated, so a batch of another size
        // (an epoch's last, shorter one) does not hold both at once.
        if index < spare.count { spare[index] = [] }
        return [Scalar](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Runs `body` over 0..<count, split across cores when the work is large enough to pay for it.
    static func elementwise(_ count: Int, minimumChunk: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        let chunks = Parallel.chunkCount(count, minimumChunk: minimumChunk)
        Parallel.forEachChunk(count: count, chunks: chunks) { _, range in body(range) }
    }

    /// The gradient with respect to the parameters of ⟨cotangent, last pre-activation⟩ (rows × outputSize): the
    /// caller folds the output activation's derivative in (see ``outputCotangentToLogits(_:forward:)``), which
    /// lets losses on logits (binary cross-entropy) and losses on outputs share one backward pass. In float32 the
    /// cotangent is rounded to Float, the pass runs in Float and the gradient is widened to Double.
    public func backward(
        parameters: [Double], inputs: [Double], forward: Forward, logitCotangent: [Double]
    ) throws -> [Double] {
        var forward = forward
        return try backward(parameters: parameters, inputs: inputs, forward: &forward, logitCotangent: logitCotangent)
    }

    /// As above, with the hidden layers' memory of `forward` used for the cotangents (no copy of them is made):
    /// afterwards `forward.holdsActivations` is false, its ``Forward/logits`` and ``Forward/output`` are kept, and a
    /// second backward pass from it is refused (run ``forward(parameters:inputs:rows:recycling:)`` again).
    ///
    /// - Throws: `.invalidArgument` as above, and when `forward` no longer holds its hidden layers.
    public func backward(
        parameters: [Double], inputs: [Double], forward: inout Forward, logitCotangent: [Double]
    ) throws -> [Double] {
        try backward(
            parameters: parameters, inputs: inputs, forward: &forward, logitCotangent: logitCotangent, blockRows: nil)
    }

    /// As above with `blockRows` rows per block of δ_l·W_lᵀ (tests choose small blocks; nil: the default).
    func backward(
        parameters: [Double], inputs: [Double], forward: inout Forward, logitCotangent: [Double], blockRows: Int?
    ) throws -> [Double] {
        guard forward.holdsActivations else {
            throw NeosError.invalidArgument(
                "this forward pass's hidden layers were used by a backward pass already (or never kept): run the "
                    + "forward pass again")
        }
        try check(parameters: parameters, inputs: inputs, rows: forward.rows)
        try Validate.length(logitCotangent.count, equals: forward.rows * outputSize, "logit cotangent")
        try logitCotangent.withUnsafeBufferPointer { try Validate.finite($0, "logit cotangent") }
        let rows = forward.rows
        forward.holdsActivations = false
        switch forward.layers {
        case .float64(var buffers):
            forward.layers = .float64(LayerBuffers())  // so the buffers are referenced once while written
            defer { forward.layers = .float64(buffers) }
            var gradient = [Double](repeating: 0, count: parameterCount)
            parameters.withUnsafeBufferPointer { weights in
                inputs.withUnsafeBufferPointer { inputs in
                    logitCotangent.withUnsafeBufferPointer { cotangent in
                        gradient.withUnsafeMutableBufferPointer { gradient in
                            backwardLayers(
                                weights: weights.baseAddress!, inputs: inputs.baseAddress!,
                                logitCotangent: cotangent.baseAddress!, rows: rows, blockRows: blockRows,
                                &buffers, gradient: gradient.baseAddress!)
                        }
                    }
                }
            }
            return gradient
        case .float32(var buffers):
            forward.layers = .float32(LayerBuffers())
            defer { forward.layers = .float32(buffers) }
            try Self.round(parameters, into: &buffers.weights, "network parameters")
            try Self.round(inputs, into: &buffers.inputs, "network inputs")
            var cotangent: [Float] = []
            try Self.round(logitCotangent, into: &cotangent, "logit cotangent")
            var spare = [buffers.gradient]
            buffers.gradient = []
            var gradient = Self.buffer(count: parameterCount, reusing: &spare, at: 0)
            let (weights, roundedInputs) = (buffers.weights, buffers.inputs)
            weights.withUnsafeBufferPointer { weights in
                roundedInputs.withUnsafeBufferPointer { inputs in
                    cotangent.withUnsafeBufferPointer { cotangent in
                        gradient.withUnsafeMutableBufferPointer { gradient in
                            // Every element is written below unless the batch is empty; zeros make that case exact.
                            gradient.update(repeating: 0)
                            backwardLayers(
                                weights: weights.baseAddress!, inputs: inputs.baseAddress!,
                                logitCotangent: cotangent.baseAddress!, rows: rows, blockRows: blockRows,
                                &buffers, gradient: gradient.baseAddress!)
                        }
                    }
                }
            }
            buffers.gradient = gradient
            return gradient.map(Double.init)
        }
    }

    /// The backward pass in `Scalar` from δ_L = `logitCotangent` (rows × outputSize): ∂/∂W_l and ∂/∂b_l of every
    /// layer into `gradient` (the flat parameter layout), from the hidden outputs of `buffers`.
    ///
    /// δ_{l−1} = (δ_l·W_lᵀ) ⊙ act'(a_{l−1}) is written over a_{l−1} itself, a block of rows at a time: once
    /// ∂/∂W_l = a_{l−1}ᵀ·δ_l is taken, a_{l−1} is needed only for the activation's slope at the same element. So the
    /// pass needs no rows × width memory of its own (one block of rows, ``backwardBlockElements``, and δ_L), and a
    /// step of neos's default network holds two 8000 × 1024 arrays instead of four; the hidden layers are the
    /// cotangents afterwards.
    func backwardLayers<Scalar: NetworkScalar>(
        weights parameters: UnsafePointer<Scalar>, inputs: UnsafePointer<Scalar>,
        logitCotangent: UnsafePointer<Scalar>, rows: Int, blockRows requestedBlockRows: Int?,
        _ buffers: inout LayerBuffers<Scalar>, gradient: UnsafeMutablePointer<Scalar>
    ) {
        let widest = sizes.dropFirst().max()!
        let blockRows = max(1, min(rows, requestedBlockRows ?? Self.backwardBlockElements / widest))
        var spare = [buffers.scratch]
        buffers.scratch = []
        // δ_L, then one block of δ_l·W_lᵀ.
        var scratch = Self.buffer(atLeast: rows * outputSize + blockRows * widest, reusing: &spare, at: 0)
        var hidden = buffers.hidden
        buffers.hidden = []
        let ones = [Scalar](repeating: 1, count: rows)
        scratch.withUnsafeMutableBufferPointer { scratch in
            let top = scratch.baseAddress!
            let block = top + rows * outputSize
            top.update(from: logitCotangent, count: rows * outputSize)
            // δ_l: the top buffer for the output layer, else hidden[l] (written by the previous layer's step).
            var current: [Scalar] = []
            var l = layerCount - 1
            while l >= 0 {
                let fanIn = sizes[l]
                let fanOut = sizes[l + 1]
                let offset = weightOffset(l)
                // a_{l−1}, taken out of `hidden` so that it is referenced once while δ_{l−1} overwrites it.
                var below: [Scalar] = []
                if l > 0 { swap(&below, &hidden[l - 1]) }
                Self.withDelta(l == layerCount - 1 ? UnsafePointer(top) : nil, current) { delta in
                    below.withUnsafeMutableBufferPointer { below in
                        let x = l > 0 ? UnsafePointer(below.baseAddress!) : inputs
                        // ∂/∂W_l = a_{l−1}ᵀ · δ_l
                        DenseMatrixProduct.multiply(
                            x, transposeA: true, delta, into: gradient + offset, rows: fanIn, columns: fanOut,
                            inner: rows)
                        // ∂/∂b_l = column sums of δ_l
                        ones.withUnsafeBufferPointer { ones in
                            DenseMatrixProduct.transposedTimesVector(
                                delta, rows: rows, columns: fanOut, ones.baseAddress!,
                                into: gradient + offset + fanIn * fanOut)
                        }
                        guard l > 0 else { return }
                        // δ_{l−1} = (δ_l · W_lᵀ) ⊙ act'_{l−1}(a_{l−1}), over a_{l−1}, block by block.
                        let activation = activations[l - 1]
                        let a = below.baseAddress!
                        var first = 0
                        while first < rows {
                            let count = min(blockRows, rows - first)
                            DenseMatrixProduct.multiply(
                                delta + first * fanOut, parameters + offset, transposeB: true, into: block,
                                rows: count, columns: fanIn, inner: fanOut)
                            let (source, target) = (UnsafePointer(block), a + first * fanIn)
                            Self.elementwise(count * fanIn) { range in
                                // The loop chosen outside the elements, as in the forward pass.
                                switch activation {
                                case .identity:
                                    for i in range { target[i] = source[i] }
                                case .relu:
                                    Activation.multiplyByRectifiedSlope(target, source, range)
                                default:
                                    for i in range { target[i] = source[i] * activation.derivative(output: target[i]) }
                                }
                            }
                            first += count
                        }
                    }
                }
                // δ_l's memory is hidden[l] again; δ_{l−1} (in a_{l−1}'s memory) is the next layer's.
                if l < layerCount - 1 { swap(&hidden[l], &current) }
                current = below
                l -= 1
            }
        }
        buffers.hidden = hidden
        buffers.scratch = scratch
    }

    /// Elements of the backward pass's block of δ_l·W_lᵀ (4 MiB in float64): rows enough for a full-speed product
    /// of the widest layer, and a small fraction of a batch of neos's default network.
    static let backwardBlockElements = 1 << 19

    /// Calls `body` with δ_l: `top` when given (the output layer's), else the array `delta`.
    static func withDelta<Scalar: NetworkScalar, Result>(
        _ top: UnsafePointer<Scalar>?, _ delta: [Scalar], _ body: (UnsafePointer<Scalar>) -> Result
    ) -> Result {
        if let top { return body(top) }
        return delta.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Converts a cotangent on the network's outputs into one on the last pre-activation.
    public func outputCotangentToLogits(_ cotangent: [Double], forward: Forward) -> [Double] {
        let activation = activations[layerCount - 1]
        let output = forward.output
        return (0..<cotangent.count).map { cotangent[$0] * activation.derivative(output: output[$0]) }
    }
}
