// Derivatives with respect to the inputs ψ (the numbers the model was built from): the rates' VJP, ∂NLL/∂ψ,
// ∂²NLL/∂θ∂ψ, and the VJPs of logpdf and of the expected data that losses and implicit differentiation compose.
extension ModelStructure {
    /// Σ_b cot_b ∂λ_b/∂(θ, ψ) for a cotangent on the main bins; accumulated into `parsOut`, `inputsOut`.
    func ratesVJP(
        _ cotangent: (Int) -> Double, _ pars: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers,
        parsOut: inout [Double], inputsOut: inout [Double]
    ) {
        var kernel = EntryKernel(self)
        numbers.withEntryInputs { inputs in
            for b in 0..<mainBinCount {
                let c = cotangent(b)
                if c == 0 { continue }
                if clipping.binData != nil {
                    // A bin held at the bin clip's bound moves with nothing.
                    var sum = 0.0
                    for e in binEntryStart[b]..<binEntryStart[b + 1] { sum += entryValue(e, pars, inputs) }
                    if !clipBin(b, sum).passes { continue }
                }
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

    /// ∂NLL/∂ψ (the data is held fixed, auxdata included).
    func nllInputGradient(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> [Double] {
        var rates = [Double](repeating: 0, count: mainBinCount)
        numbers.withEntryInputs { inputs in
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
        numbers.withEntryInputs { inputs in
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
                    let rate = clipBin(b, lambda)
                    let w = Likelihood.weight(data[b], rate.value, passes: rate.passes)
                    let curvature = Likelihood.curvature(data[b], rate.value, passes: rate.passes)
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

extension Model {
    /// Gradient of logpdf with respect to the parameters, the data (main + aux) and the inputs.
    public func logpdfVJP(_ pars: [Double], data: [Double]) throws -> (pars: [Double], data: [Double], inputs: [Double])
    {
        try evaluate(pars, data) { pars, data in
            try requireDomain(pars, data)
            let s = structure
            let gPars = s.nllGradient(pars, data, numbers).map { -$0 }
            let gData = s.logpdfDataGradient(pars, data, numbers)
            let gInputs = s.nllInputGradient(pars, data, numbers).map { -$0 }
            return (
                try finiteResult(gPars, "∂ log L/∂θ", pars, data, .parameterDerivatives),
                try finiteResult(gData, "∂ log L/∂data", pars, data, .dataDerivatives),
                try finiteResult(gInputs, "∂ log L/∂inputs", pars, data, .parameterDerivatives)
            )
        }
    }

    /// Cotangent · ∂expectedData/∂(pars, inputs). `cotangent` has the length of `expectedData(pars,
    /// includeAuxdata:)`.
    public func expectedDataVJP(cotangent: [Double], pars: [Double], includeAuxdata: Bool = true) throws -> (
        pars: [Double], inputs: [Double]
    ) {
        try checkPars(pars)
        let s = structure
        try Validate.length(cotangent.count, equals: s.mainBinCount + (includeAuxdata ? s.auxCount : 0), "cotangent")
        try cotangent.withUnsafeBufferPointer { try Validate.finite($0, "cotangent") }
        var gPars = [Double](repeating: 0, count: s.parameterCount)
        var gInputs = [Double](repeating: 0, count: s.inputCount)
        try pars.withUnsafeBufferPointer { pars in
            s.ratesVJP({ cotangent[$0] }, pars, numbers, parsOut: &gPars, inputsOut: &gInputs)
            if includeAuxdata {
                for g in 0..<s.gaussParam.count { gPars[s.gaussParam[g]] += cotangent[s.mainBinCount + s.gaussAux[g]] }
                for c in 0..<s.poisParam.count {
                    let ct = cotangent[s.mainBinCount + s.poisAux[c]]
                    gPars[s.poisParam[c]] += ct * numbers.poisTau[c]
                    let theta = pars[s.poisParam[c]]
                    s.forEachTauDerivative(c, numbers) { gInputs[$0] += ct * theta * $1 }
                }
            }
            gPars = try finiteResult(gPars, "the expected data's VJP (parameters)", pars, nil, .value)
            gInputs = try finiteResult(gInputs, "the expected data's VJP (inputs)", pars, nil, .value)
        }
        return (gPars, gInputs)
    }

    /// ∂²NLL/∂θ∂ψ, row-major parameterCount × inputCount.
    public func nllGradientJacobianInputs(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in
            try requireDomain(pars, data)
            return try finiteResult(
                structure.mixedInputs(pars, data, numbers), "∂²NLL/∂θ∂inputs", pars, data, .parameterDerivatives)
        }
    }
}
