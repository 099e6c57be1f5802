/// A HistFactory model (pyhf's `pyhf.Model`), immutable and safe to share between threads.
///
/// Parameter vectors follow `parameterOrder` / `parameterNames`; data vectors are the main bins in `channels`
/// order followed by `auxdata`. Every numeric method validates its arguments (lengths, finiteness) and throws
/// `.invalidArgument` otherwise.
public final class Model: Sendable {
    let structure: ModelStructure
    let numbers: ModelNumbers
    /// The options of every fit through this model that names none (`withFitOptions`, FitOptions.swift).
    public let fitOptions: FitOptions

    init(structure: ModelStructure, numbers: ModelNumbers, fitOptions: FitOptions = .defaults) {
        self.structure = structure
        self.numbers = numbers
        self.fitOptions = fitOptions
    }

    /// A `pyhf.Model(spec)`: `json` is `{"channels": [...], "parameters": [...]}` (parameters optional).
    /// `poiName` nil or "" means no parameter of interest. `unconstrained`: parameters whose constraint terms and
    /// auxdata are dropped (an extension of HistFactory for INFERNO's free nuisances; ModelUnconstrained.swift).
    ///
    /// - Throws: `NeosError` for an invalid spec, and of kind `.model` for an `unconstrained` name that is not a
    ///   constrained parameter of the model.
    public convenience init(
        spec json: String, poiName: String? = "mu", modifierSettings: ModifierSettings? = nil,
        unconstrained: [String] = []
    ) throws {
        let spec = try ModelSpec(modelJSON: try JSON.parse(json))
        try self.init(spec: spec, poiName: poiName, modifierSettings: modifierSettings, unconstrained: unconstrained)
    }

    convenience init(
        spec: ModelSpec, poiName: String?, modifierSettings: ModifierSettings?, unconstrained: [String] = []
    ) throws {
        let (structure, inputs) = try ModelBuilder.build(
            spec: spec, poiName: poiName, settings: modifierSettings, unconstrained: unconstrained)
        self.init(structure: structure, numbers: try ModelNumbers(structure: structure, inputs: inputs))
    }

    // MARK: configuration

    /// Parameter-set names in pyhf's `par_order`.
    public var parameterOrder: [String] { structure.parameterOrder }
    /// One name per parameter slot (`name` for scalars, `name[i]` for vector sets): pyhf's `par_names`.
    public var parameterNames: [String] { structure.parameterNames }
    /// The number of parameter slots (the length of every parameter vector).
    public var parameterCount: Int { structure.parameterCount }
    /// The POI's index in the parameter vector, nil when the model has none.
    public var poiIndex: Int? { structure.poiIndex }
    /// The POI's parameter name, nil when the model has none.
    public var poiName: String? { structure.poiName }
    /// pyhf's `suggested_init`: one initial value per parameter slot.
    public var suggestedInit: [Double] { structure.suggestedInit }
    /// pyhf's `suggested_bounds`: one closed interval per parameter slot.
    public var suggestedBounds: [(lower: Double, upper: Double)] { structure.suggestedBounds }
    /// pyhf's `suggested_fixed`: whether each parameter slot is held at its initial value in fits.
    public var suggestedFixed: [Bool] { structure.suggestedFixed }
    /// The auxiliary data of the constraint terms, in par_order (pyhf's `config.auxdata`).
    public var auxdata: [Double] { numbers.auxdata }
    /// Channel names, sorted (the main-data order).
    public var channels: [String] { structure.channels }
    /// The number of bins of each channel, in `channels` order.
    public var channelBinCounts: [Int] { structure.channelBinCounts }
    /// The global sorted sample list.
    public var samples: [String] { structure.samples }
    /// The number of main-data bins (all channels).
    public var mainBinCount: Int { structure.mainBinCount }
    /// The number of auxiliary data, the tail of every data vector.
    public var auxdataCount: Int { structure.auxCount }
    /// The normsys interpolation code in use.
    public var normsysInterpolation: NormsysInterpolation { structure.normsysCode }
    /// The histosys interpolation code in use.
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

    /// Lengths, finiteness, and counts ≥ 0: the main bins and the Poisson constraints' auxdata are observed counts
    /// (a Gaussian constraint's auxdatum may be any number). pyhf evaluates negative counts through lnΓ(n + 1),
    /// which gives −∞ at n = −1 and meaningless numbers between; they are refused here.
    func checkData(_ data: [Double]) throws {
        try Validate.length(
            data.count, equals: structure.mainBinCount + structure.auxCount, "data (main bins + auxdata)")
        try data.withUnsafeBufferPointer { try Validate.finite($0, "data") }
        let s = structure
        if let b = data[0..<s.mainBinCount].firstIndex(where: { $0 < 0 }) {
            throw NeosError.invalidArgument(
                "data[\(b)] is \(data[b]): \(s.binLabel(b)) is an observed count and must be ≥ 0")
        }
        for c in 0..<s.poisParam.count where data[s.mainBinCount + s.poisAux[c]] < 0 {
            let index = s.mainBinCount + s.poisAux[c]
            throw NeosError.invalidArgument(
                "data[\(index)] is \(data[index]): the auxdatum of \(s.parameterNames[s.poisParam[c]])'s Poisson "
                    + "constraint is an observed count and must be ≥ 0")
        }
    }

    /// Checks parameters and data, then runs a kernel on their buffers.
    func evaluate<R>(
        _ pars: [Double], _ data: [Double],
        _ kernel: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) throws -> R
    ) throws -> R {
        try checkPars(pars)
        try checkData(data)
        return try pars.withUnsafeBufferPointer { pars in
            try data.withUnsafeBufferPointer { data in try kernel(pars, data) }
        }
    }
}
