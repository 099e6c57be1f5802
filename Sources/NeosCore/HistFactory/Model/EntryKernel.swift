/// Per-entry derivatives of ν_e = F·A, F = Π_m f_m, A = nom + Σ_h Δ_h, with respect to the entry's *slots*
/// (slot m < M: factor m's parameter; slot M + h: additive h's parameter) and its *inputs* (k = 0: nominal;
/// 1 + 2h, 2 + 2h: additive h's hi, lo; 1 + 2H + 2m, 2 + 2H + 2m: normsys factor m's hi, lo; −1 = unused).
/// Several slots may map to the same parameter (a name shared across types); callers accumulate by index,
/// which is the chain rule. Products that exclude one or two factors are formed from prefix/suffix products,
/// never by division, so f_m = 0 (e.g. μ = 0) is exact.
///
/// Under a sample clip (`ModelClipping.sampleData`) an entry below the bound takes the bound as its value and
/// has no derivatives (`passes` false); at the bound itself the derivatives are the entry's own.
///
/// Scratch memory is allocated once per kernel (sized by the largest entry) and reused for every entry.
struct EntryKernel: ~Copyable {
    let s: ModelStructure
    let maxSlots: Int
    let maxInputs: Int
    // factors
    let f, df, d2f, fHi, fLo, dfHi, dfLo, prefix, suffix, pairs: UnsafeMutablePointer<Double>
    // additives
    let delta, dDelta, d2Delta: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<AdditiveWeights>
    // outputs
    let slotParam: UnsafeMutablePointer<Int>
    let slotGrad: UnsafeMutablePointer<Double>
    let slotHess: UnsafeMutablePointer<Double>
    let inputIndex: UnsafeMutablePointer<Int>
    let inputGrad: UnsafeMutablePointer<Double>
    let mixed: UnsafeMutablePointer<Double>
    var factorCount = 0
    var addCount = 0
    var value = 0.0
    /// A = nom + Σ_h Δ_h of the last `full` call (ν_e = F·A before the clip).
    var additive = 0.0
    /// False when the sample clip holds the entry at its bound: `value` is the bound and every derivative is 0.
    var passes = true

    var slotCount: Int { factorCount + addCount }
    var inputCount: Int { 1 + 2 * addCount + 2 * factorCount }

    /// The scratch arrays live in three allocations (numbers, indices, weights) carved into pieces: a kernel is made
    /// per model evaluation, and twenty separate allocations were a fifth of a small model's gradient.
    init(_ s: ModelStructure) {
        self.s = s
        let m = max(s.maxFactors, 1)
        let a = max(s.maxAdds, 1)
        maxSlots = m + a
        maxInputs = 1 + 2 * a + 2 * m
        let numberCount =
            7 * m + 2 * (m + 1) + m * m + 3 * a + maxSlots + maxSlots * maxSlots + maxInputs
            + maxSlots * maxInputs
        let numbers = UnsafeMutablePointer<Double>.allocate(capacity: numberCount)
        numbers.initialize(repeating: 0, count: numberCount)
        var next = numbers
        func carve(_ n: Int) -> UnsafeMutablePointer<Double> {
            defer { next += n }
            return next
        }
        f = carve(m)
        df = carve(m)
        d2f = carve(m)
        fHi = carve(m)
        fLo = carve(m)
        dfHi = carve(m)
        dfLo = carve(m)
        prefix = carve(m + 1)
        suffix = carve(m + 1)
        pairs = carve(m * m)
        delta = carve(a)
        dDelta = carve(a)
        d2Delta = carve(a)
        slotGrad = carve(maxSlots)
        slotHess = carve(maxSlots * maxSlots)
        inputGrad = carve(maxInputs)
        mixed = carve(maxSlots * maxInputs)
        weights = UnsafeMutablePointer<AdditiveWeights>.allocate(capacity: a)
        let indices = UnsafeMutablePointer<Int>.allocate(capacity: maxSlots + maxInputs)
        slotParam = indices
        inputIndex = indices + maxSlots
    }

    deinit {
        f.deallocate()
        weights.deallocate()
        slotParam.deallocate()
    }

    /// ν_e and its slot gradient (`slotParam`, `slotGrad`).
    mutating func first(_ e: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: EntryInputs) {
        let fs = s.entryFactorStart[e]
        let fe = s.entryFactorStart[e + 1]
        let as_ = s.entryAddStart[e]
        let ae = s.entryAddStart[e + 1]
        factorCount = fe - fs
        addCount = ae - as_
        let code = s.normsysCode
        for m in 0..<factorCount {
            let k = fs + m
            let alpha = pars[s.factorParam[k]]
            slotParam[m] = s.factorParam[k]
            if s.factorIsNormsys[k] {
                let r = NormsysTable.alphaDerivatives(
                    code: code, alpha: alpha, hi: inputs[s.factorHi[k]], lo: inputs[s.factorLo[k]],
                    entry: inputs.normsysEntry(k))
                f[m] = r.value
                df[m] = r.dAlpha
            } else {
                f[m] = alpha
                df[m] = 1
            }
        }
        products()
        let nom = inputs[s.entryNominal[e]]
        var a = nom
        let hcode = s.histosysCode
        for h in 0..<addCount {
            let k = as_ + h
            let alpha = pars[s.addParam[k]]
            let lo = inputs[s.addLo[k]]
            let hi = inputs[s.addHi[k]]
            a += HistoSysModifier.delta(code: hcode, alpha: alpha, lo: lo, nom: nom, hi: hi)
            dDelta[h] = HistoSysModifier.weights(code: hcode, alpha: alpha).dDelta(lo: lo, nom: nom, hi: hi)
            slotParam[factorCount + h] = s.addParam[k]
        }
        let total = prefix[factorCount]
        (value, passes) = s.clipSample(total * a)
        if !passes {
            for i in 0..<slotCount { slotGrad[i] = 0 }
            return
        }
        for m in 0..<factorCount { slotGrad[m] = df[m] * prefix[m] * suffix[m + 1] * a }
        for h in 0..<addCount { slotGrad[factorCount + h] = total * dDelta[h] }
    }

    /// ∂²ν_e/∂slot_i² after `full` (the diagonal of the slot Hessian, without forming the rest): f″_m Π_{j≠m} f_j · A
    /// for a factor slot, F · Δ″_h for an additive one.
    @inline(__always)
    func slotHessianDiagonal(_ i: Int) -> Double {
        i < factorCount
            ? d2f[i] * (prefix[i] * suffix[i + 1]) * additive : prefix[factorCount] * d2Delta[i - factorCount]
    }

    private func products() {
        prefix[0] = 1
        for m in 0..<factorCount { prefix[m + 1] = prefix[m] * f[m] }
        suffix[factorCount] = 1
        var m = factorCount - 1
        while m >= 0 {
            suffix[m] = f[m] * suffix[m + 1]
            m -= 1
        }
    }

    /// Everything: value, slot gradient, and optionally the slot Hessian, the input gradient and the mixed
    /// slot × input second derivatives. Without the slot Hessian, its diagonal is `slotHessianDiagonal`.
    mutating func full(
        _ e: Int, _ pars: UnsafeBufferPointer<Double>, _ inputs: EntryInputs,
        hessian: Bool, inputGradient: Bool, mixedInputs: Bool
    ) {
        let fs = s.entryFactorStart[e]
        let fe = s.entryFactorStart[e + 1]
        let as_ = s.entryAddStart[e]
        let ae = s.entryAddStart[e + 1]
        let M = fe - fs
        let H = ae - as_
        factorCount = M
        addCount = H
        let code = s.normsysCode
        let K = inputCount
        for m in 0..<M {
            let k = fs + m
            let alpha = pars[s.factorParam[k]]
            slotParam[m] = s.factorParam[k]
            if s.factorIsNormsys[k] && !inputGradient && !mixedInputs {
                // Only the α-derivatives are asked for: from the precomputed table (the same numbers).
                let r = NormsysTable.alphaDerivatives(
                    code: code, alpha: alpha, hi: inputs[s.factorHi[k]], lo: inputs[s.factorLo[k]],
                    entry: inputs.normsysEntry(k))
                f[m] = r.value
                df[m] = r.dAlpha
                d2f[m] = r.d2Alpha
                fHi[m] = 0
                fLo[m] = 0
                dfHi[m] = 0
                dfLo[m] = 0
                inputIndex[1 + 2 * H + 2 * m] = s.factorHi[k]
                inputIndex[2 + 2 * H + 2 * m] = s.factorLo[k]
            } else if s.factorIsNormsys[k] {
                let r = NormSysModifier.derivatives(
                    code: code, alpha: alpha, hi: inputs[s.factorHi[k]], lo: inputs[s.factorLo[k]])
                f[m] = r.value
                df[m] = r.dAlpha
                d2f[m] = r.d2Alpha
                fHi[m] = r.dHi
                fLo[m] = r.dLo
                dfHi[m] = r.dAlphaHi
                dfLo[m] = r.dAlphaLo
                inputIndex[1 + 2 * H + 2 * m] = s.factorHi[k]
                inputIndex[2 + 2 * H + 2 * m] = s.factorLo[k]
            } else {
                f[m] = alpha
                df[m] = 1
                d2f[m] = 0
                fHi[m] = 0
                fLo[m] = 0
                dfHi[m] = 0
                dfLo[m] = 0
                inputIndex[1 + 2 * H + 2 * m] = -1
                inputIndex[2 + 2 * H + 2 * m] = -1
            }
        }
        products()
        let nom = inputs[s.entryNominal[e]]
        inputIndex[0] = s.entryNominal[e]
        var a = nom
        var nomWeight = 1.0  // ∂A/∂nom
        let hcode = s.histosysCode
        for h in 0..<H {
            let k = as_ + h
            let alpha = pars[s.addParam[k]]
            let lo = inputs[s.addLo[k]]
            let hi = inputs[s.addHi[k]]
            let w = HistoSysModifier.weights(code: hcode, alpha: alpha)
            weights[h] = w
            a += HistoSysModifier.delta(code: hcode, alpha: alpha, lo: lo, nom: nom, hi: hi)
            dDelta[h] = w.dDelta(lo: lo, nom: nom, hi: hi)
            d2Delta[h] = w.d2Delta(lo: lo, nom: nom, hi: hi)
            nomWeight += w.nom
            slotParam[M + h] = s.addParam[k]
            inputIndex[1 + 2 * h] = s.addHi[k]
            inputIndex[2 + 2 * h] = s.addLo[k]
        }
        let total = prefix[M]
        let S = M + H
        additive = a
        (value, passes) = s.clipSample(total * a)
        if !passes {
            // The clipped side of max(ν, c): a constant, so every derivative the caller asked for is 0.
            for i in 0..<S { slotGrad[i] = 0 }
            if hessian { for i in 0..<(S * S) { slotHess[i] = 0 } }
            if inputGradient || mixedInputs { for k in 0..<K { inputGrad[k] = 0 } }
            if mixedInputs { for i in 0..<(S * K) { mixed[i] = 0 } }
            return
        }
        for m in 0..<M { slotGrad[m] = df[m] * prefix[m] * suffix[m + 1] * a }
        for h in 0..<H { slotGrad[M + h] = total * dDelta[h] }

        let needPairs = (hessian || mixedInputs) && M > 1
        if needPairs {
            // pairs[m·M + n] = Π_{j ∉ {m, n}} f_j (m ≠ n)
            for m in 0..<M {
                var middle = 1.0
                var n = m + 1
                while n < M {
                    let value = prefix[m] * middle * suffix[n + 1]
                    pairs[m * M + n] = value
                    pairs[n * M + m] = value
                    middle *= f[n]
                    n += 1
                }
            }
        }
        if hessian {
            for i in 0..<(S * S) { slotHess[i] = 0 }
            for m in 0..<M {
                let without = prefix[m] * suffix[m + 1]
                slotHess[m * S + m] = d2f[m] * without * a
                for n in 0..<M where n != m { slotHess[m * S + n] = df[m] * df[n] * pairs[m * M + n] * a }
                for h in 0..<H {
                    let v = df[m] * without * dDelta[h]
                    slotHess[m * S + M + h] = v
                    slotHess[(M + h) * S + m] = v
                }
            }
            for h in 0..<H { slotHess[(M + h) * S + M + h] = total * d2Delta[h] }
        }
        if inputGradient || mixedInputs {
            inputGrad[0] = total * nomWeight
            for h in 0..<H {
                inputGrad[1 + 2 * h] = total * weights[h].hi
                inputGrad[2 + 2 * h] = total * weights[h].lo
            }
            for m in 0..<M {
                let without = prefix[m] * suffix[m + 1]
                inputGrad[1 + 2 * H + 2 * m] = fHi[m] * without * a
                inputGrad[2 + 2 * H + 2 * m] = fLo[m] * without * a
            }
        }
        if mixedInputs {
            for i in 0..<(S * K) { mixed[i] = 0 }
            for m in 0..<M {
                let row = m * K
                let without = prefix[m] * suffix[m + 1]
                mixed[row] = df[m] * without * nomWeight
                for h in 0..<H {
                    mixed[row + 1 + 2 * h] = df[m] * without * weights[h].hi
                    mixed[row + 2 + 2 * h] = df[m] * without * weights[h].lo
                }
                for n in 0..<M {
                    let col = 1 + 2 * H + 2 * n
                    if n == m {
                        mixed[row + col] = dfHi[m] * without * a
                        mixed[row + col + 1] = dfLo[m] * without * a
                    } else {
                        let pair = pairs[m * M + n]
                        mixed[row + col] = df[m] * pair * fHi[n] * a
                        mixed[row + col + 1] = df[m] * pair * fLo[n] * a
                    }
                }
            }
            for h in 0..<H {
                let row = (M + h) * K
                let w = weights[h]
                mixed[row] = total * w.dNom
                mixed[row + 1 + 2 * h] = total * w.dHi
                mixed[row + 2 + 2 * h] = total * w.dLo
                for n in 0..<M {
                    let col = 1 + 2 * H + 2 * n
                    let without = prefix[n] * suffix[n + 1]
                    mixed[row + col] = dDelta[h] * without * fHi[n]
                    mixed[row + col + 1] = dDelta[h] * without * fLo[n]
                }
            }
        }
    }
}
