/// A HistFactory model (pyhf's `pyhf.Model`), immutable and safe to share between threads.
///
/// Parameter vectors follow `parameterOrder` / `parameterNames`; data vectors are the main bins in `channels`
/// order followed by `auxdata`. Every numeric method validates its arguments (lengths, finiteness) and throws
/// `.invalidArgument` otherwise.
public final class Model: Sendable {
    let structure: ModelStructure
    let numbers: ModelNumbers

    init(structure: ModelStructure, numbers: ModelNumbers) {
        self.structure = structure
        self.numbers = numbers
    }

    /// A `pyhf.Model(spec)`: `json` is `{"channels": [...], "parameters": [...]}` (parameters optional).
    /// `poiName` nil or "" means no parameter of interest.
    public convenience init(spec json: String, poiName: String? = "mu", modifierSettings: ModifierSettings? = nil)
        throws
    {
        let spec = try ModelSpec(modelJSON: try JSON.parse(json))
        try self.init(spec: spec, poiName: poiName, modifierSettings: modifierSettings)
    }

    convenience init(spec: ModelSpec, poiName: String?, modifierSettings: ModifierSettings?) throws {
        let (structure, inputs) = try ModelBuilder.build(spec: spec, poiName: poiName, settings: modifierSettings)
        self.init(structure: structure, numbers: try ModelNumbers(structure: structure, inputs: inputs))
    }

    // MARK: configuration

    /// Parameter-set names in pyhf's `par_order`.
    public var parameterOrder: [String] { structure.parameterOrder }
    /// One name per parameter slot (`name` for scalars, `name[i]` for vector sets): pyhf's `par_names`.
    public var parameterNames: [String] { structure.parameterNames }
    public var parameterCount: Int { structure.parameterCount }
    public var poiIndex: Int? { structure.poiIndex }
    public var poiName: String? { structure.poiName }
    public var suggestedInit: [Double] { structure.suggestedInit }
    public var suggestedBounds: [(lower: Double, upper: Double)] { structure.suggestedBounds }
    public var suggestedFixed: [Bool] { structure.suggestedFixed }
    public var auxdata: [Double] { numbers.auxdata }
    /// Channel names, sorted (the main-data order).
    public var channels: [String] { structure.channels }
    public var channelBinCounts: [Int] { structure.channelBinCounts }
    /// The global sorted sample list.
    public var samples: [String] { structure.samples }
    public var mainBinCount: Int { structure.mainBinCount }
    public var auxdataCount: Int { structure.auxCount }
    /// The interpolation codes in use.
    public var normsysInterpolation: NormsysInterpolation { structure.normsysCode }
    public var histosysInterpolation: HistosysInterpolation { structure.histosysCode }
    /// Slice of `name`'s parameters in the parameter vector.
    public func parameterSlice(_ name: String) -> Range<Int>? {
        structure.paramSets.first { $0.name == name }.map { $0.start..<($0.start + $0.count) }
    }

    // MARK: validation

    func checkPars(_ pars: [Double]) throws {
        try Validate.length(pars.count, equals: structure.parameterCount, "pars")
        try pars.withUnsafeBufferPointer { try Validate.finite($0, "pars") }
    }

    func checkData(_ data: [Double]) throws {
        try Validate.length(
            data.count, equals: structure.mainBinCount + structure.auxCount, "data (main bins + auxdata)")
        try data.withUnsafeBufferPointer { try Validate.finite($0, "data") }
    }

    /// Checks parameters and data, then runs a kernel on their buffers.
    func evaluate<R>(
        _ pars: [Double], _ data: [Double], _ kernel: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> R
    ) throws -> R {
        try checkPars(pars)
        try checkData(data)
        return pars.withUnsafeBufferPointer { pars in data.withUnsafeBufferPointer { data in kernel(pars, data) } }
    }

    // MARK: values

    /// Expected main rates followed (optionally) by the expected auxdata (θ for Gaussian, θτ for Poisson
    /// constraints): pyhf's `expected_data`.
    public func expectedData(_ pars: [Double], includeAuxdata: Bool = true) throws -> [Double] {
        try checkPars(pars)
        let s = structure
        var out = [Double](repeating: 0, count: s.mainBinCount + (includeAuxdata ? s.auxCount : 0))
        pars.withUnsafeBufferPointer { pars in
            numbers.inputs.withUnsafeBufferPointer { inputs in
                out.withUnsafeMutableBufferPointer { out in
                    s.rates(pars, inputs, into: UnsafeMutableBufferPointer(rebasing: out[0..<s.mainBinCount]))
                    if includeAuxdata {
                        s.expectedAux(pars, numbers, into: UnsafeMutableBufferPointer(rebasing: out[s.mainBinCount...]))
                    }
                }
            }
        }
        return out
    }

    /// pyhf's `expected_actualdata`: the main rates only.
    public func expectedActualData(_ pars: [Double]) throws -> [Double] {
        try expectedData(pars, includeAuxdata: false)
    }

    /// pyhf's `Model.logpdf(pars, data)` (a scalar here): data = main bins + auxdata.
    public func logpdf(_ pars: [Double], data: [Double]) throws -> Double {
        try evaluate(pars, data) { pars, data in structure.logpdf(pars, data, numbers) }
    }

    /// logpdf(a) − logpdf(b), to the precision of the difference rather than of the two log-likelihoods (see
    /// `ModelStructure.logpdfDifference`): test statistics are such differences.
    public func logpdfDifference(_ a: [Double], _ b: [Double], data: [Double]) throws -> Double {
        try checkPars(b)
        return try evaluate(a, data) { a, data in
            b.withUnsafeBufferPointer { b in structure.logpdfDifference(a, b, data, numbers) }
        }
    }

    /// ∇_θ of NLL = −logpdf (exact).
    public func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in structure.nllGradient(pars, data, numbers) }
    }

    /// NLL and its gradient in one call (the hot path of a fit).
    public func nllAndGradient(_ pars: [Double], data: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkPars(pars)
        try checkData(data)
        return pars.withUnsafeBufferPointer { pars in
            data.withUnsafeBufferPointer { data in
                (-structure.logpdf(pars, data, numbers), structure.nllGradient(pars, data, numbers))
            }
        }
    }

    /// ∇²_θ NLL, row-major parameterCount × parameterCount (exact).
    public func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in structure.nllHessian(pars, data, numbers) }
    }

    // MARK: inputs

    /// Every number the model was built from, with its name (layout documented in `ModelNumbers`).
    public func inputs() -> (names: [String], values: [Double]) {
        (structure.inputNames, numbers.inputs)
    }

    public var inputCount: Int { structure.inputCount }

    /// The same model structure with new input numbers (no JSON involved). Staterror widths, shapesys τ and
    /// auxdata are re-derived; bins fixed or invalid at build time stay so.
    public func withInputs(_ values: [Double]) throws -> Model {
        try Validate.length(values.count, equals: structure.inputCount, "inputs")
        try values.withUnsafeBufferPointer { try Validate.finite($0, "inputs") }
        return Model(structure: structure, numbers: try ModelNumbers(structure: structure, inputs: values))
    }

    // MARK: VJPs and mixed derivatives

    /// Gradient of logpdf with respect to the parameters, the data (main + aux) and the inputs.
    public func logpdfVJP(_ pars: [Double], data: [Double]) throws -> (pars: [Double], data: [Double], inputs: [Double])
    {
        try checkPars(pars)
        try checkData(data)
        return pars.withUnsafeBufferPointer { pars in
            data.withUnsafeBufferPointer { data in
                let s = structure
                let gPars = s.nllGradient(pars, data, numbers).map { -$0 }
                let gData = s.logpdfDataGradient(pars, data, numbers)
                let gInputs = s.nllInputGradient(pars, data, numbers).map { -$0 }
                return (gPars, gData, gInputs)
            }
        }
    }

    /// Cotangent · ∂expectedData/∂(pars, inputs). `cotangent` has the length of `expectedData(pars,
    /// includeAuxdata:)`.
    public func expectedDataVJP(cotangent: [Double], pars: [Double], includeAuxdata: Bool = true) throws -> (
        pars: [Double], inputs: [Double]
    ) {
        try checkPars(pars)
        let s = structure
        try Validate.length(cotangent.count, equals: s.mainBinCount + (includeAuxdata ? s.auxCount : 0), "cotangent")
        try cotangent.withUnsafeBufferPointer { try Validate.finite($0, "cotangent") }
        var gPars = [Double](repeating: 0, count: s.parameterCount)
        var gInputs = [Double](repeating: 0, count: s.inputCount)
        pars.withUnsafeBufferPointer { pars in
            s.ratesVJP({ cotangent[$0] }, pars, numbers, parsOut: &gPars, inputsOut: &gInputs)
            if includeAuxdata {
                for g in 0..<s.gaussParam.count { gPars[s.gaussParam[g]] += cotangent[s.mainBinCount + s.gaussAux[g]] }
                for c in 0..<s.poisParam.count {
                    let ct = cotangent[s.mainBinCount + s.poisAux[c]]
                    gPars[s.poisParam[c]] += ct * numbers.poisTau[c]
                    let theta = pars[s.poisParam[c]]
                    s.forEachTauDerivative(c, numbers) { gInputs[$0] += ct * theta * $1 }
                }
            }
        }
        return (gPars, gInputs)
    }

    /// ∂²NLL/∂θ∂ψ, row-major parameterCount × inputCount.
    public func nllGradientJacobianInputs(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in structure.mixedInputs(pars, data, numbers) }
    }

    /// ∂²NLL/∂θ∂n, row-major parameterCount × data.count (main + aux).
    public func nllGradientJacobianData(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in structure.mixedData(pars, data, numbers) }
    }
}
