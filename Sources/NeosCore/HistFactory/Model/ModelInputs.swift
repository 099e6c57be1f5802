/// The numbers a model is built from ("inputs") and the quantities derived from them.
///
/// Input vector layout (also `Model.inputs().names`): channels in sorted order; within a channel the samples
/// present in it, in sorted order; for each sample first its nominal, then its modifiers sorted by
/// (name, type), each contributing
///
///     "{channel}/{sample}/nominal[{bin}]"                   one per bin
///     "{channel}/{sample}/histosys/{modifier}/hi[{bin}]"    one per bin, then
///     "{channel}/{sample}/histosys/{modifier}/lo[{bin}]"    one per bin
///     "{channel}/{sample}/normsys/{modifier}/hi", ".../lo"  two scalars
///     "{channel}/{sample}/shapesys/{modifier}[{bin}]"       absolute uncertainty per bin
///     "{channel}/{sample}/staterror/{modifier}[{bin}]"      absolute uncertainty per bin
///
/// (normfactor, shapefactor and lumi carry no numbers.) Derived quantities, recomputed by `withInputs`:
/// the staterror widths σ_b (from the nominals and uncertainties of the carrying samples), the shapesys τ_b =
/// (ν⁰_b/σ_b)² and the shapesys auxdata (= τ_b), unless the measurement config set them explicitly.
struct ModelNumbers: Sendable {
    var inputs: [Double]
    var gaussSigma: [Double]
    var poisTau: [Double]
    var auxdata: [Double]
    /// Each normsys factor's interpolation numbers for these inputs (`NormsysTable`).
    var normsysTable: [Double]

    /// Derives σ, τ and auxdata from `inputs`. Structure decisions taken at build time (which bins are fixed or
    /// invalid) are kept; a staterror width or shapesys τ that stops being positive and finite is an error.
    init(structure s: ModelStructure, inputs: [Double]) throws {
        self.inputs = inputs
        var gaussSigma = s.gaussSigmaConstant
        for g in 0..<s.gaussParam.count where s.gaussStatStart[g] < s.gaussStatStart[g + 1] {
            var total = 0.0
            for k in s.gaussStatStart[g]..<s.gaussStatStart[g + 1] { total += inputs[s.statNominal[k]] }
            var sum = 0.0
            if total > 0 {
                for k in s.gaussStatStart[g]..<s.gaussStatStart[g + 1] {
                    let r = inputs[s.statDelta[k]] / total
                    sum += r * r
                }
            }
            let sigma = sum.squareRoot()
            guard sigma > 0 && sigma.isFinite else {
                throw NeosError(
                    .invalidArgument,
                    "staterror width for parameter \(s.parameterNames[s.gaussParam[g]]) is \(sigma) with these inputs (sum of nominals \(total)); it must stay positive"
                )
            }
            gaussSigma[g] = sigma
        }
        var poisTau = s.poisTauConstant
        for c in 0..<s.poisParam.count where s.poisNominal[c] >= 0 {
            let tau = ShapeSysModifier.tau(nominal: inputs[s.poisNominal[c]], sigma: inputs[s.poisSigma[c]])
            guard tau.isFinite else {
                throw NeosError(
                    .invalidArgument,
                    "shapesys factor τ for parameter \(s.parameterNames[s.poisParam[c]]) is \(tau) with these inputs (uncertainty \(inputs[s.poisSigma[c]])); it must stay finite"
                )
            }
            poisTau[c] = tau
        }
        var auxdata = s.auxConstant
        for k in 0..<auxdata.count where s.auxFromPoisson[k] >= 0 { auxdata[k] = poisTau[s.auxFromPoisson[k]] }
        self.gaussSigma = gaussSigma
        self.poisTau = poisTau
        self.auxdata = auxdata
        self.normsysTable = NormsysTable.make(structure: s, inputs: inputs)
    }

    /// `body` with the inputs as the entry kernels read them.
    @inline(__always)
    func withEntryInputs<R>(_ body: (EntryInputs) throws -> R) rethrows -> R {
        try inputs.withUnsafeBufferPointer { values in
            try normsysTable.withUnsafeBufferPointer { table in try body(EntryInputs(values: values, normsys: table)) }
        }
    }
}

/// The model's inputs as the entry kernels (`ModelStructure.entryValue`, `EntryKernel`) read them: the flat
/// inputs, indexed as `ModelNumbers.inputs`, and the normsys factors' precomputed interpolation numbers.
struct EntryInputs {
    /// `ModelNumbers.inputs`.
    let values: UnsafeBufferPointer<Double>
    /// `ModelNumbers.normsysTable`.
    let normsys: UnsafeBufferPointer<Double>

    /// Input i.
    @inline(__always)
    subscript(i: Int) -> Double { values[i] }

    /// The start of factor slot k's `NormsysTable` entries.
    @inline(__always)
    func normsysEntry(_ k: Int) -> UnsafePointer<Double> { normsys.baseAddress! + k * NormsysTable.stride }
}

extension Model {
    /// Every number the model was built from, with its name (layout documented in `ModelNumbers`).
    public func inputs() -> (names: [String], values: [Double]) {
        (structure.inputNames, numbers.inputs)
    }

    /// The number of inputs, the length of `inputs().values` and of every input gradient.
    public var inputCount: Int { structure.inputCount }

    /// The same model structure with new input numbers (no JSON involved). Staterror widths, shapesys τ and
    /// auxdata are re-derived; bins fixed or invalid at build time stay so; the fit options stay.
    public func withInputs(_ values: [Double]) throws -> Model {
        try Validate.length(values.count, equals: structure.inputCount, "inputs")
        try values.withUnsafeBufferPointer { try Validate.finite($0, "inputs") }
        return Model(
            structure: structure, numbers: try ModelNumbers(structure: structure, inputs: values),
            fitOptions: fitOptions)
    }
}
