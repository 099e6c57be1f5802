/// The compiled, input-independent structure of a model: flat arrays (structure of arrays) that the likelihood
/// kernels walk without dictionaries. Built once by `ModelBuilder`; shared by every `Model` made from it with
/// `withInputs`.
///
/// Expected rates: every (sample present in channel, bin) is an *entry* e with
///
///     ν_e = Π_{factors k of e} f_k · (nom_e + Σ_{additives h of e} Δ_h),   λ_b = Σ_{e in bin b} ν_e
///
/// Entries are grouped by global bin (`binEntryStart`), so per-bin sums and per-bin sparse Jacobians are
/// contiguous. A factor is either linear (f = θ_p: normfactor, shapefactor, lumi, shapesys, staterror) or a
/// normsys interpolation of θ_p with inputs hi/lo; an additive is a histosys interpolation of θ_p between the
/// inputs lo/nom/hi.
final class ModelStructure: Sendable {
    // Names and sizes
    let channels: [String]
    let channelBinCounts: [Int]
    let samples: [String]
    let paramSets: [ParamSet]
    let parameterOrder: [String]
    let parameterNames: [String]
    let parameterCount: Int
    let mainBinCount: Int
    let auxCount: Int
    let poiIndex: Int?
    let poiName: String?
    let suggestedInit: [Double]
    let suggestedBounds: [(lower: Double, upper: Double)]
    let suggestedFixed: [Bool]
    let inputNames: [String]
    let normsysCode: NormsysInterpolation
    let histosysCode: HistosysInterpolation

    // Entries (E of them), grouped by bin
    let binEntryStart: [Int]  // B + 1
    let entryBin: [Int]
    let entryNominal: [Int]  // input index of the nominal
    let entryFactorStart: [Int]  // E + 1
    let entryAddStart: [Int]  // E + 1
    let maxFactors: Int
    let maxAdds: Int

    // Factors
    let factorParam: [Int]
    let factorIsNormsys: [Bool]
    let factorHi: [Int]  // input index (normsys), -1 otherwise
    let factorLo: [Int]

    // Additives (histosys)
    let addParam: [Int]
    let addHi: [Int]
    let addLo: [Int]

    // Gaussian constraints: parameter, aux index; σ constant or from staterror inputs (CSR into stat*)
    let gaussParam: [Int]
    let gaussAux: [Int]
    let gaussSigmaConstant: [Double]  // used when the CSR range is empty
    let gaussStatStart: [Int]  // G + 1
    let statNominal: [Int]
    let statDelta: [Int]

    // Poisson constraints: parameter, aux index; τ constant (nominal index −1) or (ν⁰/σ)² from inputs
    let poisParam: [Int]
    let poisAux: [Int]
    let poisTauConstant: [Double]
    let poisNominal: [Int]
    let poisSigma: [Int]

    // auxdata: constant, or (auxFromPoisson[k] ≥ 0) equal to that Poisson constraint's τ
    let auxConstant: [Double]
    let auxFromPoisson: [Int]

    // the entries whose rate depends on each parameter (CSR: parameterEntries[parameterEntryStart[p]..<[p + 1]],
    // ascending, each entry once), for evaluating the likelihood along one parameter
    let parameterEntryStart: [Int]  // P + 1
    let parameterEntries: [Int]

    // pyhf's clip_sample_data / clip_bin_data (`ModelClipping`), and per main bin the constant that the samples its
    // channel lacks contribute under a sample clip above 0 (empty when there is none)
    let clipping: ModelClipping
    let clipAbsentSamples: [Double]

    // Per parameter, where the likelihood is not smooth (`Model.parameterBreakpoints`) and its Gaussian and
    // Poisson constraints (indices into gaussParam and poisParam), found once: fits ask for them at every call.
    let breakpoints: [[Double]]
    let gaussianConstraintsOf: [[Int]]
    let poissonConstraintsOf: [[Int]]

    init(
        channels: [String], channelBinCounts: [Int], samples: [String], paramSets: [ParamSet], poiIndex: Int?,
        poiName: String?, inputNames: [String], normsysCode: NormsysInterpolation, histosysCode: HistosysInterpolation,
        binEntryStart: [Int], entryBin: [Int], entryNominal: [Int], entryFactorStart: [Int], entryAddStart: [Int],
        factorParam: [Int], factorIsNormsys: [Bool], factorHi: [Int], factorLo: [Int],
        addParam: [Int], addHi: [Int], addLo: [Int],
        gaussParam: [Int], gaussAux: [Int], gaussSigmaConstant: [Double], gaussStatStart: [Int], statNominal: [Int],
        statDelta: [Int], poisParam: [Int], poisAux: [Int], poisTauConstant: [Double], poisNominal: [Int],
        poisSigma: [Int], auxConstant: [Double], auxFromPoisson: [Int], clipping: ModelClipping = .none
    ) {
        self.channels = channels
        self.channelBinCounts = channelBinCounts
        self.samples = samples
        self.paramSets = paramSets
        self.parameterOrder = paramSets.map(\.name)
        var names: [String] = []
        var inits: [Double] = []
        var bounds: [(lower: Double, upper: Double)] = []
        var fixed: [Bool] = []
        for set in paramSets {
            for i in 0..<set.count {
                names.append(set.isScalar ? set.name : "\(set.name)[\(i)]")
                inits.append(set.inits[i])
                bounds.append((set.bounds[i].lower, set.bounds[i].upper))
                fixed.append(set.fixed[i])
            }
        }
        self.parameterNames = names
        self.parameterCount = names.count
        self.suggestedInit = inits
        self.suggestedBounds = bounds
        self.suggestedFixed = fixed
        self.mainBinCount = channelBinCounts.reduce(0, +)
        self.auxCount = auxConstant.count
        self.poiIndex = poiIndex
        self.poiName = poiName
        self.inputNames = inputNames
        self.normsysCode = normsysCode
        self.histosysCode = histosysCode
        self.binEntryStart = binEntryStart
        self.entryBin = entryBin
        self.entryNominal = entryNominal
        self.entryFactorStart = entryFactorStart
        self.entryAddStart = entryAddStart
        var maxFactors = 0
        var maxAdds = 0
        for e in 0..<entryBin.count {
            maxFactors = max(maxFactors, entryFactorStart[e + 1] - entryFactorStart[e])
            maxAdds = max(maxAdds, entryAddStart[e + 1] - entryAddStart[e])
        }
        self.maxFactors = maxFactors
        self.maxAdds = maxAdds
        self.factorParam = factorParam
        self.factorIsNormsys = factorIsNormsys
        self.factorHi = factorHi
        self.factorLo = factorLo
        self.addParam = addParam
        self.addHi = addHi
        self.addLo = addLo
        self.gaussParam = gaussParam
        self.gaussAux = gaussAux
        self.gaussSigmaConstant = gaussSigmaConstant
        self.gaussStatStart = gaussStatStart
        self.statNominal = statNominal
        self.statDelta = statDelta
        self.poisParam = poisParam
        self.poisAux = poisAux
        self.poisTauConstant = poisTauConstant
        self.poisNominal = poisNominal
        self.poisSigma = poisSigma
        self.auxConstant = auxConstant
        self.auxFromPoisson = auxFromPoisson
        var entriesOf = [[Int]](repeating: [], count: names.count)
        for e in 0..<entryBin.count {
            let parameters = Set(
                factorParam[entryFactorStart[e]..<entryFactorStart[e + 1]]
                    + addParam[entryAddStart[e]..<entryAddStart[e + 1]])
            for p in parameters { entriesOf[p].append(e) }
        }
        self.parameterEntryStart = [0] + entriesOf.map(\.count).reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
        self.parameterEntries = entriesOf.flatMap { $0 }
        self.clipping = clipping
        if let bound = clipping.sampleData, bound > 0 {
            // Each bin's entries are the samples its channel contains; the others are pyhf's zero nominals.
            let absent = (0..<(binEntryStart.count - 1)).map {
                samples.count - (binEntryStart[$0 + 1] - binEntryStart[$0])
            }
            self.clipAbsentSamples = absent.map { Double($0) * bound }
        } else {
            self.clipAbsentSamples = []
        }
        var points = [Set<Double>](repeating: [], count: names.count)
        for (index, parameter) in factorParam.enumerated() where factorIsNormsys[index] && normsysCode == .code1 {
            points[parameter].insert(0)
        }
        for parameter in addParam {
            switch histosysCode {
            case .code0: points[parameter].insert(0)
            case .code2: points[parameter].formUnion([-1, 1])
            case .code4p: break
            }
        }
        self.breakpoints = points.map { $0.sorted() }
        var gaussianOf = [[Int]](repeating: [], count: names.count)
        for g in 0..<gaussParam.count { gaussianOf[gaussParam[g]].append(g) }
        var poissonOf = [[Int]](repeating: [], count: names.count)
        for c in 0..<poisParam.count { poissonOf[poisParam[c]].append(c) }
        self.gaussianConstraintsOf = gaussianOf
        self.poissonConstraintsOf = poissonOf
    }

    var entryCount: Int { entryBin.count }
    var inputCount: Int { inputNames.count }
}
