/// Where the likelihood is defined, and what to say where it is not (docs/numerical-conventions.md,
/// "Non-finite values").
///
/// log L is a finite number unless one of these holds at (θ, data):
///
/// - an expected main count λ_b < 0 (a sample's modifiers drive it negative), or a Poisson constraint's rate
///   θτ < 0 (shapesys γ < 0): outside the Poisson's domain, NaN;
/// - a normsys factor that is not a number: code4 interpolates ln(hi) and ln(lo), so it needs hi > 0 and lo > 0;
///   code1 raises hi (α > 0) or lo (α < 0) to the power |α|, so that one must be ≥ 0;
/// - λ_b = 0 where data[b] > 0, or θτ = 0 where the auxdatum > 0: the data are impossible, log L = −∞ exactly
///   (pyhf returns −∞ too). The value is legitimate; its derivatives are not finite.
///
/// Observed counts (main bins, Poisson auxdata) must be ≥ 0: `Model.checkData` refuses negative ones. The
/// derivatives with respect to the data also need λ_b > 0 in every bin (∂ log L/∂n_b = ln λ_b − ψ(n_b + 1)).
enum DomainRequirement {
    /// The value of log L (−∞ allowed: impossible data).
    case value
    /// Derivatives with respect to the parameters and inputs: also no impossible data.
    case parameterDerivatives
    /// Derivatives with respect to the data: also every rate > 0.
    case dataDerivatives
}

extension ModelStructure {
    /// "channel 'c' bin i (data[b])" for main bin `b`.
    func binLabel(_ b: Int) -> String {
        let (channel, bin) = channelBin(b)
        return "channel '\(channel)' bin \(bin) (data[\(b)])"
    }

    /// The channel of main bin `b` and the bin's index within it.
    private func channelBin(_ b: Int) -> (channel: String, bin: Int) {
        var start = 0
        for (c, count) in channelBinCounts.enumerated() {
            if b < start + count { return (channels[c], b - start) }
            start += count
        }
        return ("", b)
    }

    /// The sample of entry `e`, from its nominal's input name "{channel}/{sample}/nominal[{bin}]".
    private func sampleName(entry e: Int) -> String {
        let name = inputNames[entryNominal[e]]
        let (channel, bin) = channelBin(entryBin[e])
        let prefix = channel + "/"
        let suffix = "/nominal[\(bin)]"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else {
            return name
        }
        return String(name.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// The modifier of normsys factor `k` of entry `e`, from its input name "{channel}/{sample}/normsys/{name}/hi".
    private func normsysName(factor k: Int, entry e: Int) -> String {
        let name = inputNames[factorHi[k]]
        let prefix = channelBin(entryBin[e]).channel + "/" + sampleName(entry: e) + "/normsys/"
        guard name.hasPrefix(prefix), name.hasSuffix("/hi"), name.count > prefix.count + 3 else { return name }
        return String(name.dropFirst(prefix.count).dropLast(3))
    }

    /// The first reason, in bin order and then constraint order, that log L (or the derivatives `requirement`
    /// asks for) is not finite at (θ, data); nil where everything asked for is finite. `data` may hold fewer than
    /// main + aux values only for `.value` (then impossible data are not looked for).
    func domainProblem(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>?, _ numbers: ModelNumbers,
        _ requirement: DomainRequirement
    ) -> String? {
        numbers.withEntryInputs { inputs in
            for b in 0..<mainBinCount {
                var sum = 0.0
                var negative: [String] = []
                for e in binEntryStart[b]..<binEntryStart[b + 1] {
                    for k in entryFactorStart[e]..<entryFactorStart[e + 1] where factorIsNormsys[k] {
                        let alpha = pars[factorParam[k]]
                        let hi = inputs[factorHi[k]]
                        let lo = inputs[factorLo[k]]
                        let factor = NormSysModifier.factor(code: normsysCode, alpha: alpha, hi: hi, lo: lo)
                        if !factor.isFinite {
                            let needs =
                                normsysCode == .code4
                                ? "code4 interpolates ln(hi) and ln(lo) and needs hi > 0 and lo > 0"
                                : "code1 raises \(alpha > 0 ? "hi" : "lo") to the power |α| and needs it ≥ 0"
                            return
                                "normsys '\(normsysName(factor: k, entry: e))' of sample '\(sampleName(entry: e))' in "
                                + "\(binLabel(b)) has the factor \(factor) at \(parameterNames[factorParam[k]]) = "
                                + "\(alpha) (hi = \(hi), lo = \(lo)): \(needs)"
                        }
                    }
                    let value = entryValue(e, pars, inputs)
                    if !value.isFinite {
                        return "sample '\(sampleName(entry: e))' in \(binLabel(b)) expects \(value)"
                    }
                    if value < 0 { negative.append("'\(sampleName(entry: e))' \(value)") }
                    sum += value
                }
                let lambda = clipBin(b, sum).value
                if !lambda.isFinite { return "\(binLabel(b)) expects \(lambda)" }
                if lambda < 0 {
                    return
                        "\(binLabel(b)) expects \(lambda) < 0 events, outside the Poisson's domain (samples below 0: "
                        + negative.joined(separator: ", ")
                        + "); pyhf's options clip_sample_data / clip_bin_data bound the expected counts"
                }
                guard let data, requirement != .value else { continue }
                let count = data[b]
                if lambda == 0 && count > 0 {
                    return
                        "\(binLabel(b)) observes \(count) where the model expects 0 events: log L is −inf there and "
                        + "its derivatives are not finite"
                }
                if lambda == 0 && requirement == .dataDerivatives {
                    return
                        "\(binLabel(b)) expects 0 events: the derivative of log L with respect to its count, "
                        + "ln λ − ψ(n + 1), is −inf"
                }
            }
            for c in 0..<poisParam.count {
                let theta = pars[poisParam[c]]
                let rate = theta * numbers.poisTau[c]
                let index = mainBinCount + poisAux[c]
                let name = parameterNames[poisParam[c]]
                if theta < 0 {
                    return
                        "\(name) = \(theta) gives its Poisson constraint (shapesys) the rate γτ = \(rate) < 0, "
                        + "outside the Poisson's domain"
                }
                guard let data, requirement != .value else { continue }
                if rate == 0 && (data[index] > 0 || requirement == .dataDerivatives) {
                    return
                        "\(name) = \(theta) gives its Poisson constraint (shapesys) the rate 0 with the auxdatum "
                        + "data[\(index)] = \(data[index]): log L or its derivatives are not finite"
                }
            }
            return nil
        }
    }
}

extension Model {
    /// Throws `.numeric` naming the first term outside the likelihood's domain (see `DomainRequirement`). Cold
    /// paths call it before kernels whose formulas stay finite where the likelihood is not defined.
    func requireDomain(
        _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>?,
        _ requirement: DomainRequirement = .value
    ) throws {
        if let problem = structure.domainProblem(pars, data, numbers, requirement) {
            throw NeosError(.numeric, problem)
        }
    }

    /// `values` when every one is finite; otherwise `.numeric` naming why (the first term outside the domain
    /// `requirement` needs), or the first non-finite element when no term is (an overflow).
    func finiteResult(
        _ values: [Double], _ what: String, _ pars: UnsafeBufferPointer<Double>, _ data: UnsafeBufferPointer<Double>?,
        _ requirement: DomainRequirement
    ) throws -> [Double] {
        guard let index = values.firstIndex(where: { !$0.isFinite }) else { return values }
        if let problem = structure.domainProblem(pars, data, numbers, requirement) {
            throw NeosError(.numeric, "\(what) is not finite: \(problem)")
        }
        throw NeosError(
            .numeric,
            "\(what)[\(index)] is \(values[index]): no rate or constraint is outside its domain, so an intermediate "
                + "overflowed")
    }

    /// pyhf's `Model.logpdf` as users receive it: a finite number, or −∞ where the data are impossible under the
    /// model (a bin with data[b] > 0 whose expected count is 0, a shapesys γ = 0 with a positive auxdatum), which is
    /// the exact value and pyhf's. Where log L is undefined it throws `.numeric` naming the bin, sample or modifier
    /// (pyhf returns NaN there). `logpdf` itself returns NaN there instead, so that a fit steps back.
    public func logpdfChecked(_ pars: [Double], data: [Double]) throws -> Double {
        try evaluate(pars, data) { pars, data in
            let value = structure.logpdf(pars, data, numbers)
            if value.isFinite { return value }
            if let problem = structure.domainProblem(pars, data, numbers, .value) {
                throw NeosError(.numeric, "log L is undefined: \(problem)")
            }
            if value == -.infinity { return value }
            throw NeosError(.numeric, "log L is \(value): an intermediate overflowed")
        }
    }
}
