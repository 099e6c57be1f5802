#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HistFactory likelihood (pyhf.md §3) and its exact derivatives:
///
///     log L = Σ_b logPois(n_b | λ_b) + Σ_gauss logN(a_j | θ_j, σ_j) + Σ_pois logPois(a_j | θ_j τ_j)
///     logPois(n | λ) = xlogy(n, λ) − λ − lnΓ(n + 1),  logN(a | θ, σ) = −½((a − θ)/σ)² − ln(√(2π) σ)
///
/// With NLL = −log L and w_b = 1 − n_b/λ_b:
///
///     ∇NLL   = Σ_b w_b ∇λ_b + constraint terms
///     ∇²NLL  = Jᵀ diag(n/λ²) J + Σ_b w_b ∇²λ_b + constraint terms        (J = ∂λ/∂θ, sparse per bin)
///     ∂²NLL/∂θ∂ψ = Σ_b [ (n_b/λ_b²) ∇_θλ_b ∇_ψλ_bᵀ + w_b ∂²λ_b/∂θ∂ψ ] + constraint terms (σ(ψ), τ(ψ))
enum Likelihood {
    @inline(__always)
    static func xlogy(_ x: Double, _ y: Double) -> Double {
        if x == 0 && !y.isNaN { return 0 }
        return x * log(y)
    }

    @inline(__always)
    static func logPoisson(_ n: Double, _ lambda: Double) -> Double {
        xlogy(n, lambda) - lambda - SpecialFunctions.logGamma(n + 1)
    }

    /// logPois(n | λa) − logPois(n | λb) without forming either: n·ln(1 + d/λb) − d, d = λa − λb.
    @inline(__always)
    static func logPoissonDifference(_ n: Double, _ lambdaA: Double, _ lambdaB: Double) -> Double {
        guard lambdaA > 0, lambdaB > 0, lambdaA.isFinite, lambdaB.isFinite else {
            return logPoisson(n, lambdaA) - logPoisson(n, lambdaB)
        }
        let d = lambdaA - lambdaB
        return n == 0 ? -d : n * log1p(d / lambdaB) - d
    }

    /// ∂NLL_b/∂λ_b = 1 − n/λ, with the xlogy convention (n = 0 contributes no n·ln λ, so 1 even at λ = 0).
    @inline(__always)
    static func weight(_ n: Double, _ lambda: Double) -> Double { n == 0 ? 1 : 1 - n / lambda }

    /// ∂²NLL_b/∂λ_b² = n/λ² (0 for n = 0, even at λ = 0).
    @inline(__always)
    static func curvature(_ n: Double, _ lambda: Double) -> Double { n == 0 ? 0 : n / (lambda * lambda) }

    @inline(__always)
    static func logNormal(_ x: Double, _ mean: Double, _ sigma: Double) -> Double {
        let z = (x - mean) / (1.4142135623730951 * sigma)
        return -z * z - log(2.5066282746310002 * sigma)
    }
}

extension ModelStructure {
    // MARK: values

    @inline(__always)
    func entryValue(_ e: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: UnsafeBufferPointer<Double>) -> Double {
        var factor = 1.0
        let code = normsysCode
        for k in entryFactorStart[e]..<entryFactorStart[e + 1] {
            let p = pars[factorParam[k]]
            if factorIsNormsys[k] {
                factor *= NormSysModifier.factor(code: code, alpha: p, hi: inputs[factorHi[k]], lo: inputs[factorLo[k]])
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
        return factor * (nom + sum)
    }

    /// λ_b, the expected main-bin rates.
    func rates(
        _ pars: UnsafeBufferPointer<Double>, _ inputs: UnsafeBufferPointer<Double>,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        for b in 0..<mainBinCount {
            var sum = 0.0
            for e in binEntryStart[b]..<binEntryStart[b + 1] { sum += entryValue(e, pars, inputs) }
            out[b] = sum
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
        numbers.inputs.withUnsafeBufferPointer { inputs in
            var main = 0.0
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                main += Likelihood.logPoisson(data[b], lambda)
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
        numbers.inputs.withUnsafeBufferPointer { inputs in
            var sum = 0.0
            for bin in 0..<mainBinCount {
                var lambdaA = 0.0
                var lambdaB = 0.0
                for e in binEntryStart[bin]..<binEntryStart[bin + 1] {
                    lambdaA += entryValue(e, a, inputs)
                    lambdaB += entryValue(e, b, inputs)
                }
                sum += Likelihood.logPoissonDifference(data[bin], lambdaA, lambdaB)
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

    // MARK: gradient

    /// ∇_θ NLL; also returns the per-bin weights' inputs (λ) if asked, via `ratesOut`.
    func nllGradient(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        var grad = [Double](repeating: 0, count: parameterCount)
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            grad.withUnsafeMutableBufferPointer { grad in
                let slotStart = UnsafeMutablePointer<Int>.allocate(capacity: entryCount + 1)
                let totalSlots = factorParam.count + addParam.count
                let slotParams = UnsafeMutablePointer<Int>.allocate(capacity: max(totalSlots, 1))
                let slotGrads = UnsafeMutablePointer<Double>.allocate(capacity: max(totalSlots, 1))
                defer {
                    slotStart.deallocate()
                    slotParams.deallocate()
                    slotGrads.deallocate()
                }
                var cursor = 0
                for b in 0..<mainBinCount {
                    var lambda = 0.0
                    let first = cursor
                    for e in binEntryStart[b]..<binEntryStart[b + 1] {
                        kernel.first(e, pars, inputs)
                        lambda += kernel.value
                        for i in 0..<kernel.slotCount {
                            slotParams[cursor] = kernel.slotParam[i]
                            slotGrads[cursor] = kernel.slotGrad[i]
                            cursor += 1
                        }
                    }
                    let w = Likelihood.weight(data[b], lambda)
                    for i in first..<cursor { grad[slotParams[i]] += w * slotGrads[i] }
                }
                constraintGradient(pars, data, numbers, into: grad)
            }
        }
        return grad
    }

    func constraintGradient(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        into grad: UnsafeMutableBufferPointer<Double>
    ) {
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            grad[gaussParam[g]] += (pars[gaussParam[g]] - data[mainBinCount + gaussAux[g]]) / (sigma * sigma)
        }
        for c in 0..<poisParam.count {
            let theta = pars[poisParam[c]]
            let aux = data[mainBinCount + poisAux[c]]
            grad[poisParam[c]] += numbers.poisTau[c] - (aux == 0 ? 0 : aux / theta)
        }
    }

    // MARK: Hessian

    func nllHessian(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            hessian.withUnsafeMutableBufferPointer { hessian in
                let dense = UnsafeMutablePointer<Double>.allocate(capacity: n)
                dense.initialize(repeating: 0, count: n)
                let touched = UnsafeMutablePointer<Int>.allocate(capacity: n)
                let mark = UnsafeMutablePointer<Bool>.allocate(capacity: n)
                mark.initialize(repeating: false, count: n)
                defer {
                    dense.deallocate()
                    touched.deallocate()
                    mark.deallocate()
                }
                for b in 0..<mainBinCount {
                    var lambda = 0.0
                    for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                    let w = Likelihood.weight(data[b], lambda)
                    let curvature = Likelihood.curvature(data[b], lambda)
                    var touchedCount = 0
                    for e in binEntryStart[b]..<binEntryStart[b + 1] {
                        kernel.full(e, pars, inputs, hessian: true, inputGradient: false, mixedInputs: false)
                        let S = kernel.slotCount
                        for i in 0..<S {
                            let p = kernel.slotParam[i]
                            if !mark[p] {
                                mark[p] = true
                                touched[touchedCount] = p
                                touchedCount += 1
                            }
                            dense[p] += kernel.slotGrad[i]
                            if w != 0 {
                                for j in 0..<S {
                                    hessian[p * n + kernel.slotParam[j]] += w * kernel.slotHess[i * S + j]
                                }
                            }
                        }
                    }
                    if curvature != 0 {
                        for i in 0..<touchedCount {
                            let p = touched[i]
                            let gp = curvature * dense[p]
                            for j in 0..<touchedCount {
                                let q = touched[j]
                                hessian[p * n + q] += gp * dense[q]
                            }
                        }
                    }
                    for i in 0..<touchedCount {
                        dense[touched[i]] = 0
                        mark[touched[i]] = false
                    }
                }
                for g in 0..<gaussParam.count {
                    let sigma = numbers.gaussSigma[g]
                    let p = gaussParam[g]
                    hessian[p * n + p] += 1 / (sigma * sigma)
                }
                for c in 0..<poisParam.count {
                    let theta = pars[poisParam[c]]
                    let aux = data[mainBinCount + poisAux[c]]
                    let p = poisParam[c]
                    hessian[p * n + p] += aux == 0 ? 0 : aux / (theta * theta)
                }
            }
        }
        return hessian
    }

    // MARK: data derivatives

    /// ∂ logpdf / ∂(main data, aux data).
    func logpdfDataGradient(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> [Double] {
        var out = [Double](repeating: 0, count: mainBinCount + auxCount)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                out[b] = log(lambda) - SpecialFunctions.digamma(data[b] + 1)
            }
        }
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            let k = mainBinCount + gaussAux[g]
            out[k] = -(data[k] - pars[gaussParam[g]]) / (sigma * sigma)
        }
        for c in 0..<poisParam.count {
            let k = mainBinCount + poisAux[c]
            out[k] = log(pars[poisParam[c]] * numbers.poisTau[c]) - SpecialFunctions.digamma(data[k] + 1)
        }
        return out
    }

    /// ∂²NLL/∂θ∂n, row-major parameterCount × (main + aux).
    func mixedData(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        let columns = mainBinCount + auxCount
        var out = [Double](repeating: 0, count: parameterCount * columns)
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            let grad = UnsafeMutablePointer<Double>.allocate(capacity: max(parameterCount, 1))
            grad.initialize(repeating: 0, count: max(parameterCount, 1))
            defer { grad.deallocate() }
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.first(e, pars, inputs)
                    lambda += kernel.value
                }
                // ∂²NLL/∂θ_j∂n_b = −(∂λ_b/∂θ_j)/λ_b
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.first(e, pars, inputs)
                    for i in 0..<kernel.slotCount {
                        out[kernel.slotParam[i] * columns + b] -= kernel.slotGrad[i] / lambda
                    }
                }
            }
        }
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            out[gaussParam[g] * columns + mainBinCount + gaussAux[g]] -= 1 / (sigma * sigma)
        }
        for c in 0..<poisParam.count {
            out[poisParam[c] * columns + mainBinCount + poisAux[c]] -= 1 / pars[poisParam[c]]
        }
        return out
    }

    // MARK: input derivatives

    /// Σ_b cot_b ∂λ_b/∂(θ, ψ) for a cotangent on the main bins; accumulated into `parsOut`, `inputsOut`.
    func ratesVJP(
        _ cotangent: (Int) -> Double, _ pars: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        parsOut: inout [Double], inputsOut: inout [Double]
    ) {
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            for b in 0..<mainBinCount {
                let c = cotangent(b)
                if c == 0 { continue }
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: false, inputGradient: true, mixedInputs: false)
                    for i in 0..<kernel.slotCount { parsOut[kernel.slotParam[i]] += c * kernel.slotGrad[i] }
                    for k in 0..<kernel.inputCount where kernel.inputIndex[k] >= 0 {
                        inputsOut[kernel.inputIndex[k]] += c * kernel.inputGrad[k]
                    }
                }
            }
        }
    }

    /// ∂σ_g/∂ψ for a staterror-derived width, as (input index, derivative) pairs passed to `body`.
    func forEachSigmaDerivative(_ g: Int, _ numbers: ModelNumbers, _ body: (Int, Double) -> Void) {
        let start = gaussStatStart[g]
        let end = gaussStatStart[g + 1]
        if start == end { return }
        let inputs = numbers.inputs
        var total = 0.0
        for k in start..<end { total += inputs[statNominal[k]] }
        let sigma = numbers.gaussSigma[g]
        for k in start..<end {
            let delta = inputs[statDelta[k]]
            body(statDelta[k], delta / (total * total * sigma))
            body(statNominal[k], -sigma / total)
        }
    }

    /// ∂τ_c/∂ψ for an input-derived shapesys factor.
    func forEachTauDerivative(_ c: Int, _ numbers: ModelNumbers, _ body: (Int, Double) -> Void) {
        guard poisNominal[c] >= 0 else { return }
        let d = ShapeSysModifier.tauDerivatives(
            nominal: numbers.inputs[poisNominal[c]], sigma: numbers.inputs[poisSigma[c]])
        body(poisNominal[c], d.nominal)
        body(poisSigma[c], d.sigma)
    }

    /// ∂NLL/∂ψ (the data is held fixed, auxdata included).
    func nllInputGradient(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> [Double] {
        var rates = [Double](repeating: 0, count: mainBinCount)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            rates.withUnsafeMutableBufferPointer { self.rates(pars, inputs, into: $0) }
        }
        var parsOut = [Double](repeating: 0, count: parameterCount)
        var inputsOut = [Double](repeating: 0, count: inputCount)
        ratesVJP({ Likelihood.weight(data[$0], rates[$0]) }, pars, numbers, parsOut: &parsOut, inputsOut: &inputsOut)
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            let r = data[mainBinCount + gaussAux[g]] - pars[gaussParam[g]]
            let dSigma = -r * r / (sigma * sigma * sigma) + 1 / sigma
            forEachSigmaDerivative(g, numbers) { inputsOut[$0] += dSigma * $1 }
        }
        for c in 0..<poisParam.count {
            let theta = pars[poisParam[c]]
            let aux = data[mainBinCount + poisAux[c]]
            let tau = numbers.poisTau[c]
            let dTau = theta - (aux == 0 ? 0 : aux / tau)
            forEachTauDerivative(c, numbers) { inputsOut[$0] += dTau * $1 }
        }
        return inputsOut
    }

    /// ∂²NLL/∂θ∂ψ, row-major parameterCount × inputCount.
    func mixedInputs(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        let n = parameterCount
        let m = inputCount
        var out = [Double](repeating: 0, count: n * m)
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            out.withUnsafeMutableBufferPointer { out in
                let dense = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
                dense.initialize(repeating: 0, count: max(n, 1))
                let touched = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
                let mark = UnsafeMutablePointer<Bool>.allocate(capacity: max(n, 1))
                mark.initialize(repeating: false, count: max(n, 1))
                let denseIn = UnsafeMutablePointer<Double>.allocate(capacity: max(m, 1))
                denseIn.initialize(repeating: 0, count: max(m, 1))
                let touchedIn = UnsafeMutablePointer<Int>.allocate(capacity: max(m, 1))
                let markIn = UnsafeMutablePointer<Bool>.allocate(capacity: max(m, 1))
                markIn.initialize(repeating: false, count: max(m, 1))
                defer {
                    dense.deallocate()
                    touched.deallocate()
                    mark.deallocate()
                    denseIn.deallocate()
                    touchedIn.deallocate()
                    markIn.deallocate()
                }
                for b in 0..<mainBinCount {
                    var lambda = 0.0
                    for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                    let w = Likelihood.weight(data[b], lambda)
                    let curvature = Likelihood.curvature(data[b], lambda)
                    var tp = 0
                    var ti = 0
                    for e in binEntryStart[b]..<binEntryStart[b + 1] {
                        kernel.full(e, pars, inputs, hessian: false, inputGradient: true, mixedInputs: true)
                        let S = kernel.slotCount
                        let K = kernel.inputCount
                        for i in 0..<S {
                            let p = kernel.slotParam[i]
                            if !mark[p] {
                                mark[p] = true
                                touched[tp] = p
                                tp += 1
                            }
                            dense[p] += kernel.slotGrad[i]
                        }
                        for k in 0..<K where kernel.inputIndex[k] >= 0 {
                            let q = kernel.inputIndex[k]
                            if !markIn[q] {
                                markIn[q] = true
                                touchedIn[ti] = q
                                ti += 1
                            }
                            denseIn[q] += kernel.inputGrad[k]
                        }
                        if w != 0 {
                            for i in 0..<S {
                                let row = kernel.slotParam[i] * m
                                for k in 0..<K where kernel.inputIndex[k] >= 0 {
                                    out[row + kernel.inputIndex[k]] += w * kernel.mixed[i * K + k]
                                }
                            }
                        }
                    }
                    if curvature != 0 {
                        for i in 0..<tp {
                            let p = touched[i]
                            let gp = curvature * dense[p]
                            for j in 0..<ti { out[p * m + touchedIn[j]] += gp * denseIn[touchedIn[j]] }
                        }
                    }
                    for i in 0..<tp {
                        dense[touched[i]] = 0
                        mark[touched[i]] = false
                    }
                    for j in 0..<ti {
                        denseIn[touchedIn[j]] = 0
                        markIn[touchedIn[j]] = false
                    }
                }
                for g in 0..<gaussParam.count {
                    let sigma = numbers.gaussSigma[g]
                    let row = gaussParam[g] * m
                    // ∂/∂σ of (θ − a)/σ² = −2(θ − a)/σ³
                    let factor = -2 * (pars[gaussParam[g]] - data[mainBinCount + gaussAux[g]]) / (sigma * sigma * sigma)
                    forEachSigmaDerivative(g, numbers) { out[row + $0] += factor * $1 }
                }
                for c in 0..<poisParam.count {
                    let row = poisParam[c] * m
                    // ∂/∂τ of (τ − a/θ) = 1
                    forEachTauDerivative(c, numbers) { out[row + $0] += $1 }
                }
            }
        }
        return out
    }
}
