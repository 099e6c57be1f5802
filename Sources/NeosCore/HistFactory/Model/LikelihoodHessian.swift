// ∇²_θ NLL = Jᵀ diag(n/λ²) J + Σ_b w_b ∇²λ_b + constraint terms, accumulated per bin over the parameters it touches.
extension ModelStructure {
    func nllHessian(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        hessian.withUnsafeMutableBufferPointer { hessian in
            accumulateNLLHessian(pars, data, numbers) { p, q, value in hessian[p * n + q] += value }
        }
        return hessian
    }

    /// ∇_θ NLL and ∇²_θ NLL (row-major) from one pass over the bins; each bit for bit what `nllGradient` and
    /// `nllHessian` return (a fit's every iteration needs both).
    func nllGradientAndHessian(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> (gradient: [Double], hessian: [Double]) {
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        var gradient = [Double](repeating: 0, count: n)
        hessian.withUnsafeMutableBufferPointer { hessian in
            gradient.withUnsafeMutableBufferPointer { gradient in
                accumulateNLLHessian(pars, data, numbers, gradient: gradient) { p, q, value in
                    hessian[p * n + q] += value
                }
            }
        }
        return (gradient, hessian)
    }

    /// The one place the NLL Hessian's terms are formed, whatever stores them (the dense matrix above, the
    /// block-arrow form of LikelihoodHessianArrow.swift): calls `add(p, q, v)` for every contribution v to entry
    /// (p, q), bin by bin (`beginBin(b)` first) and then the constraint terms, in a fixed order.
    ///
    /// With `gradient` (zeros, length parameterCount) it also adds ∇_θ NLL there, in the same pass and with the
    /// same arithmetic in the same order as `nllGradient`: each bin's weight from the sum of the entry kernel's own
    /// values (which `entryValue` may round differently), the slot gradients added in slot order after the bin's
    /// entries, the constraint terms at the end.
    @inline(__always)
    func accumulateNLLHessian(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        gradient: UnsafeMutableBufferPointer<Double>? = nil,
        beginBin: (Int) -> Void = { _ in }, add: (Int, Int, Double) -> Void
    ) {
        let n = parameterCount
        var kernel = EntryKernel(self)
        numbers.inputs.withUnsafeBufferPointer { inputs in
            let dense = UnsafeMutablePointer<Double>.allocate(capacity: n)
            dense.initialize(repeating: 0, count: n)
            let touched = UnsafeMutablePointer<Int>.allocate(capacity: n)
            let mark = UnsafeMutablePointer<Bool>.allocate(capacity: n)
            mark.initialize(repeating: false, count: n)
            // The gradient's slots of one bin (at most every slot of the model).
            let slotCapacity = gradient == nil ? 1 : max(factorParam.count + addParam.count, 1)
            let slotParams = UnsafeMutablePointer<Int>.allocate(capacity: slotCapacity)
            let slotGrads = UnsafeMutablePointer<Double>.allocate(capacity: slotCapacity)
            defer {
                dense.deallocate()
                touched.deallocate()
                mark.deallocate()
                slotParams.deallocate()
                slotGrads.deallocate()
            }
            for b in 0..<mainBinCount {
                beginBin(b)
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                let rate = clipBin(b, lambda)
                let w = Likelihood.weight(data[b], rate.value, passes: rate.passes)
                let curvature = Likelihood.curvature(data[b], rate.value, passes: rate.passes)
                var touchedCount = 0
                var kernelLambda = 0.0
                var slots = 0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: true, inputGradient: false, mixedInputs: false)
                    let S = kernel.slotCount
                    if gradient != nil {
                        kernelLambda += kernel.value
                        for i in 0..<S {
                            slotParams[slots] = kernel.slotParam[i]
                            slotGrads[slots] = kernel.slotGrad[i]
                            slots += 1
                        }
                    }
                    for i in 0..<S {
                        let p = kernel.slotParam[i]
                        if !mark[p] {
                            mark[p] = true
                            touched[touchedCount] = p
                            touchedCount += 1
                        }
                        dense[p] += kernel.slotGrad[i]
                        if w != 0 {
                            for j in 0..<S { add(p, kernel.slotParam[j], w * kernel.slotHess[i * S + j]) }
                        }
                    }
                }
                if curvature != 0 {
                    for i in 0..<touchedCount {
                        let p = touched[i]
                        let gp = curvature * dense[p]
                        for j in 0..<touchedCount { add(p, touched[j], gp * dense[touched[j]]) }
                    }
                }
                for i in 0..<touchedCount {
                    dense[touched[i]] = 0
                    mark[touched[i]] = false
                }
                if let gradient {
                    let kernelRate = clipBin(b, kernelLambda)
                    let weight = Likelihood.weight(data[b], kernelRate.value, passes: kernelRate.passes)
                    for i in 0..<slots { gradient[slotParams[i]] += weight * slotGrads[i] }
                }
            }
        }
        if let gradient { constraintGradient(pars, data, numbers, into: gradient) }
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            let p = gaussParam[g]
            add(p, p, 1 / (sigma * sigma))
        }
        for c in 0..<poisParam.count {
            let theta = pars[poisParam[c]]
            let aux = data[mainBinCount + poisAux[c]]
            let p = poisParam[c]
            add(p, p, theta < 0 ? .nan : aux == 0 ? 0 : aux / (theta * theta))
        }
    }
}

extension Model {
    /// ∇_θ NLL and ∇²_θ NLL (row-major) in one pass over the bins: bit for bit `nllGradient` and `nllHessian`,
    /// which a fit's every iteration needs; the Hessian is checked first, as the fit asked for it first.
    func nllGradientAndHessian(_ pars: [Double], data: [Double]) throws -> (gradient: [Double], hessian: [Double]) {
        try evaluate(pars, data) { pars, data in
            let (gradient, hessian) = structure.nllGradientAndHessian(pars, data, numbers)
            let checkedHessian = try finiteResult(hessian, "∇²NLL", pars, data, .parameterDerivatives)
            return (try finiteResult(gradient, "∇NLL", pars, data, .parameterDerivatives), checkedHessian)
        }
    }

    /// ∇²_θ NLL, row-major parameterCount × parameterCount (exact).
    public func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in
            try finiteResult(structure.nllHessian(pars, data, numbers), "∇²NLL", pars, data, .parameterDerivatives)
        }
    }
}
