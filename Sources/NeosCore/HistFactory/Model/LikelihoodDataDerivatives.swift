#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Derivatives with respect to the data (main bins and auxdata): ∂ log L/∂n and ∂²NLL/∂θ∂n.
extension ModelStructure {
    /// ∂ logpdf / ∂(main data, aux data).
    func logpdfDataGradient(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>, _ numbers: ModelNumbers
    ) -> [Double] {
        var out = [Double](repeating: 0, count: mainBinCount + auxCount)
        numbers.withEntryInputs { inputs in
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] { lambda += entryValue(e, pars, inputs) }
                out[b] = log(clipBin(b, lambda).value) - SpecialFunctions.digamma(data[b] + 1)
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
        numbers.withEntryInputs { inputs in
            let grad = UnsafeMutablePointer<Double>.allocate(capacity: max(parameterCount, 1))
            grad.initialize(repeating: 0, count: max(parameterCount, 1))
            defer { grad.deallocate() }
            for b in 0..<mainBinCount {
                var lambda = 0.0
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    kernel.first(e, pars, inputs)
                    lambda += kernel.value
                }
                let rate = clipBin(b, lambda)
                if !rate.passes { continue }
                lambda = rate.value
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
}

extension Model {
    /// ∂²NLL/∂θ∂n, row-major parameterCount × data.count (main + aux).
    public func nllGradientJacobianData(_ pars: [Double], data: [Double]) throws -> [Double] {
        try evaluate(pars, data) { pars, data in
            try requireDomain(pars, data)
            return try finiteResult(
                structure.mixedData(pars, data, numbers), "∂²NLL/∂θ∂data", pars, data, .dataDerivatives)
        }
    }
}
