// ∇²_θ NLL = Jᵀ diag(n/λ²) J + Σ_b w_b ∇²λ_b + constraint terms, accumulated per bin over the parameters it touches.
extension ModelStructure {
    func nllHessian(_ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers)
        -> [Double]
    {
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        hessian.withUnsafeMutableBufferPointer { hessian in
            accumulateNLLHessian(pars, data, numbers) { p, q, value in hessian[p &* n &+ q] += value }
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
                    hessian[p &* n &+ q] += value
                }
            }
        }
        return (gradient, hessian)
    }

    /// The one place the NLL Hessian's terms are formed, whatever stores them (the dense matrix above, the
    /// block-arrow form of LikelihoodHessianArrow.swift): calls `add(p, q, v)` once for every pair (p, q) of the
    /// parameters a bin touches, bin by bin (`beginBin(b)` first), then the constraint terms, in a fixed order.
    ///
    /// Within a bin the terms are summed in a dense block over the bin's parameters. An entry ν_e = F·A (F the
    /// product of its factors, A its nominal plus additive deltas) contributes w ∂²ν_e off the diagonal as a
    /// rank-two update from its slot gradient G (∂ν_e/∂slot): for slots i ≠ j that are not both additive,
    /// ∂²ν_e/∂i∂j = G_i G_j / ν_e (the product of the factors other than i and j, times A, or f′_i Π_{k≠i} f_k Δ′_j),
    /// and two additive slots do not mix. So the block gains (w/ν_e)(G_F Gᵀ + G_A G_Fᵀ) with G_F, G_A the factor and
    /// additive parts of G, summed onto parameters: contiguous rows instead of one scattered add per slot pair
    /// (sbottom: 50 slots an entry). The diagonal is formed exactly, from f″ and Δ″ (`slotHessianDiagonal`) and the
    /// pairs of slots sharing one parameter. An entry with ν_e = 0 (a factor at 0) takes its exact slot Hessian,
    /// which needs no division.
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
        numbers.withEntryInputs { inputs in
            // Scratch in two allocations (indices, values), carved into pieces: for small models the separate
            // allocations were a noticeable part of each call.
            let size = max(n, 1)
            let maxSlots = max(kernel.maxSlots, 1)
            // The gradient's slots of one bin (at most every slot of the model).
            let slotCapacity = gradient == nil ? 1 : max(factorParam.count + addParam.count, 1)
            let indexCount = 3 * size + slotCapacity + 2 * maxSlots
            let indices = UnsafeMutablePointer<Int>.allocate(capacity: indexCount)
            // position[p]: p's place among the current bin's parameters (−1 outside it); lastSlotOnPosition: the
            // last slot of the current entry on a position (−1: none).
            let position = indices
            position.initialize(repeating: -1, count: size)
            let touched = indices + size
            let lastSlotOnPosition = indices + 2 * size
            lastSlotOnPosition.initialize(repeating: -1, count: size)
            let slotParams = indices + 3 * size
            // One entry's slots: their positions, and for each the previous slot on the same position (−1: none).
            let slotPosition = slotParams + slotCapacity
            let previousOnPosition = slotPosition + maxSlots
            // Per bin position: Σ_e G (for the curvature term), the exact diagonal, and one entry's G, G_F, G_A.
            let values = UnsafeMutablePointer<Double>.allocate(capacity: 5 * size + slotCapacity)
            let binGradient = values
            let diagonal = values + size
            let entryAll = values + 2 * size
            let entryFactor = values + 3 * size
            let entryAdditive = values + 4 * size
            entryAll.initialize(repeating: 0, count: 3 * size)
            let slotGrads = values + 5 * size
            var blockCapacity = 0
            var block = UnsafeMutablePointer<Double>.allocate(capacity: 1)
            defer {
                indices.deallocate()
                values.deallocate()
                block.deallocate()
            }
            for b in 0..<mainBinCount {
                beginBin(b)
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                let rate = clipBin(b, lambda)
                let w = Likelihood.weight(data[b], rate.value, passes: rate.passes)
                let curvature = Likelihood.curvature(data[b], rate.value, passes: rate.passes)
                // The bin's parameters, in the order the entries' slots first name them.
                var t = 0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    for k in entryFactorStart[e]..<entryFactorStart[e + 1] where position[factorParam[k]] < 0 {
                        position[factorParam[k]] = t
                        touched[t] = factorParam[k]
                        t += 1
                    }
                    for k in entryAddStart[e]..<entryAddStart[e + 1] where position[addParam[k]] < 0 {
                        position[addParam[k]] = t
                        touched[t] = addParam[k]
                        t += 1
                    }
                }
                if t * t > blockCapacity {
                    block.deallocate()
                    blockCapacity = t * t
                    block = UnsafeMutablePointer<Double>.allocate(capacity: blockCapacity)
                }
                block.initialize(repeating: 0, count: t * t)
                binGradient.initialize(repeating: 0, count: max(t, 1))
                diagonal.initialize(repeating: 0, count: max(t, 1))
                var kernelLambda = 0.0
                var slots = 0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.full(e, pars, inputs, hessian: false, inputGradient: false, mixedInputs: false)
                    let S = kernel.slotCount
                    let M = kernel.factorCount
                    if gradient != nil {
                        kernelLambda += kernel.value
                        for i in 0..<S {
                            slotParams[slots] = kernel.slotParam[i]
                            slotGrads[slots] = kernel.slotGrad[i]
                            slots += 1
                        }
                    }
                    for i in 0..<S {
                        let a = position[kernel.slotParam[i]]
                        slotPosition[i] = a
                        previousOnPosition[i] = lastSlotOnPosition[a]
                        lastSlotOnPosition[a] = i
                        binGradient[a] += kernel.slotGrad[i]
                    }
                    defer { for i in 0..<S { lastSlotOnPosition[slotPosition[i]] = -1 } }
                    guard w != 0 && kernel.passes else { continue }
                    if kernel.value == 0 {
                        // A factor at 0: the exact slot Hessian (no division), added term by term.
                        kernel.full(e, pars, inputs, hessian: true, inputGradient: false, mixedInputs: false)
                        for i in 0..<S {
                            for j in 0..<S {
                                let value = w * kernel.slotHess[i * S + j]
                                if slotPosition[i] == slotPosition[j] {
                                    diagonal[slotPosition[i]] += value
                                } else {
                                    block[slotPosition[i] &* t &+ slotPosition[j]] += value
                                }
                            }
                        }
                        continue
                    }
                    // The exact diagonal: each slot's own second derivative, and twice each pair of slots on one
                    // parameter (G_i G_j / ν_e unless both are additive).
                    let scale = w / kernel.value
                    for i in 0..<S {
                        let a = slotPosition[i]
                        diagonal[a] += w * kernel.slotHessianDiagonal(i)
                        var j = previousOnPosition[i]
                        while j >= 0 {
                            if i < M || j < M {
                                diagonal[a] += 2 * (scale * kernel.slotGrad[i] * kernel.slotGrad[j])
                            }
                            j = previousOnPosition[j]
                        }
                    }
                    // Off the diagonal: block(a, c) += (w/ν)(G_F[a] G[c] + G_A[a] G_F[c]), symmetric in a and c, so
                    // only for c > a (the upper triangle; mirrored below). Positions the entry does not touch add 0.
                    for i in 0..<S {
                        let a = slotPosition[i]
                        entryAll[a] += kernel.slotGrad[i]
                        if i < M {
                            entryFactor[a] += scale * kernel.slotGrad[i]
                        } else {
                            entryAdditive[a] += kernel.slotGrad[i]
                        }
                    }
                    for i in 0..<S where previousOnPosition[i] < 0 {
                        let a = slotPosition[i]
                        let factorPart = entryFactor[a]
                        let additivePart = entryAdditive[a]
                        let row = block + a &* t
                        if factorPart != 0 && additivePart != 0 {
                            for c in (a + 1)..<t {
                                row[c] += factorPart * entryAll[c] + additivePart * entryFactor[c]
                            }
                        } else if factorPart != 0 {
                            for c in (a + 1)..<t { row[c] += factorPart * entryAll[c] }
                        } else if additivePart != 0 {
                            for c in (a + 1)..<t { row[c] += additivePart * entryFactor[c] }
                        }
                    }
                    for i in 0..<S {
                        let a = slotPosition[i]
                        entryAll[a] = 0
                        entryFactor[a] = 0
                        entryAdditive[a] = 0
                    }
                }
                // The upper triangle holds every off-diagonal term once ((a, c) and (c, a) are one sum); mirror it,
                // set the exact diagonal and add the curvature term (n/λ²)(∂λ)(∂λ)ᵀ.
                for a in 0..<t {
                    block[a &* t &+ a] = diagonal[a]
                    for c in 0..<a { block[a &* t &+ c] = block[c &* t &+ a] }
                }
                if curvature != 0 {
                    for a in 0..<t {
                        let ga = curvature * binGradient[a]
                        let row = block + a &* t
                        for c in 0..<t { row[c] += ga * binGradient[c] }
                    }
                }
                for a in 0..<t {
                    let p = touched[a]
                    let row = block + a &* t
                    for c in 0..<t { add(p, touched[c], row[c]) }
                }
                for a in 0..<t { position[touched[a]] = -1 }
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
