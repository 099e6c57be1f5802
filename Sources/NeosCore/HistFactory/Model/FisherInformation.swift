/// The expected (Asimov) Fisher information and its derivative with respect to the model's inputs.
///
/// On the Asimov data of the parameters θ_A themselves (n = λ(θ_A), aux = expected aux), every Poisson weight
/// 1 − n/λ vanishes, so the NLL Hessian is exactly the Fisher information
///
///     I(ψ) = Σ_b (∂λ_b/∂θ)(∂λ_b/∂θ)ᵀ / λ_b + diag(1/σ_g²) + diag(τ_c/θ_c),
///
/// and it stays so when ψ moves, because the data move with it. Its derivative therefore needs only the
/// first and mixed second derivatives of the rates, which the entry kernel already provides.
extension ModelStructure {
    /// ∂/∂ψ of vᵀ I(ψ) v at θ_A = `pars` for a fixed direction v (length parameterCount); inputCount values.
    func asimovFisherFormInputGradient(
        _ pars: UnsafeBufferPointer<Double>, direction v: [Double], _ numbers: ModelNumbers
    ) -> [Double] {
        var out = [Double](repeating: 0, count: inputCount)
        var kernel = EntryKernel(self)
        numbers.withEntryInputs { inputs in
            // Per bin: D_b = ∂_v λ_b, and the input gradients of D_b and λ_b, accumulated sparsely.
            var dDirection = [Double](repeating: 0, count: inputCount)
            var dRate = [Double](repeating: 0, count: inputCount)
            var touched: [Int] = []
            for b in 0..<mainBinCount {
                var lambda = 0.0
                var directional = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: false, inputGradient: true, mixedInputs: true)
                    lambda += kernel.value
                    let S = kernel.slotCount
                    let K = kernel.inputCount
                    for i in 0..<S { directional += kernel.slotGrad[i] * v[kernel.slotParam[i]] }
                    for k in 0..<K where kernel.inputIndex[k] >= 0 {
                        let q = kernel.inputIndex[k]
                        if dRate[q] == 0 && dDirection[q] == 0 { touched.append(q) }
                        dRate[q] += kernel.inputGrad[k]
                        var mixed = 0.0
                        for i in 0..<S { mixed += kernel.mixed[i * K + k] * v[kernel.slotParam[i]] }
                        dDirection[q] += mixed
                    }
                }
                let rate = clipBin(b, lambda)
                lambda = rate.value
                if rate.passes && lambda > 0 {
                    let ratio = directional / lambda
                    for q in touched { out[q] += 2 * ratio * dDirection[q] - ratio * ratio * dRate[q] }
                }
                for q in touched {
                    dDirection[q] = 0
                    dRate[q] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
        }
        for g in 0..<gaussParam.count {
            let sigma = numbers.gaussSigma[g]
            let vp = v[gaussParam[g]]
            // d(v²/σ²)/dσ = −2v²/σ³
            let factor = -2 * vp * vp / (sigma * sigma * sigma)
            forEachSigmaDerivative(g, numbers) { out[$0] += factor * $1 }
        }
        for c in 0..<poisParam.count {
            let vp = v[poisParam[c]]
            // d(v²τ/θ)/dτ = v²/θ
            let factor = vp * vp / pars[poisParam[c]]
            forEachTauDerivative(c, numbers) { out[$0] += factor * $1 }
        }
        return out
    }
}

extension Model {
    /// The Fisher information −∇²_θ log L on the Asimov data of `pars` (the NLL Hessian there), row-major.
    public func fisherInformation(_ pars: [Double]) throws -> [Double] {
        let asimov = try expectedData(pars, includeAuxdata: true)
        // A negative rate would reach nllHessian as negative (refused) data: name the rate instead.
        try pars.withUnsafeBufferPointer { try requireDomain($0, nil) }
        return try nllHessian(pars, data: asimov)
    }

    /// ∂/∂(inputs) of vᵀ I v, with I the Asimov Fisher information at `pars` (the data following the inputs).
    public func fisherFormInputGradient(_ pars: [Double], direction: [Double]) throws -> [Double] {
        try checkPars(pars)
        try Validate.length(direction.count, equals: parameterCount, "direction")
        try direction.withUnsafeBufferPointer { try Validate.finite($0, "direction") }
        return try pars.withUnsafeBufferPointer { pars in
            try requireDomain(pars, nil)
            return try finiteResult(
                structure.asimovFisherFormInputGradient(pars, direction: direction, numbers),
                "∂(vᵀ I v)/∂inputs", pars, nil, .value)
        }
    }
}
