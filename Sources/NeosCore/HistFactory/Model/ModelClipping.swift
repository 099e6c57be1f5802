/// pyhf's model options `clip_sample_data` and `clip_bin_data`: lower bounds applied to the expected main rates
/// (pyhf 0.7.6 `_MainModel.expected_data`).
///
///     ν_e ← max(ν_e, sampleData)     every (sample, bin) after all its modifiers
///     λ_b ← max(Σ_e ν_e, binData)    every main bin's total
///
/// As in pyhf, the sample clip also applies to the samples a channel does not contain: pyhf carries every sample
/// in every channel with a nominal of 0, so with `sampleData` = c > 0 each such (sample, bin) contributes c (and
/// nothing for c ≤ 0). The constraint terms (auxdata) are never clipped.
///
/// Derivatives of max(x, c): 0 where x < c (the clipped side, the value is the constant c) and x's own where
/// x ≥ c. At x == c exactly the value is x and the derivative is x's (the side where the bound is not active),
/// so a model clipped at 0 keeps the gradient of a sample whose nominal is 0 at its nominal parameters. The
/// second and third derivatives follow the same side.
public struct ModelClipping: Sendable, Equatable {
    /// The lower bound of every sample's expected count in every bin, nil for none.
    public var sampleData: Double?
    /// The lower bound of every main bin's expected count, nil for none.
    public var binData: Double?

    /// No clipping (pyhf's default).
    public static let none = ModelClipping()

    /// Bounds for the samples and the bins (nil: that clip is off).
    public init(sampleData: Double? = nil, binData: Double? = nil) {
        self.sampleData = sampleData
        self.binData = binData
    }

    /// Whether any clip is on.
    public var isActive: Bool { sampleData != nil || binData != nil }

    /// Refuses a bound that is not a finite number.
    func validate() throws {
        for (name, value) in [("clip_sample_data", sampleData), ("clip_bin_data", binData)] {
            if let value, !value.isFinite {
                throw NeosError.invalidArgument("\(name) is \(value); it must be a finite number (or absent)")
            }
        }
    }
}

extension ModelStructure {
    /// One entry's rate after the sample clip, and whether its derivatives pass (false on the clipped side).
    @inline(__always)
    func clipSample(_ value: Double) -> (value: Double, passes: Bool) {
        if let bound = clipping.sampleData, value < bound { return (bound, false) }
        return (value, true)
    }

    /// A main bin's rate from the sum of its entries' (already sample-clipped) rates: the constant contribution of
    /// the samples its channel lacks (sample clip above 0), then the bin clip; `passes` is false when the bin clip
    /// holds the rate at its bound, and no parameter or input moves it.
    @inline(__always)
    func clipBin(_ b: Int, _ sum: Double) -> (value: Double, passes: Bool) {
        let value = clipAbsentSamples.isEmpty ? sum : sum + clipAbsentSamples[b]
        if let bound = clipping.binData, value < bound { return (bound, false) }
        return (value, true)
    }

    /// The structure with other clipping bounds (everything else shared by value).
    func withClipping(_ clipping: ModelClipping) -> ModelStructure {
        ModelStructure(
            channels: channels, channelBinCounts: channelBinCounts, samples: samples, paramSets: paramSets,
            poiIndex: poiIndex, poiName: poiName, inputNames: inputNames, normsysCode: normsysCode,
            histosysCode: histosysCode, binEntryStart: binEntryStart, entryBin: entryBin, entryNominal: entryNominal,
            entryFactorStart: entryFactorStart, entryAddStart: entryAddStart, factorParam: factorParam,
            factorIsNormsys: factorIsNormsys, factorHi: factorHi, factorLo: factorLo, addParam: addParam,
            addHi: addHi, addLo: addLo, gaussParam: gaussParam, gaussAux: gaussAux,
            gaussSigmaConstant: gaussSigmaConstant, gaussStatStart: gaussStatStart, statNominal: statNominal,
            statDelta: statDelta, poisParam: poisParam, poisAux: poisAux, poisTauConstant: poisTauConstant,
            poisNominal: poisNominal, poisSigma: poisSigma, auxConstant: auxConstant, auxFromPoisson: auxFromPoisson,
            clipping: clipping)
    }
}

extension Model {
    /// The clipping bounds in use (`ModelClipping.none` unless made by `withClipping`).
    public var clipping: ModelClipping { structure.clipping }

    /// The same model with pyhf's `clip_sample_data` / `clip_bin_data` bounds (nil: off), replacing any the model
    /// had. The derived models of `withInputs` keep them; the fit options stay.
    public func withClipping(_ clipping: ModelClipping) throws -> Model {
        try clipping.validate()
        return Model(structure: structure.withClipping(clipping), numbers: numbers, fitOptions: fitOptions)
    }
}
