// The likelihood's values: expected rates and auxdata, log L, and log L differences term by term.
extension ModelStructure {
    @inline(__always)
    func entryValue(_ e: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: EntryInputs) -> Double {
        var factor = 1.0
        let code = normsysCode
        for k in entryFactorStart[e]..<entryFactorStart[e + 1] {
            let p = pars[factorParam[k]]
            if factorIsNormsys[k] {
                factor *= NormsysTable.factor(
                    code: code, alpha: p, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]],
                    entry: inputs.normsysEntry(k))
            } else {
                factor *= p
            }
        }
        let nom = inputs[entryNominal[e]]
        var sum = 0.0
        let hcode = histosysCode
        for h in entryAddStart[e]..<entryAddStart[e + 1] {
            sum += HistoSysModifier.delta(
                code: hcode, alpha: pars[addParam[h]], lo: inputs[addLo[h]], nom: nom, hi: inputs[addHi[h]])
        }
        return clipSample(factor * (nom + sum)).value
    }

    /// λ_b, the expected main-bin rates.
    func rates(
        _ pars: UnsafeBufferPointer<Double>, _ inputs: EntryInputs,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        for b in 0..<mainBinCount {
            var sum = 0.0
            for e in binEntryStart[b]..<binEntryStart[b + 1] { sum += entryValue(e, pars, inputs) }
            out[b] = clipBin(b, sum).value
        }
    }

    /// Expected auxdata: θ_j for Gaussian constraints, θ_j τ_j for Poisson constraints.
    func expectedAux(
        _ pars: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers, into out: UnsafeMutableBufferPointer<Double>
    ) {
        for g in 0..<gaussParam.count { out[gaussAux[g]] = pars[gaussParam[g]] }
        for c in 0..<poisParam.count { out[poisAux[c]] = pars[poisParam[c]] * numbers.poisTau[c] }
    }

    func logpdf(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> Double
    {
        numbers.withEntryInputs { inputs in
            var main = 0.0
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                main += Likelihood.logPoisson(data[b], clipBin(b, lambda).value)
            }
            return main + constraintLogpdf(pars, data, numbers)
        }
    }

    /// log L(a) − log L(b), summed term by term: each Poisson term as n·ln(1 + d/λ_b) − d with d = λ_a − λ_b, each
    /// Gaussian one as a product of differences. Subtracting two full log-likelihoods loses their common magnitude
    /// (ulps of Σ n ln λ, ~1e-13 for a few hundred events); this keeps the precision of the difference itself, which
    /// √q amplifies near q = 0. Terms whose rates are not positive fall back to the plain difference.
    func logpdfDifference(
        _ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>,
        _ numbers: ModelNumbers
    ) -> Double {
        numbers.withEntryInputs { inputs in
            var sum = 0.0
            for bin in 0..<mainBinCount {
                var lambdaA = 0.0
                var lambdaB = 0.0
                for e in binEntryStart[bin]..<binEntryStart[bin + 1] {
                    lambdaA += entryValue(e, a, inputs)
                    lambdaB += entryValue(e, b, inputs)
                }
                sum += Likelihood.logPoissonDifference(
                    data[bin], clipBin(bin, lambdaA).value, clipBin(bin, lambdaB).value)
            }
            for g in 0..<gaussParam.count {
                let aux = data[mainBinCount + gaussAux[g]]
                let thetaA = a[gaussParam[g]]
                let thetaB = b[gaussParam[g]]
                let sigma = numbers.gaussSigma[g]
                // −½[(x − θa)² − (x − θb)²]/σ² = −½(θb − θa)(2x − θa − θb)/σ²
                sum -= 0.5 * (thetaB - thetaA) * ((aux - thetaA) + (aux - thetaB)) / (sigma * sigma)
            }
            for c in 0..<poisParam.count {
                let tau = numbers.poisTau[c]
                sum += Likelihood.logPoissonDifference(
                    data[mainBinCount + poisAux[c]], a[poisParam[c]] * tau, b[poisParam[c]] * tau)
            }
            return sum
        }
    }

    func constraintLogpdf(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> Double {
        var sum = 0.0
        for g in 0..<gaussParam.count {
            sum += Likelihood.logNormal(data[mainBinCount + gaussAux[g]], pars[gaussParam[g]], numbers.gaussSigma[g])
        }
        for c in 0..<poisParam.count {
            sum += Likelihood.logPoisson(data[mainBinCount + poisAux[c]], pars[poisParam[c]] * numbers.poisTau[c])
        }
        return sum
    }
}

extension Model {
    /// Expected main rates followed (optionally) by the expected auxdata (θ for Gaussian, θτ for Poisson
    /// constraints): pyhf's `expected_data`, clipped as `clipping` says. Negative rates are returned as they are
    /// (pyhf's too); a rate that is not a number (a normsys factor outside its domain) throws `.numeric` naming it.
    public func expectedData(_ pars: [Double], includeAuxdata: Bool = true) throws -> [Double] {
        try checkPars(pars)
        let s = structure
        var out = [Double](repeating: 0, count: s.mainBinCount + (includeAuxdata ? s.auxCount : 0))
        try pars.withUnsafeBufferPointer { pars in
            numbers.withEntryInputs { inputs in
                out.withUnsafeMutableBufferPointer { out in
                    s.rates(pars, inputs, into: UnsafeMutableBufferPointer(rebasing: out[0..<s.mainBinCount]))
                    if includeAuxdata {
                        s.expectedAux(pars, numbers, into: UnsafeMutableBufferPointer(rebasing: out[s.mainBinCount...]))
                    }
                }
            }
            out = try finiteResult(out, "the expected data", pars, nil, .value)
        }
        return out
    }

    /// pyhf's `expected_actualdata`: the main rates only.
    public func expectedActualData(_ pars: [Double]) throws -> [Double] {
        try expectedData(pars, includeAuxdata: false)
    }

    /// pyhf's `Model.logpdf(pars, data)` (a scalar here): data = main bins + auxdata. The value fits minimise:
    /// finite, −∞ where the data are impossible, and NaN where log L is undefined (a negative rate, a normsys
    /// factor outside its domain; see `LikelihoodDomain`), so that a fit's step into such a region is rejected
    /// and the fit steps back. `logpdfChecked` is the same value for users, with a named error instead of NaN.
    public func logpdf(_ pars: [Double], data: [Double]) throws -> Double {
        try evaluate(pars, data) { pars, data in structure.logpdf(pars, data, numbers) }
    }

    /// logpdf(a) − logpdf(b), to the precision of the difference rather than of the two log-likelihoods (see
    /// `ModelStructure.logpdfDifference`): test statistics are such differences.
    public func logpdfDifference(_ a: [Double], _ b: [Double], data: [Double]) throws -> Double {
        try checkPars(b)
        return try evaluate(a, data) { a, data in
            try b.withUnsafeBufferPointer { b in
                let difference = structure.logpdfDifference(a, b, data, numbers)
                if difference.isNaN {
                    try requireDomain(a, data)
                    try requireDomain(b, data)
                    throw NeosError(
                        .numeric, "log L(a) − log L(b) is not a number: the data are impossible (log L = −inf) at both")
                }
                return difference
            }
        }
    }
}
