/// pyhf.simplemodels: one channel ("singlechannel" for uncorrelated_background, "single_channel" for
/// correlated_background, as pyhf 0.7.6 names them), samples "signal" (normfactor "mu") and "background".
public enum SimpleModels {
    /// Background with an uncorrelated per-bin shapesys "uncorr_bkguncrt" (absolute uncertainties).
    public static func uncorrelatedBackground(signal: [Double], background: [Double], uncertainty: [Double]) throws
        -> Model
    {
        try check(signal: signal, ["background": background, "uncertainty": uncertainty])
        return try model(
            channel: "singlechannel", signal: signal, background: background,
            modifier: .init(
                name: "uncorr_bkguncrt", type: .shapesys, data: .uncertainties(uncertainty), path: "uncertainty"),
            modifierSettings: nil)
    }

    /// Background with a correlated histosys "correlated_bkg_uncertainty" between backgroundDown and backgroundUp.
    public static func correlatedBackground(
        signal: [Double], background: [Double], backgroundUp: [Double], backgroundDown: [Double],
        modifierSettings: ModifierSettings? = nil
    ) throws -> Model {
        try check(
            signal: signal, ["background": background, "backgroundUp": backgroundUp, "backgroundDown": backgroundDown])
        return try model(
            channel: "single_channel", signal: signal, background: background,
            modifier: .init(
                name: "correlated_bkg_uncertainty", type: .histosys,
                data: .histosys(hi: backgroundUp, lo: backgroundDown), path: "backgroundUp/backgroundDown"),
            modifierSettings: modifierSettings)
    }

    /// The channel both models are: sample "signal" with normfactor "mu" (the POI), and sample "background" with
    /// the one `modifier` that tells them apart.
    static func model(
        channel name: String, signal: [Double], background: [Double], modifier: ModelSpec.Modifier,
        modifierSettings: ModifierSettings?
    ) throws -> Model {
        let channel = ModelSpec.Channel(
            name: name,
            samples: [
                .init(
                    name: "signal", data: signal,
                    modifiers: [.init(name: "mu", type: .normfactor, data: .none, path: "signal.modifiers[0]")],
                    path: "signal"),
                .init(name: "background", data: background, modifiers: [modifier], path: "background"),
            ], path: name)
        return try Model(
            spec: ModelSpec(channels: [channel], parameters: []), poiName: "mu", modifierSettings: modifierSettings)
    }

    /// Bytes a simple model of `bins` bins needs while it is built and used: the spec's samples and modifier
    /// data, the model's per-bin numbers, rates, their derivatives and the fits' work arrays, about 1 KiB per bin
    /// (measured: building a 10⁶-bin uncorrelated_background model, one logpdf and one NLL gradient raised the
    /// peak resident memory by 0.82 GiB, about 860 bytes per bin).
    public static func bytesNeeded(bins: Int) -> Double { 1024 * Double(bins) }

    /// Refuses `bins` bins when the model could not fit in this machine's memory, before anything is built.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` with the size the model would need.
    public static func requireMemory(bins: Int) throws {
        try MemoryBudget.require(bytesNeeded(bins: bins), for: "a simple model of \(bins) bins (n_bins)")
    }

    static func check(signal: [Double], _ others: KeyValuePairs<String, [Double]>) throws {
        guard !signal.isEmpty else { throw NeosError.invalidArgument("signal must have at least one bin") }
        try requireMemory(bins: signal.count)
        try signal.withUnsafeBufferPointer { try Validate.finite($0, "signal") }
        for (name, values) in others {
            try Validate.length(values.count, equals: signal.count, name)
            try values.withUnsafeBufferPointer { try Validate.finite($0, name) }
        }
    }
}
