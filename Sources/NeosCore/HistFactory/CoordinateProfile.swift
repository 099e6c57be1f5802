extension ModelStructure {
    /// log L along coordinates: for each parameter p, with p replaced by each of `values[p]` (the other
    /// parameters as in `pars`); `values` has one (possibly empty) list per parameter.
    ///
    /// The rates, bin terms and constraint terms at `pars` are computed once. Each entry that depends on p is split
    /// once into what does not depend on p and p's own factors and additive terms, ν_e = F_rest · Π f_p ·
    /// (A_rest + Σ Δ_p), so a value costs one interpolation per modifier of p, the sums of the bins p touches and
    /// its constraint terms. Probing every parameter at a few values then costs about as much as a few full evaluations. Results
    /// equal `logpdf` up to the rounding of a different summation order.
    func logpdfAlongCoordinates(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        values: [[Double]]
    ) -> [[Double]] {
        numbers.inputs.withUnsafeBufferPointer { inputs in
            let entryRates = (0..<entryCount).map { entryValue($0, pars, inputs) }
            var binTerms = [Double](repeating: 0, count: mainBinCount)
            var main = 0.0
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryRates[e] }
                binTerms[b] = Likelihood.logPoisson(data[b], lambda)
                main += binTerms[b]
            }
            let constraint = constraintLogpdf(pars, data, numbers)
            var gaussianOf = [[Int]](repeating: [], count: parameterCount)
            for g in 0..<gaussParam.count { gaussianOf[gaussParam[g]].append(g) }
            var poissonOf = [[Int]](repeating: [], count: parameterCount)
            for c in 0..<poisParam.count { poissonOf[poisParam[c]].append(c) }
            func constraintTerms(_ p: Int, _ value: Double) -> Double {
                var sum = 0.0
                for g in gaussianOf[p] {
                    sum += Likelihood.logNormal(data[mainBinCount + gaussAux[g]], value, numbers.gaussSigma[g])
                }
                for c in poissonOf[p] {
                    sum += Likelihood.logPoisson(data[mainBinCount + poisAux[c]], value * numbers.poisTau[c])
                }
                return sum
            }
            func rate(_ part: EntryParts, _ value: Double) -> Double {
                var factor = part.factor
                for k in part.ownFactors {
                    factor *=
                        factorIsNormsys[k]
                        ? NormSysModifier.factor(
                            code: normsysCode, alpha: value, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]])
                        : value
                }
                var additive = part.additive
                for h in part.ownAdditives {
                    additive += HistoSysModifier.delta(
                        code: histosysCode, alpha: value, lo: inputs[addLo[h]], nom: part.nominal, hi: inputs[addHi[h]])
                }
                return factor * additive
            }

            // The bins p touches are summed afresh from their entries' rates (p's entries replaced), in the same order
            // as a full evaluation: adding a change to the old sum would cancel badly where p removes most of a bin.
            var replaced = [Double](repeating: .nan, count: entryCount)
            return values.enumerated().map { p, list in
                guard !list.isEmpty else { return [] }
                let entries = parameterEntries[parameterEntryStart[p]..<parameterEntryStart[p + 1]]
                let parts = entries.map { entryParts($0, excluding: p, pars, inputs) }
                var bins: [Int] = []
                for e in entries where !bins.contains(entryBin[e]) { bins.append(entryBin[e]) }
                let otherConstraints = constraint - constraintTerms(p, pars[p])
                let results = list.map { value in
                    for (k, e) in entries.enumerated() { replaced[e] = rate(parts[k], value) }
                    var total = main + otherConstraints + constraintTerms(p, value)
                    for b in bins {
                        var lambda = 0.0
                        for e in binEntryStart[b]..<binEntryStart[b + 1] {
                            lambda += replaced[e].isNaN ? entryRates[e] : replaced[e]
                        }
                        total += Likelihood.logPoisson(data[b], lambda) - binTerms[b]
                    }
                    return total
                }
                for e in entries { replaced[e] = .nan }
                return results
            }
        }
    }

    struct EntryParts {
        /// The product of the entry's factors that are not the excluded parameter.
        var factor: Double
        /// The nominal plus the additive terms that are not the excluded parameter.
        var additive: Double
        var nominal: Double
        /// The excluded parameter's own factors and additives (indices into the factor / additive arrays).
        var ownFactors: [Int]
        var ownAdditives: [Int]
    }

    /// Entry e's rate at `pars` split by parameter p (see `logpdfAlongCoordinates`).
    func entryParts(
        _ e: Int, excluding p: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: UnsafeBufferPointer<Double>
    ) -> EntryParts {
        var factor = 1.0
        var ownFactors: [Int] = []
        for k in entryFactorStart[e]..<entryFactorStart[e + 1] {
            if factorParam[k] == p {
                ownFactors.append(k)
                continue
            }
            let alpha = pars[factorParam[k]]
            factor *=
                factorIsNormsys[k]
                ? NormSysModifier.factor(code: normsysCode, alpha: alpha, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]])
                : alpha
        }
        let nominal = inputs[entryNominal[e]]
        var additive = nominal
        var ownAdditives: [Int] = []
        for h in entryAddStart[e]..<entryAddStart[e + 1] {
            if addParam[h] == p {
                ownAdditives.append(h)
                continue
            }
            additive += HistoSysModifier.delta(
                code: histosysCode, alpha: pars[addParam[h]], lo: inputs[addLo[h]], nom: nominal, hi: inputs[addHi[h]])
        }
        return EntryParts(
            factor: factor, additive: additive, nominal: nominal, ownFactors: ownFactors, ownAdditives: ownAdditives)
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
