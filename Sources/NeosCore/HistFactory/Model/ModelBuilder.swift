/// Python's string order (by Unicode code point), which pyhf uses for channels, samples and modifiers.
@inline(__always)
func codePointLess(_ a: String, _ b: String) -> Bool {
    var ia = a.unicodeScalars.makeIterator()
    var ib = b.unicodeScalars.makeIterator()
    while true {
        switch (ia.next(), ib.next()) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?):
            if x.value != y.value { return x.value < y.value }
        }
    }
}

/// Turns a checked `ModelSpec` into a `ModelStructure` plus its inputs, following pyhf 0.7.6's rules (pyhf.md
/// §1–2): sorted channels and samples, type-grouped parameter order, shared names, masks, defaults and the
/// measurement's parameter overrides; optionally, parameters whose constraint terms are dropped
/// (``unconstrain(_:names:)``, an extension of HistFactory).
///
/// `build` runs the steps in order, each a function of the previous steps' results: `layout` (sorted channels,
/// samples and modifiers), `requirements` (what each parameter name needs, in pyhf's order, with staterror's
/// combined widths), `ParameterSets.resolve` (merged with the measurement's config), `parameterOfInterest`,
/// `inputLayout` (every number the model is built from, named), `entries` (the rate terms per bin) and
/// `constraints` (Gaussian and Poisson constraint terms and auxdata, in par_order).
enum ModelBuilder {
    /// A modifier's identity: pyhf keys modifiers by (name, type).
    struct ModifierKey: Hashable {
        var name: String
        var type: ModifierType
    }

    /// Channels, samples and modifiers in pyhf's orders.
    struct Layout {
        /// The channels, sorted by name.
        var channels: [ModelSpec.Channel]
        /// Every sample name of the model, sorted.
        var samples: [String]
        /// Each sample name's position in `samples`.
        var sampleRank: [String: Int]
        var channelBinCounts: [Int]
        /// The first global bin of each channel.
        var channelBinStart: [Int]
        /// present[c] = channel c's samples in global sample order, each with its modifiers sorted by (name, type).
        var present: [[ModelSpec.Sample]]
    }

    /// One requirement a modifier puts on its parameter name, where it was met, and the modifier's type.
    typealias Requirement = (requirement: ParamRequirement, path: String, type: ModifierType)

    /// What the parameter names need, in pyhf's parameter order, with staterror's bin layout.
    struct Requirements {
        /// Parameter names, in order of first appearance (type groups, then channel → sample → modifier).
        var names: [String] = []
        /// The type of the modifier that first introduced each name.
        var firstType: [String: ModifierType] = [:]
        var byName: [String: [Requirement]] = [:]
        /// staterror name → its global bins (parameter k ↔ statBins[k]).
        var statBins: [String: [Int]] = [:]
        /// staterror name → the sample ranks that carry it.
        var statCarriers: [String: [Int]] = [:]

        /// Adds a requirement; a (name, type) pair met again is not registered twice.
        mutating func register(
            _ name: String, _ type: ModifierType, _ requirement: ParamRequirement, _ path: String,
            seen: inout Set<ModifierKey>
        ) {
            let key = ModifierKey(name: name, type: type)
            if seen.contains(key) { return }
            seen.insert(key)
            append(name, type, requirement, path)
        }

        /// Adds a requirement unconditionally, making `name` a new parameter if it is not one yet.
        mutating func append(_ name: String, _ type: ModifierType, _ requirement: ParamRequirement, _ path: String) {
            if byName[name] == nil {
                names.append(name)
                firstType[name] = type
            }
            byName[name, default: []].append((requirement, path, type))
        }
    }

    /// Where a modifier's numbers sit in the input vector (−1: it has none of that kind).
    struct ModifierInputs {
        var hi = -1
        var lo = -1
        var values = -1
    }

    /// Every number the model is built from, named, and where each sample's and modifier's numbers start.
    struct InputLayout {
        var names: [String] = []
        var values: [Double] = []
        /// nominalStart[c][p]: the first nominal input of sample p of present[c].
        var nominalStart: [[Int]] = []
        /// modifierInputs[c][p][m]: the inputs of modifier m of sample p of present[c].
        var modifierInputs: [[[ModifierInputs]]] = []
    }

    /// The rate terms: entries (sample, bin) grouped by bin, their factors and additives (see `ModelStructure`).
    struct Entries {
        var binEntryStart: [Int] = [0]
        var entryBin: [Int] = []
        var entryNominal: [Int] = []
        var entryFactorStart: [Int] = [0]
        var entryAddStart: [Int] = [0]
        var factorParam: [Int] = []
        var factorIsNormsys: [Bool] = []
        var factorHi: [Int] = []
        var factorLo: [Int] = []
        var addParam: [Int] = []
        var addHi: [Int] = []
        var addLo: [Int] = []

        /// A factor f = θ_parameter (no inputs).
        mutating func appendLinearFactor(_ parameter: Int) {
            factorParam.append(parameter)
            factorIsNormsys.append(false)
            factorHi.append(-1)
            factorLo.append(-1)
        }
    }

    /// The constraint terms and auxdata, in par_order (see `ModelStructure`).
    struct Constraints {
        var gaussParam: [Int] = []
        var gaussAux: [Int] = []
        var gaussSigmaConstant: [Double] = []
        var gaussStatStart: [Int] = [0]
        var statNominal: [Int] = []
        var statDelta: [Int] = []
        var poisParam: [Int] = []
        var poisAux: [Int] = []
        var poisTauConstant: [Double] = []
        var poisNominal: [Int] = []
        var poisSigma: [Int] = []
        var auxConstant: [Double] = []
        var auxFromPoisson: [Int] = []
    }

    static func build(
        spec: ModelSpec, poiName requestedPOI: String?, settings: ModifierSettings?, unconstrained: [String] = []
    ) throws -> (ModelStructure, [Double]) {
        let codes = ModifierSettings.resolve(settings)
        let layout = Self.layout(spec)
        let requirements = try Self.requirements(layout)
        guard !requirements.names.isEmpty else {
            throw NeosError(.model, "channels: the model has no parameters (no modifiers)")
        }
        var paramSets = try ParameterSets.resolve(
            names: requirements.names, types: requirements.firstType, requirements: requirements.byName,
            configs: spec.parameters)
        try unconstrain(&paramSets, names: unconstrained)
        var setIndex: [String: Int] = [:]
        for (i, set) in paramSets.enumerated() { setIndex[set.name] = i }
        let (poiIndex, poiName) = try parameterOfInterest(requestedPOI, paramSets: paramSets, setIndex: setIndex)
        let inputs = inputLayout(layout)
        let entries = Self.entries(
            layout, paramSets: paramSets, setIndex: setIndex, statBins: requirements.statBins, inputs: inputs)
        let constraints = Self.constraints(layout, paramSets: paramSets, requirements: requirements, inputs: inputs)
        let structure = ModelStructure(
            channels: layout.channels.map(\.name), channelBinCounts: layout.channelBinCounts, samples: layout.samples,
            paramSets: paramSets, poiIndex: poiIndex, poiName: poiName, inputNames: inputs.names,
            normsysCode: codes.normsys, histosysCode: codes.histosys, binEntryStart: entries.binEntryStart,
            entryBin: entries.entryBin, entryNominal: entries.entryNominal, entryFactorStart: entries.entryFactorStart,
            entryAddStart: entries.entryAddStart, factorParam: entries.factorParam,
            factorIsNormsys: entries.factorIsNormsys, factorHi: entries.factorHi, factorLo: entries.factorLo,
            addParam: entries.addParam, addHi: entries.addHi, addLo: entries.addLo,
            gaussParam: constraints.gaussParam, gaussAux: constraints.gaussAux,
            gaussSigmaConstant: constraints.gaussSigmaConstant, gaussStatStart: constraints.gaussStatStart,
            statNominal: constraints.statNominal, statDelta: constraints.statDelta,
            poisParam: constraints.poisParam, poisAux: constraints.poisAux,
            poisTauConstant: constraints.poisTauConstant, poisNominal: constraints.poisNominal,
            poisSigma: constraints.poisSigma, auxConstant: constraints.auxConstant,
            auxFromPoisson: constraints.auxFromPoisson)
        return (structure, inputs.values)
    }

    /// Step 1: sorted channels, the global sorted sample list, and each channel's samples and their modifiers in
    /// pyhf's orders (samples by name, modifiers by (name, type)).
    static func layout(_ spec: ModelSpec) -> Layout {
        let channels = spec.channels.sorted { codePointLess($0.name, $1.name) }
        var sampleSet = Set<String>()
        var modifierSet = Set<ModifierKey>()
        for channel in channels {
            for sample in channel.samples {
                sampleSet.insert(sample.name)
                for modifier in sample.modifiers {
                    modifierSet.insert(ModifierKey(name: modifier.name, type: modifier.type))
                }
            }
        }
        let samples = sampleSet.sorted(by: codePointLess)
        let modifierOrder = modifierSet.sorted {
            $0.name != $1.name ? codePointLess($0.name, $1.name) : $0.type.rawValue < $1.type.rawValue
        }
        var modifierRank: [ModifierKey: Int] = [:]
        for (rank, key) in modifierOrder.enumerated() { modifierRank[key] = rank }
        let sampleRank = Dictionary(uniqueKeysWithValues: samples.enumerated().map { ($1, $0) })
        let channelBinCounts = channels.map(\.binCount)
        var channelBinStart: [Int] = []
        var running = 0
        for count in channelBinCounts {
            channelBinStart.append(running)
            running += count
        }
        var present: [[ModelSpec.Sample]] = []
        for channel in channels {
            var list = channel.samples.sorted { sampleRank[$0.name]! < sampleRank[$1.name]! }
            for i in list.indices {
                list[i].modifiers.sort {
                    modifierRank[ModifierKey(name: $0.name, type: $0.type)]! < modifierRank[
                        ModifierKey(name: $1.name, type: $1.type)]!
                }
            }
            present.append(list)
        }
        return Layout(
            channels: channels, samples: samples, sampleRank: sampleRank, channelBinCounts: channelBinCounts,
            channelBinStart: channelBinStart, present: present)
    }

    /// Step 2: the parameter requirements in pyhf's order: type groups, first met (channel → sample → modifier);
    /// staterror names after the others, ordered by name (pyhf's builder order), each from its carrying samples.
    static func requirements(_ layout: Layout) throws -> Requirements {
        var requirements = Requirements()
        var seen = Set<ModifierKey>()
        var shapesysSeen: [String: String] = [:]
        var shapefactorBins: [String: (bins: Int, path: String)] = [:]
        // staterror: per name, the carrying samples and the channels where each carries it
        var statCarriers: [String: [(sample: Int, channels: [Int], path: String)]] = [:]
        for type in ModifierType.allCases {
            for (c, channel) in layout.channels.enumerated() {
                for sample in layout.present[c] {
                    for modifier in sample.modifiers where modifier.type == type {
                        switch type {
                        case .normfactor:
                            requirements.register(
                                modifier.name, type, NormFactorModifier.requirement(), modifier.path, seen: &seen)
                        case .lumi:
                            requirements.register(
                                modifier.name, type, LumiModifier.requirement(), modifier.path, seen: &seen)
                        case .normsys:
                            requirements.register(
                                modifier.name, type, NormSysModifier.requirement(), modifier.path, seen: &seen)
                        case .histosys:
                            requirements.register(
                                modifier.name, type, HistoSysModifier.requirement(), modifier.path, seen: &seen)
                        case .shapefactor:
                            if let previous = shapefactorBins[modifier.name] {
                                guard previous.bins == channel.binCount else {
                                    throw NeosError(
                                        .model,
                                        "\(modifier.path): shapefactor \"\(modifier.name)\" is shared by channels with \(previous.bins) bins (\(previous.path)) and \(channel.binCount) bins; a shared shapefactor needs equal bin counts"
                                    )
                                }
                            } else {
                                shapefactorBins[modifier.name] = (channel.binCount, modifier.path)
                            }
                            requirements.register(
                                modifier.name, type, ShapeFactorModifier.requirement(binCount: channel.binCount),
                                modifier.path, seen: &seen)
                        case .shapesys:
                            if let previous = shapesysSeen[modifier.name] {
                                throw NeosError(
                                    .model,
                                    "\(modifier.path): shapesys \"\(modifier.name)\" is already used at \(previous); shapesys parameters cannot be shared, use unique names"
                                )
                            }
                            shapesysSeen[modifier.name] = modifier.path
                            guard case .uncertainties(let sigmas) = modifier.data else {
                                fatalError("checked in ModelSpec")
                            }
                            requirements.register(
                                modifier.name, type, ShapeSysModifier.requirement(nominal: sample.data, sigmas: sigmas),
                                modifier.path, seen: &seen)
                        case .staterror:
                            let s = layout.sampleRank[sample.name]!
                            if let i = statCarriers[modifier.name]?.firstIndex(where: { $0.sample == s }) {
                                statCarriers[modifier.name]![i].channels.append(c)
                            } else {
                                statCarriers[modifier.name, default: []].append((s, [c], modifier.path))
                            }
                        }
                    }
                }
            }
        }
        for name in statCarriers.keys.sorted(by: codePointLess) {
            try appendStatError(
                name, carriers: statCarriers[name]!.sorted { $0.sample < $1.sample }, layout, to: &requirements)
        }
        return requirements
    }

    /// A staterror parameter set: every carrying sample must carry it in the same channels (the mask); its bins
    /// are those channels' bins, each with the width σ_b combined over the carrying samples.
    static func appendStatError(
        _ name: String, carriers: [(sample: Int, channels: [Int], path: String)], _ layout: Layout,
        to requirements: inout Requirements
    ) throws {
        let reference = carriers[0]
        for other in carriers.dropFirst() where other.channels.sorted() != reference.channels.sorted() {
            func list(_ cs: [Int]) -> String { cs.sorted().map { layout.channels[$0].name }.joined(separator: ", ") }
            throw NeosError(
                .model,
                "\(other.path): staterror \"\(name)\" mask mismatch: sample \"\(layout.samples[other.sample])\" carries it in channels [\(list(other.channels))] but sample \"\(layout.samples[reference.sample])\" in [\(list(reference.channels))]; every sample with this staterror must carry it in the same channels"
            )
        }
        var bins: [Int] = []
        var sigmas: [Double] = []
        for c in reference.channels.sorted() {
            for i in 0..<layout.channelBinCounts[c] {
                bins.append(layout.channelBinStart[c] + i)
                var nominals: [Double] = []
                var deltas: [Double] = []
                for carrier in carriers {
                    let sample = layout.present[c].first { $0.name == layout.samples[carrier.sample] }!
                    let modifier = sample.modifiers.first { $0.type == .staterror && $0.name == name }!
                    guard case .uncertainties(let values) = modifier.data else {
                        fatalError("checked in ModelSpec")
                    }
                    nominals.append(sample.data[i])
                    deltas.append(values[i])
                }
                sigmas.append(StatErrorModifier.sigma(nominals: nominals, deltas: deltas))
            }
        }
        requirements.statBins[name] = bins
        requirements.statCarriers[name] = carriers.map(\.sample)
        requirements.append(name, .staterror, StatErrorModifier.requirement(sigmas: sigmas), reference.path)
    }

    /// Step 4: the POI's index in the parameter vector and its name (nil, nil when none is requested); it must be
    /// a scalar parameter of the model.
    static func parameterOfInterest(
        _ requested: String?, paramSets: [ParamSet], setIndex: [String: Int]
    ) throws -> (index: Int?, name: String?) {
        guard let requested, !requested.isEmpty else { return (nil, nil) }
        guard let index = setIndex[requested] else {
            throw NeosError(
                .model,
                "the parameter of interest \"\(requested)\" is not a parameter of the model (parameters: \(paramSets.map(\.name).joined(separator: ", ")))"
            )
        }
        guard paramSets[index].count == 1 else {
            throw NeosError(
                .model,
                // The first sentence is pyhf's (its users and tests match on it).
                "The parameter '\(requested)' contains multiple components and is not currently supported as parameter of interest. It has \(paramSets[index].count) components; only a scalar parameter can be the POI."
            )
        }
        return (paramSets[index].start, requested)
    }

    /// Step 5: the inputs, in the layout `ModelNumbers` documents: per channel, per present sample, its nominal
    /// and then its modifiers' numbers.
    static func inputLayout(_ layout: Layout) -> InputLayout {
        var inputs = InputLayout()
        for (c, channel) in layout.channels.enumerated() {
            var starts: [Int] = []
            var perSample: [[ModifierInputs]] = []
            for sample in layout.present[c] {
                let prefix = "\(channel.name)/\(sample.name)"
                starts.append(inputs.values.count)
                for (i, value) in sample.data.enumerated() {
                    inputs.names.append("\(prefix)/nominal[\(i)]")
                    inputs.values.append(value)
                }
                var list: [ModifierInputs] = []
                for modifier in sample.modifiers {
                    var slot = ModifierInputs()
                    let base = "\(prefix)/\(modifier.type.rawValue)/\(modifier.name)"
                    switch modifier.data {
                    case .none: break
                    case .normsys(let hi, let lo):
                        slot.hi = inputs.values.count
                        inputs.names.append("\(base)/hi")
                        inputs.values.append(hi)
                        slot.lo = inputs.values.count
                        inputs.names.append("\(base)/lo")
                        inputs.values.append(lo)
                    case .histosys(let hi, let lo):
                        slot.hi = inputs.values.count
                        for (i, value) in hi.enumerated() {
                            inputs.names.append("\(base)/hi[\(i)]")
                            inputs.values.append(value)
                        }
                        slot.lo = inputs.values.count
                        for (i, value) in lo.enumerated() {
                            inputs.names.append("\(base)/lo[\(i)]")
                            inputs.values.append(value)
                        }
                    case .uncertainties(let values):
                        slot.values = inputs.values.count
                        for (i, value) in values.enumerated() {
                            inputs.names.append("\(base)[\(i)]")
                            inputs.values.append(value)
                        }
                    }
                    list.append(slot)
                }
                perSample.append(list)
            }
            inputs.nominalStart.append(starts)
            inputs.modifierInputs.append(perSample)
        }
        return inputs
    }

    /// Step 6: one entry per (present sample, bin), grouped by global bin, with a factor per multiplicative
    /// modifier and an additive per histosys.
    static func entries(
        _ layout: Layout, paramSets: [ParamSet], setIndex: [String: Int], statBins: [String: [Int]],
        inputs: InputLayout
    ) -> Entries {
        var statRank: [String: [Int: Int]] = [:]
        for (name, bins) in statBins {
            var map: [Int: Int] = [:]
            for (k, bin) in bins.enumerated() { map[bin] = k }
            statRank[name] = map
        }
        var entries = Entries()
        for c in layout.channels.indices {
            for i in 0..<layout.channelBinCounts[c] {
                let bin = layout.channelBinStart[c] + i
                for (p, sample) in layout.present[c].enumerated() {
                    entries.entryBin.append(bin)
                    entries.entryNominal.append(inputs.nominalStart[c][p] + i)
                    for (m, modifier) in sample.modifiers.enumerated() {
                        let set = paramSets[setIndex[modifier.name]!]
                        let slot = inputs.modifierInputs[c][p][m]
                        switch modifier.type {
                        case .normfactor, .lumi:
                            entries.appendLinearFactor(set.start)
                        case .shapefactor, .shapesys:
                            entries.appendLinearFactor(set.start + i)
                        case .staterror:
                            entries.appendLinearFactor(set.start + statRank[modifier.name]![bin]!)
                        case .normsys:
                            entries.factorParam.append(set.start)
                            entries.factorIsNormsys.append(true)
                            entries.factorHi.append(slot.hi)
                            entries.factorLo.append(slot.lo)
                        case .histosys:
                            entries.addParam.append(set.start)
                            entries.addHi.append(slot.hi + i)
                            entries.addLo.append(slot.lo + i)
                        }
                    }
                    entries.entryFactorStart.append(entries.factorParam.count)
                    entries.entryAddStart.append(entries.addParam.count)
                }
                entries.binEntryStart.append(entries.entryBin.count)
            }
        }
        return entries
    }

    /// Step 7: the constraint terms and auxdata in par_order. A staterror width follows its inputs unless the
    /// measurement set σ or the raw width is 0; a shapesys τ and auxdata follow theirs unless the bin is invalid
    /// or the measurement set them.
    static func constraints(
        _ layout: Layout, paramSets: [ParamSet], requirements: Requirements, inputs: InputLayout
    ) -> Constraints {
        var constraints = Constraints()
        // shapesys name → (channel, position in present[c], modifier position)
        var shapesysLocation: [String: (c: Int, p: Int, m: Int)] = [:]
        for c in layout.channels.indices {
            for (p, sample) in layout.present[c].enumerated() {
                for (m, modifier) in sample.modifiers.enumerated() where modifier.type == .shapesys {
                    shapesysLocation[modifier.name] = (c, p, m)
                }
            }
        }
        for set in paramSets {
            switch set.constraint {
            case .none: continue
            case .normal:
                appendGaussian(set, layout, requirements: requirements, inputs: inputs, to: &constraints)
            case .poisson:
                appendPoisson(
                    set, location: set.type == .shapesys ? shapesysLocation[set.name] : nil,
                    requirements: requirements, inputs: inputs, to: &constraints)
            }
        }
        return constraints
    }

    /// The Gaussian constraints of one parameter set, with the inputs that staterror widths are derived from.
    static func appendGaussian(
        _ set: ParamSet, _ layout: Layout, requirements: Requirements, inputs: InputLayout,
        to constraints: inout Constraints
    ) {
        let isStat = set.type == .staterror && !set.userSigmas && requirements.statBins[set.name] != nil
        for k in 0..<set.count {
            constraints.gaussParam.append(set.start + k)
            constraints.gaussAux.append(constraints.auxConstant.count)
            constraints.gaussSigmaConstant.append(set.sigmas[k])
            constraints.auxConstant.append(set.auxdata[k])
            constraints.auxFromPoisson.append(-1)
            let rawSigmaZero =
                isStat
                ? (requirements.byName[set.name]!.first { $0.type == .staterror }!.requirement.fixed[k]) : true
            if isStat && !rawSigmaZero {
                let bin = requirements.statBins[set.name]![k]
                let c = layout.channelBinStart.lastIndex { $0 <= bin }!
                let i = bin - layout.channelBinStart[c]
                for carrier in requirements.statCarriers[set.name]! {
                    let p = layout.present[c].firstIndex { $0.name == layout.samples[carrier] }!
                    let m = layout.present[c][p].modifiers.firstIndex { $0.type == .staterror && $0.name == set.name }!
                    constraints.statNominal.append(inputs.nominalStart[c][p] + i)
                    constraints.statDelta.append(inputs.modifierInputs[c][p][m].values + i)
                }
            }
            constraints.gaussStatStart.append(constraints.statNominal.count)
        }
    }

    /// The Poisson constraints of one parameter set; for a shapesys at `location`, the inputs τ is derived from.
    static func appendPoisson(
        _ set: ParamSet, location: (c: Int, p: Int, m: Int)?, requirements: Requirements, inputs: InputLayout,
        to constraints: inout Constraints
    ) {
        let defaultRequirement = requirements.byName[set.name]!.first { $0.type == .shapesys }?.requirement
        for k in 0..<set.count {
            let poisIndex = constraints.poisParam.count
            constraints.poisParam.append(set.start + k)
            constraints.poisAux.append(constraints.auxConstant.count)
            constraints.poisTauConstant.append(set.factors[k])
            let valid = defaultRequirement.map { !$0.fixed[k] } ?? false
            if let location, valid, !set.userFactors {
                constraints.poisNominal.append(inputs.nominalStart[location.c][location.p] + k)
                constraints.poisSigma.append(inputs.modifierInputs[location.c][location.p][location.m].values + k)
            } else {
                constraints.poisNominal.append(-1)
                constraints.poisSigma.append(-1)
            }
            constraints.auxConstant.append(set.auxdata[k])
            constraints.auxFromPoisson.append(valid && !set.userAuxdata && !set.userFactors ? poisIndex : -1)
        }
    }
}
