/// The vector-Jacobian product of the NLL Hessian: for a cotangent C (parameterCount × parameterCount) the gradient
/// of G = Σ_pq C_pq H_pq(θ, n, ψ) with respect to the parameters θ, the data n (main bins and auxdata) and the
/// inputs ψ. H is symmetric, so only C̄ = (C + Cᵀ)/2 matters. Per main bin, with g = ∇_θλ_b, w = 1 − n/λ,
/// c = n/λ², T = Σ C̄_pq ∂²λ/∂θ_p∂θ_q and Q = gᵀ C̄ g, H contributes G_b = w T + c Q, so for x = θ_r or ψ_k
///
///     ∂G_b/∂x = (n/λ² T − 2n/λ³ Q) ∂λ/∂x + w Σ_pq C̄_pq ∂³λ/∂θ_p∂θ_q∂x + 2c Σ_p (C̄g)_p ∂²λ/∂θ_p∂x
///     ∂G_b/∂n_b = −T/λ + Q/λ²
///
/// (the first and second derivatives from `EntryKernel`, the contracted third ones from
/// `EntryThirdDerivatives.contractThird`). Constraints: a Gaussian one adds C̄_pp/σ², whose only
/// dependence is σ(ψ) (staterror); a Poisson one adds C̄_pp a/θ², depending on θ and its auxdatum a only.
extension ModelStructure {
    /// (∂G/∂θ, ∂G/∂data, ∂G/∂ψ) for G = Σ C_pq H_pq; the inputs part is empty unless `wantInputs`.
    func nllHessianVJP(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>,
        _ cotangent: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers, inputs wantInputs: Bool
    ) -> (pars: [Double], data: [Double], inputs: [Double]) {
        let n = parameterCount
        var sym = [Double](repeating: 0, count: n * n)
        for p in 0..<n {
            for q in 0..<n { sym[p * n + q] = 0.5 * (cotangent[p * n + q] + cotangent[q * n + p]) }
        }
        var gPars = [Double](repeating: 0, count: n)
        var gData = [Double](repeating: 0, count: mainBinCount + auxCount)
        var gInputs = [Double](repeating: 0, count: wantInputs ? inputCount : 0)
        var kernel = EntryKernel(self)
        var table = EntryThirdDerivatives(self)
        let maxSlots = kernel.maxSlots
        let slotCotangent = UnsafeMutablePointer<Double>.allocate(capacity: maxSlots * maxSlots)
        let third = UnsafeMutablePointer<Double>.allocate(capacity: maxSlots)
        let thirdInputs = UnsafeMutablePointer<Double>.allocate(capacity: kernel.maxInputs)
        defer {
            slotCotangent.deallocate()
            third.deallocate()
            thirdInputs.deallocate()
        }
        var dense = [Double](repeating: 0, count: n)  // g over the bin's parameters
        var u = [Double](repeating: 0, count: n)  // C̄ g
        var mark = [Bool](repeating: false, count: n)
        var touched: [Int] = []
        numbers.withEntryInputs { inputs in
            for b in 0..<mainBinCount {
                var lambda = 0.0
                var t = 0.0
                touched.removeAll(keepingCapacity: true)
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: true, inputGradient: false, mixedInputs: false)
                    lambda += kernel.value
                    let S = kernel.slotCount
                    for i in 0..<S {
                        let p = kernel.slotParam[i]
                        if !mark[p] {
                            mark[p] = true
                            touched.append(p)
                        }
                        dense[p] += kernel.slotGrad[i]
                        for j in 0..<S { t += sym[p * n + kernel.slotParam[j]] * kernel.slotHess[i * S + j] }
                    }
                }
                var quadratic = 0.0
                for p in touched {
                    var sum = 0.0
                    for q in touched { sum += sym[p * n + q] * dense[q] }
                    u[p] = sum
                    quadratic += dense[p] * sum
                }
                let rate = clipBin(b, lambda)
                if !rate.passes {
                    // Held at the bin clip's bound, the bin's rate is a constant: its Hessian term is 0 nearby.
                    for p in touched {
                        dense[p] = 0
                        u[p] = 0
                        mark[p] = false
                    }
                    continue
                }
                lambda = rate.value
                let count = data[b]
                let w = Likelihood.weight(count, lambda)
                let c = Likelihood.curvature(count, lambda)
                let dwdLambda = count == 0 ? 0 : count / (lambda * lambda)
                let dcdLambda = count == 0 ? 0 : -2 * count / (lambda * lambda * lambda)
                // A bin whose rate has no curvature and no slope (T = Q = 0; e.g. λ_b ≡ 0 with n_b = 0) adds nothing
                // to H for any n_b or λ_b: its terms are dropped rather than formed as 0·∞.
                let rateCoefficient = (t == 0 ? 0 : dwdLambda * t) + (quadratic == 0 ? 0 : dcdLambda * quadratic)
                gData[b] = (t == 0 ? 0 : -t / lambda) + (quadratic == 0 ? 0 : quadratic / (lambda * lambda))
                for p in touched { gPars[p] += rateCoefficient * dense[p] }
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: true, inputGradient: wantInputs, mixedInputs: wantInputs)
                    let S = kernel.slotCount
                    let K = kernel.inputCount
                    // An entry held at the sample clip's bound has no third derivatives either.
                    let thirdWeight = kernel.passes ? w : 0
                    if thirdWeight != 0 {
                        table.load(e, pars, inputs.values)
                        for i in 0..<S {
                            for j in 0..<S {
                                slotCotangent[i * S + j] = sym[kernel.slotParam[i] * n + kernel.slotParam[j]]
                            }
                        }
                        _ = table.contractThird(
                            slotCotangent, slotsOut: third, inputsOut: thirdInputs, withInputs: wantInputs)
                    }
                    for k in 0..<S {
                        var second = 0.0
                        if c != 0 {
                            for i in 0..<S { second += u[kernel.slotParam[i]] * kernel.slotHess[i * S + k] }
                        }
                        gPars[kernel.slotParam[k]] += (thirdWeight != 0 ? thirdWeight * third[k] : 0) + 2 * c * second
                    }
                    if !wantInputs { continue }
                    for k in 0..<K where kernel.inputIndex[k] >= 0 {
                        var second = 0.0
                        if c != 0 {
                            for i in 0..<S { second += u[kernel.slotParam[i]] * kernel.mixed[i * K + k] }
                        }
                        gInputs[kernel.inputIndex[k]] +=
                            rateCoefficient * kernel.inputGrad[k]
                            + (thirdWeight != 0 ? thirdWeight * thirdInputs[k] : 0)
                            + 2 * c
                            * second
                    }
                }
                for p in touched {
                    dense[p] = 0
                    u[p] = 0
                    mark[p] = false
                }
            }
        }
        if wantInputs {
            for g in 0..<gaussParam.count {
                let p = gaussParam[g]
                let sigma = numbers.gaussSigma[g]
                // ∂(1/σ²)/∂σ = −2/σ³
                let factor = -2 * sym[p * n + p] / (sigma * sigma * sigma)
                forEachSigmaDerivative(g, numbers) { gInputs[$0] += factor * $1 }
            }
        }
        for k in 0..<poisParam.count {
            let p = poisParam[k]
            let theta = pars[p]
            let slot = mainBinCount + poisAux[k]
            let aux = data[slot]
            // a/θ²: ∂/∂θ = −2a/θ³, ∂/∂a = 1/θ² (the Hessian's a = 0 case is the same linear function's value)
            if aux != 0 { gPars[p] += sym[p * n + p] * (-2 * aux / (theta * theta * theta)) }
            gData[slot] += sym[p * n + p] / (theta * theta)
        }
        return (gPars, gData, gInputs)
    }
}

extension Model {
    /// The vector-Jacobian product of `nllHessian`: for a row-major parameterCount × parameterCount cotangent C,
    /// the exact gradient of Σ_pq C_pq ∂²NLL/∂θ_p∂θ_q with respect to the parameters, the data (main bins, then
    /// auxdata) and the inputs (`inputs().values`; empty when `inputs` is false). At an interpolation kink the
    /// derivatives are those of the branch the value takes (one-sided; see `EntryThirdDerivatives`).
    public func nllHessianVJP(_ pars: [Double], data: [Double], cotangent: [Double], inputs: Bool = true) throws
        -> (pars: [Double], data: [Double], inputs: [Double])
    {
        let n = structure.parameterCount
        try Validate.length(cotangent.count, equals: n * n, "cotangent (parameters × parameters)")
        try cotangent.withUnsafeBufferPointer { try Validate.finite($0, "cotangent") }
        return try evaluate(pars, data) { pars, data in
            try requireDomain(pars, data)
            let result = cotangent.withUnsafeBufferPointer { c in
                structure.nllHessianVJP(pars, data, c, numbers, inputs: inputs)
            }
            return (
                try finiteResult(result.pars, "the Hessian's VJP (parameters)", pars, data, .parameterDerivatives),
                try finiteResult(result.data, "the Hessian's VJP (data)", pars, data, .dataDerivatives),
                try finiteResult(result.inputs, "the Hessian's VJP (inputs)", pars, data, .parameterDerivatives)
            )
        }
    }
}
