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
/// measurement's parameter overrides.
enum ModelBuilder {
    struct ModifierKey: Hashable {
        var name: String
        var type: ModifierType
    }

    static func build(
        spec: ModelSpec, poiName requestedPOI: String?, settings: ModifierSettings?
    ) throws -> (ModelStructure, [Double]) {
        let codes = ModifierSettings.resolve(settings)

        // 1. Sorted channels, global sorted samples and modifiers.
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
        let mainBinCount = running

        // present[c] = the channel's samples in global sample order; each sample's modifiers sorted.
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

        // 2. Parameter requirements, in pyhf's order: type groups, first met (channel → sample → modifier).
        var requirements: [String: [(requirement: ParamRequirement, path: String, type: ModifierType)]] = [:]
        var firstType: [String: ModifierType] = [:]
        var names: [String] = []
        var seenKeys = Set<ModifierKey>()
        var shapesysSeen: [String: String] = [:]
        var shapefactorBins: [String: (bins: Int, path: String)] = [:]
        func register(_ name: String, _ type: ModifierType, _ requirement: ParamRequirement, _ path: String) {
            let key = ModifierKey(name: name, type: type)
            if seenKeys.contains(key) { return }
            seenKeys.insert(key)
            if requirements[name] == nil {
                names.append(name)
                firstType[name] = type
            }
            requirements[name, default: []].append((requirement, path, type))
        }
        // staterror: per name, carrying samples and the channels where each carries it
        struct StatInfo {
            var channelsBySample: [(sample: Int, channels: [Int], path: String)] = []
        }
        var statInfo: [String: StatInfo] = [:]
        for type in ModifierType.allCases {
            for (c, channel) in channels.enumerated() {
                for sample in present[c] {
                    for modifier in sample.modifiers where modifier.type == type {
                        switch type {
                        case .normfactor: register(modifier.name, type, NormFactorModifier.requirement(), modifier.path)
                        case .lumi: register(modifier.name, type, LumiModifier.requirement(), modifier.path)
                        case .normsys: register(modifier.name, type, NormSysModifier.requirement(), modifier.path)
                        case .histosys: register(modifier.name, type, HistoSysModifier.requirement(), modifier.path)
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
                            register(
                                modifier.name, type, ShapeFactorModifier.requirement(binCount: channel.binCount),
                                modifier.path)
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
                            register(
                                modifier.name, type, ShapeSysModifier.requirement(nominal: sample.data, sigmas: sigmas),
                                modifier.path)
                        case .staterror:
                            var info = statInfo[modifier.name] ?? StatInfo()
                            let s = sampleRank[sample.name]!
                            if let i = info.channelsBySample.firstIndex(where: { $0.sample == s }) {
                                info.channelsBySample[i].channels.append(c)
                            } else {
                                info.channelsBySample.append((s, [c], modifier.path))
                            }
                            statInfo[modifier.name] = info
                        }
                    }
                }
            }
        }
        // staterror parameter sets: ordered by modifier name (pyhf's builder order), masks must agree
        var statBins: [String: [Int]] = [:]  // name → its global bins (parameter k ↔ statBins[k])
        var statCarriers: [String: [Int]] = [:]  // name → carrying sample ranks
        var statPaths: [String: String] = [:]
        for name in statInfo.keys.sorted(by: codePointLess) {
            let carriers = statInfo[name]!.channelsBySample.sorted { $0.sample < $1.sample }
            let reference = carriers[0]
            for other in carriers.dropFirst() where other.channels.sorted() != reference.channels.sorted() {
                func list(_ cs: [Int]) -> String { cs.sorted().map { channels[$0].name }.joined(separator: ", ") }
                throw NeosError(
                    .model,
                    "\(other.path): staterror \"\(name)\" mask mismatch: sample \"\(samples[other.sample])\" carries it in channels [\(list(other.channels))] but sample \"\(samples[reference.sample])\" in [\(list(reference.channels))]; every sample with this staterror must carry it in the same channels"
                )
            }
            var bins: [Int] = []
            var sigmas: [Double] = []
            for c in reference.channels.sorted() {
                for i in 0..<channelBinCounts[c] {
                    bins.append(channelBinStart[c] + i)
                    var nominals: [Double] = []
                    var deltas: [Double] = []
                    for carrier in carriers {
                        let sample = present[c].first { $0.name == samples[carrier.sample] }!
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
            statBins[name] = bins
            statCarriers[name] = carriers.map(\.sample)
            statPaths[name] = reference.path
            let key = ModifierKey(name: name, type: .staterror)
            seenKeys.insert(key)
            if requirements[name] == nil {
                names.append(name)
                firstType[name] = .staterror
            }
            requirements[name, default: []].append(
                (StatErrorModifier.requirement(sigmas: sigmas), reference.path, .staterror))
        }
        guard !names.isEmpty else { throw NeosError(.model, "channels: the model has no parameters (no modifiers)") }

        // 3. Merge with the user's parameter config.
        let paramSets = try ParameterSets.resolve(
            names: names, types: firstType, requirements: requirements, configs: spec.parameters)
        var setIndex: [String: Int] = [:]
        for (i, set) in paramSets.enumerated() { setIndex[set.name] = i }

        // 4. POI.
        var poiIndex: Int? = nil
        var poiName: String? = nil
        if let requested = requestedPOI, !requested.isEmpty {
            guard let index = setIndex[requested] else {
                throw NeosError(
                    .model,
                    "the parameter of interest \"\(requested)\" is not a parameter of the model (parameters: \(paramSets.map(\.name).joined(separator: ", ")))"
                )
            }
            guard paramSets[index].count == 1 else {
                throw NeosError(
                    .model,
                    "the parameter of interest \"\(requested)\" has \(paramSets[index].count) components; only a scalar parameter can be the POI"
                )
            }
            poiIndex = paramSets[index].start
            poiName = requested
        }

        // 5. Inputs.
        var inputNames: [String] = []
        var inputs: [Double] = []
        var nominalStart: [[Int]] = []  // [c][position in present[c]]
        struct ModifierInputs {
            var hi = -1
            var lo = -1
            var values = -1
        }
        var modifierInputs: [[[ModifierInputs]]] = []  // [c][p][m]
        for (c, channel) in channels.enumerated() {
            var starts: [Int] = []
            var perSample: [[ModifierInputs]] = []
            for sample in present[c] {
                let prefix = "\(channel.name)/\(sample.name)"
                starts.append(inputs.count)
                for (i, value) in sample.data.enumerated() {
                    inputNames.append("\(prefix)/nominal[\(i)]")
                    inputs.append(value)
                }
                var list: [ModifierInputs] = []
                for modifier in sample.modifiers {
                    var slot = ModifierInputs()
                    let base = "\(prefix)/\(modifier.type.rawValue)/\(modifier.name)"
                    switch modifier.data {
                    case .none: break
                    case .normsys(let hi, let lo):
                        slot.hi = inputs.count
                        inputNames.append("\(base)/hi")
                        inputs.append(hi)
                        slot.lo = inputs.count
                        inputNames.append("\(base)/lo")
                        inputs.append(lo)
                    case .histosys(let hi, let lo):
                        slot.hi = inputs.count
                        for (i, value) in hi.enumerated() {
                            inputNames.append("\(base)/hi[\(i)]")
                            inputs.append(value)
                        }
                        slot.lo = inputs.count
                        for (i, value) in lo.enumerated() {
                            inputNames.append("\(base)/lo[\(i)]")
                            inputs.append(value)
                        }
                    case .uncertainties(let values):
                        slot.values = inputs.count
                        for (i, value) in values.enumerated() {
                            inputNames.append("\(base)[\(i)]")
                            inputs.append(value)
                        }
                    }
                    list.append(slot)
                }
                perSample.append(list)
            }
            nominalStart.append(starts)
            modifierInputs.append(perSample)
        }

        // 6. Entries, grouped by bin.
        var statRank: [String: [Int: Int]] = [:]
        for (name, bins) in statBins {
            var map: [Int: Int] = [:]
            for (k, bin) in bins.enumerated() { map[bin] = k }
            statRank[name] = map
        }
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
        for (c, _) in channels.enumerated() {
            for i in 0..<channelBinCounts[c] {
                let bin = channelBinStart[c] + i
                for (p, sample) in present[c].enumerated() {
                    entryBin.append(bin)
                    entryNominal.append(nominalStart[c][p] + i)
                    for (m, modifier) in sample.modifiers.enumerated() {
                        let set = paramSets[setIndex[modifier.name]!]
                        let slot = modifierInputs[c][p][m]
                        switch modifier.type {
                        case .normfactor, .lumi:
                            factorParam.append(set.start)
                            factorIsNormsys.append(false)
                            factorHi.append(-1)
                            factorLo.append(-1)
                        case .shapefactor, .shapesys:
                            factorParam.append(set.start + i)
                            factorIsNormsys.append(false)
                            factorHi.append(-1)
                            factorLo.append(-1)
                        case .staterror:
                            factorParam.append(set.start + statRank[modifier.name]![bin]!)
                            factorIsNormsys.append(false)
                            factorHi.append(-1)
                            factorLo.append(-1)
                        case .normsys:
                            factorParam.append(set.start)
                            factorIsNormsys.append(true)
                            factorHi.append(slot.hi)
                            factorLo.append(slot.lo)
                        case .histosys:
                            addParam.append(set.start)
                            addHi.append(slot.hi + i)
                            addLo.append(slot.lo + i)
                        }
                    }
                    entryFactorStart.append(factorParam.count)
                    entryAddStart.append(addParam.count)
                }
                binEntryStart.append(entryBin.count)
            }
        }

        // 7. Constraints and auxdata, in par_order.
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
        // shapesys name → (channel, position in present[c], modifier position)
        var shapesysLocation: [String: (c: Int, p: Int, m: Int)] = [:]
        for c in channels.indices {
            for (p, sample) in present[c].enumerated() {
                for (m, modifier) in sample.modifiers.enumerated() where modifier.type == .shapesys {
                    shapesysLocation[modifier.name] = (c, p, m)
                }
            }
        }
        for set in paramSets {
            switch set.constraint {
            case .none: continue
            case .normal:
                let isStat = set.type == .staterror && !set.userSigmas && statBins[set.name] != nil
                for k in 0..<set.count {
                    gaussParam.append(set.start + k)
                    gaussAux.append(auxConstant.count)
                    gaussSigmaConstant.append(set.sigmas[k])
                    auxConstant.append(set.auxdata[k])
                    auxFromPoisson.append(-1)
                    let rawSigmaZero =
                        isStat ? (requirements[set.name]!.first { $0.type == .staterror }!.requirement.fixed[k]) : true
                    if isStat && !rawSigmaZero {
                        let bin = statBins[set.name]![k]
                        let c = channelBinStart.lastIndex { $0 <= bin }!
                        let i = bin - channelBinStart[c]
                        for carrier in statCarriers[set.name]! {
                            let p = present[c].firstIndex { $0.name == samples[carrier] }!
                            let m = present[c][p].modifiers.firstIndex { $0.type == .staterror && $0.name == set.name }!
                            statNominal.append(nominalStart[c][p] + i)
                            statDelta.append(modifierInputs[c][p][m].values + i)
                        }
                    }
                    gaussStatStart.append(statNominal.count)
                }
            case .poisson:
                let location = set.type == .shapesys ? shapesysLocation[set.name] : nil
                let defaultReq = requirements[set.name]!.first { $0.type == .shapesys }?.requirement
                for k in 0..<set.count {
                    let poisIndex = poisParam.count
                    poisParam.append(set.start + k)
                    poisAux.append(auxConstant.count)
                    poisTauConstant.append(set.factors[k])
                    let valid = defaultReq.map { !$0.fixed[k] } ?? false
                    if let location, valid, !set.userFactors {
                        poisNominal.append(nominalStart[location.c][location.p] + k)
                        poisSigma.append(modifierInputs[location.c][location.p][location.m].values + k)
                    } else {
                        poisNominal.append(-1)
                        poisSigma.append(-1)
                    }
                    auxConstant.append(set.auxdata[k])
                    auxFromPoisson.append(valid && !set.userAuxdata && !set.userFactors ? poisIndex : -1)
                }
            }
        }

        let structure = ModelStructure(
            channels: channels.map(\.name), channelBinCounts: channelBinCounts, samples: samples, paramSets: paramSets,
            poiIndex: poiIndex, poiName: poiName, inputNames: inputNames, normsysCode: codes.normsys,
            histosysCode: codes.histosys, binEntryStart: binEntryStart, entryBin: entryBin, entryNominal: entryNominal,
            entryFactorStart: entryFactorStart, entryAddStart: entryAddStart, factorParam: factorParam,
            factorIsNormsys: factorIsNormsys, factorHi: factorHi, factorLo: factorLo, addParam: addParam, addHi: addHi,
            addLo: addLo, gaussParam: gaussParam, gaussAux: gaussAux, gaussSigmaConstant: gaussSigmaConstant,
            gaussStatStart: gaussStatStart, statNominal: statNominal, statDelta: statDelta, poisParam: poisParam,
            poisAux: poisAux, poisTauConstant: poisTauConstant, poisNominal: poisNominal, poisSigma: poisSigma,
            auxConstant: auxConstant, auxFromPoisson: auxFromPoisson)
        _ = mainBinCount
        return (structure, inputs)
    }
}
