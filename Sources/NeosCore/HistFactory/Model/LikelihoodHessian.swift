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

    /// The one place the NLL Hessian's terms are formed, whatever stores them (the dense matrix above, the
    /// block-arrow form of LikelihoodHessianArrow.swift): calls `add(p, q, v)` for every contribution v to entry
    /// (p, q), bin by bin (`beginBin(b)` first) and then the constraint terms, in a fixed order.
    @inline(__always)
    func accumulateNLLHessian(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
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
            defer {
                dense.deallocate()
                touched.deallocate()
                mark.deallocate()
            }
            for b in 0..<mainBinCount {
                beginBin(b)
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                let rate = clipBin(b, lambda)
                let w = Likelihood.weight(data[b], rate.value, passes: rate.passes)
                let curvature = Likelihood.curvature(data[b], rate.value, passes: rate.passes)
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
            }
        }
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
    /// ∇²_θ NLL, row-major parameterCount × parameterCount (exact).
    public func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in
            try finiteResult(structure.nllHessian(pars, data, numbers), "∇²NLL", pars, data, .parameterDerivatives)
        }
    }
}
