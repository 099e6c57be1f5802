// ∇_θ NLL = Σ_b w_b ∇λ_b + constraint terms (w_b = 1 − n_b/λ_b), from the entry kernel's sparse slot gradients.
extension ModelStructure {
    /// ∇_θ NLL, length parameterCount.
    func nllGradient(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        var grad = [Double](repeating: 0, count: parameterCount)
        var kernel = EntryKernel(self)
        numbers.withEntryInputs { inputs in
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
                    let rate = clipBin(b, lambda)
                    let w = Likelihood.weight(data[b], rate.value, passes: rate.passes)
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
            // A negative rate θτ is outside the Poisson's domain (NaN, as its logpdf term).
            grad[poisParam[c]] += theta < 0 ? .nan : numbers.poisTau[c] - (aux == 0 ? 0 : aux / theta)
        }
    }
}

extension Model {
    /// ∇_θ of NLL = −logpdf (exact).
    public func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in
            try finiteResult(structure.nllGradient(pars, data, numbers), "∇NLL", pars, data, .parameterDerivatives)
        }
    }

    /// NLL and its gradient in one call (the hot path of a fit).
    public func nllAndGradient(_ pars: [Double], data: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkPars(pars)
        try checkData(data)
        return try pars.withUnsafeBufferPointer { pars in
            try data.withUnsafeBufferPointer { data in
                let value = -structure.logpdf(pars, data, numbers)
                let gradient = structure.nllGradient(pars, data, numbers)
                return (
                    try finiteResult([value], "NLL", pars, data, .parameterDerivatives)[0],
                    try finiteResult(gradient, "∇NLL", pars, data, .parameterDerivatives)
                )
            }
        }
    }
}
