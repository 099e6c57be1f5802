extension ModelStructure {
    /// log L along coordinates: for each parameter p, with p replaced by each of `values[p]` (the other
    /// parameters as in `pars`); `values` has one (possibly empty) list per parameter.
    ///
    /// Every factor and additive term, the rates, bin terms and constraint terms at `pars` are computed once. Each
    /// entry that depends on p is then split into what does not depend on p and p's own modifiers,
    /// ν_e = F_rest · Π f_p · (A_rest + Σ Δ_p), by multiplying and adding those stored terms, so a value costs one
    /// interpolation per modifier of p, the sums of the bins p touches and p's constraint terms. Probing every
    /// parameter at a few values costs about as much as a few full evaluations. Results equal `logpdf` up to the
    /// rounding of a different summation order.
    func logpdfAlongCoordinates(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        values: [[Double]]
    ) -> [[Double]] {
        numbers.withEntryInputs { inputs in
            let factorValues = (0..<factorParam.count).map { k in
                let alpha = pars[factorParam[k]]
                return factorIsNormsys[k]
                    ? NormsysTable.factor(
                        code: normsysCode, alpha: alpha, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]],
                        entry: inputs.normsysEntry(k))
                    : alpha
            }
            var additiveValues = [Double](repeating: 0, count: addParam.count)
            var entryRates = [Double](repeating: 0, count: entryCount)
            for e in 0..<entryCount {
                let nominal = inputs[entryNominal[e]]
                var additive = nominal
                for h in entryAddStart[e]..<entryAddStart[e + 1] {
                    additiveValues[h] = HistoSysModifier.delta(
                        code: histosysCode, alpha: pars[addParam[h]], lo: inputs[addLo[h]], nom: nominal,
                        hi: inputs[addHi[h]])
                    additive += additiveValues[h]
                }
                var factor = 1.0
                for k in entryFactorStart[e]..<entryFactorStart[e + 1] { factor *= factorValues[k] }
                entryRates[e] = clipSample(factor * additive).value
            }
            var binTerms = [Double](repeating: 0, count: mainBinCount)
            var main = 0.0
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryRates[e] }
                binTerms[b] = Likelihood.logPoisson(data[b], clipBin(b, lambda).value)
                main += binTerms[b]
            }
            let constraint = constraintLogpdf(pars, data, numbers)
            func constraintTerms(_ p: Int, _ value: Double) -> Double {
                var sum = 0.0
                for g in gaussianConstraintsOf[p] {
                    sum += Likelihood.logNormal(data[mainBinCount + gaussAux[g]], value, numbers.gaussSigma[g])
                }
                for c in poissonConstraintsOf[p] {
                    sum += Likelihood.logPoisson(data[mainBinCount + poisAux[c]], value * numbers.poisTau[c])
                }
                return sum
            }

            // Per parameter (buffers reused): each of its entries' rest factor and rest additive, and its own
            // factor and additive slots (CSR by entry).
            var restFactor: [Double] = []
            var restAdditive: [Double] = []
            var ownFactorStart: [Int] = []
            var ownFactors: [Int] = []
            var ownAdditiveStart: [Int] = []
            var ownAdditives: [Int] = []
            var bins: [Int] = []
            // The bins p touches are summed afresh from their entries' rates (p's entries replaced), in the same order
            // as a full evaluation: adding a change to the old sum would cancel badly where p removes most of a bin.
            var replaced = [Double](repeating: .nan, count: entryCount)
            // Which bins are in `bins` already: a linear search of `bins` made a parameter that touches every bin
            // (a normfactor on a sample of n bins) cost n² (about 60% of a 64k-bin fit).
            var binListed = [Bool](repeating: false, count: mainBinCount)
            return values.enumerated().map { p, list in
                guard !list.isEmpty else { return [] }
                let entries = parameterEntries[parameterEntryStart[p]..<parameterEntryStart[p + 1]]
                restFactor.removeAll(keepingCapacity: true)
                restAdditive.removeAll(keepingCapacity: true)
                ownFactorStart.removeAll(keepingCapacity: true)
                ownFactors.removeAll(keepingCapacity: true)
                ownAdditiveStart.removeAll(keepingCapacity: true)
                ownAdditives.removeAll(keepingCapacity: true)
                bins.removeAll(keepingCapacity: true)
                for e in entries {
                    var factor = 1.0
                    ownFactorStart.append(ownFactors.count)
                    for k in entryFactorStart[e]..<entryFactorStart[e + 1] {
                        if factorParam[k] == p { ownFactors.append(k) } else { factor *= factorValues[k] }
                    }
                    var additive = inputs[entryNominal[e]]
                    ownAdditiveStart.append(ownAdditives.count)
                    for h in entryAddStart[e]..<entryAddStart[e + 1] {
                        if addParam[h] == p { ownAdditives.append(h) } else { additive += additiveValues[h] }
                    }
                    restFactor.append(factor)
                    restAdditive.append(additive)
                    if !binListed[entryBin[e]] {
                        binListed[entryBin[e]] = true
                        bins.append(entryBin[e])
                    }
                }
                ownFactorStart.append(ownFactors.count)
                ownAdditiveStart.append(ownAdditives.count)
                let otherConstraints = constraint - constraintTerms(p, pars[p])
                let results = list.map { value in
                    for (a, e) in entries.enumerated() {
                        var factor = restFactor[a]
                        for k in ownFactors[ownFactorStart[a]..<ownFactorStart[a + 1]] {
                            factor *=
                                factorIsNormsys[k]
                                ? NormsysTable.factor(
                                    code: normsysCode, alpha: value, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]],
                                    entry: inputs.normsysEntry(k))
                                : value
                        }
                        var additive = restAdditive[a]
                        for h in ownAdditives[ownAdditiveStart[a]..<ownAdditiveStart[a + 1]] {
                            additive += HistoSysModifier.delta(
                                code: histosysCode, alpha: value, lo: inputs[addLo[h]], nom: inputs[entryNominal[e]],
                                hi: inputs[addHi[h]])
                        }
                        replaced[e] = clipSample(factor * additive).value
                    }
                    var total = main + otherConstraints + constraintTerms(p, value)
                    for b in bins {
                        var lambda = 0.0
                        for e in binEntryStart[b]..<binEntryStart[b + 1] {
                            lambda += replaced[e].isNaN ? entryRates[e] : replaced[e]
                        }
                        total += Likelihood.logPoisson(data[b], clipBin(b, lambda).value) - binTerms[b]
                    }
                    return total
                }
                for e in entries { replaced[e] = .nan }
                for b in bins { binListed[b] = false }
                return results
            }
        }
    }
}

extension Model {
    /// log L along coordinates (one list of values per parameter, possibly empty), at a fraction of the cost of
    /// one `logpdf` per value: the fits' one-parameter probes for lower basins use it.
    public func logpdfAlongCoordinates(_ pars: [Double], data: [Double], values: [[Double]]) throws -> [[Double]] {
        try Validate.length(values.count, equals: parameterCount, "values (one list per parameter)")
        for list in values { try list.withUnsafeBufferPointer { try Validate.finite($0, "values") } }
        return try evaluate(pars, data) { pars, data in
            structure.logpdfAlongCoordinates(pars, data, numbers, values: values)
        }
    }
}
