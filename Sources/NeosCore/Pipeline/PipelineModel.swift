/// Where the network's histograms enter a HistFactory model: a template model whose named inputs are
/// overwritten by the yields of event sets, every step, through `Model.withInputs` (no JSON, no rebuild).
///
/// Two ways to make one:
/// - ``neos(bins:interpolation:)``: neos's model, channel "singlechannel", sample "signal" × normfactor "mu" and
///   sample "background" with histosys "correlated_bkg_uncertainty" from `bkg_up`/`bkg_down` (code4p by default);
/// - ``workspace(_:measurement:replacements:modifierSettings:)``: a user's pyhf workspace, in which named samples'
///   nominal (and histosys hi/lo) histograms are replaced by event-set yields, keeping all other modifiers.
public struct PipelineModel: Sendable {
    /// Which event set's yields overwrite one sample's nominal, and which overwrite its histosys variations.
    public struct Replacement: Sendable, Equatable {
        /// The channel of the sample to replace.
        public var channel: String
        /// The sample whose nominal histogram is replaced.
        public var sample: String
        /// The event set whose yields become the nominal histogram.
        public var nominal: String
        /// Per histosys modifier of the sample: its name and the event sets whose yields become its hi and lo histograms.
        public var histosys: [(modifier: String, hi: String, lo: String)]

        /// A replacement; by default the sample's histosys modifiers keep their histograms.
        public init(
            channel: String, sample: String, nominal: String,
            histosys: [(modifier: String, hi: String, lo: String)] = []
        ) {
            self.channel = channel
            self.sample = sample
            self.nominal = nominal
            self.histosys = histosys
        }

        /// Field-by-field equality (tuples are not `Equatable`, so the histosys entries are compared as string triples).
        public static func == (a: Replacement, b: Replacement) -> Bool {
            a.channel == b.channel && a.sample == b.sample && a.nominal == b.nominal
                && a.histosys.map { [$0.modifier, $0.hi, $0.lo] } == b.histosys.map { [$0.modifier, $0.hi, $0.lo] }
        }
    }

    /// One block of model inputs (one per bin) filled from one event set's yields.
    struct Assignment: Sendable {
        var eventSet: String
        var inputIndices: [Int]
    }

    /// The model whose replaced inputs are overwritten; all its other inputs are kept.
    public let template: Model
    /// The bins of every replaced histogram: each yield vector has this length.
    public let binCount: Int
    let assignments: [Assignment]

    /// The event sets the model reads, in first-use order.
    public var eventSetNames: [String] {
        var seen: [String] = []
        for a in assignments where !seen.contains(a.eventSet) { seen.append(a.eventSet) }
        return seen
    }

    init(template: Model, binCount: Int, replacements: [Replacement]) throws {
        let names = template.inputs().names
        var position: [String: Int] = [:]
        for (i, name) in names.enumerated() { position[name] = i }
        func indices(_ prefix: String, what: String) throws -> [Int] {
            try (0..<binCount).map { bin in
                guard let index = position["\(prefix)[\(bin)]"] else {
                    throw NeosError(
                        .model,
                        "\(what): the model has no input \"\(prefix)[\(bin)]\" (is the channel \(binCount) bins wide, and does the sample carry that modifier?)"
                    )
                }
                return index
            }
        }
        var assignments: [Assignment] = []
        for r in replacements {
            let base = "\(r.channel)/\(r.sample)"
            assignments.append(
                Assignment(eventSet: r.nominal, inputIndices: try indices("\(base)/nominal", what: "sample \(base)")))
            for h in r.histosys {
                let what = "histosys \(h.modifier) of \(base)"
                assignments.append(
                    Assignment(
                        eventSet: h.hi, inputIndices: try indices("\(base)/histosys/\(h.modifier)/hi", what: what)))
                assignments.append(
                    Assignment(
                        eventSet: h.lo, inputIndices: try indices("\(base)/histosys/\(h.modifier)/lo", what: what)))
            }
        }
        guard !assignments.isEmpty else {
            throw NeosError(.model, "no sample of the model is replaced by network histograms")
        }
        self.template = template
        self.binCount = binCount
        self.assignments = assignments
    }

    /// neos's model with `bins` bins (the event sets are `sig`, `bkg_nominal`, `bkg_up`, `bkg_down`);
    /// `unconstrained` as for ``workspace(_:measurement:replacements:bins:modifierSettings:unconstrained:)``.
    public static func neos(
        bins: Int, interpolation: HistosysInterpolation = .code4p, unconstrained: [String] = []
    ) throws -> PipelineModel {
        guard bins >= 1 else { throw NeosError.invalidArgument("the model needs at least one bin, got \(bins)") }
        let ones = "[" + Array(repeating: "1", count: bins).joined(separator: ",") + "]"
        let spec = """
            {"channels": [{"name": "singlechannel", "samples": [
              {"name": "signal", "data": \(ones), "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
              {"name": "background", "data": \(ones), "modifiers": [{"name": "correlated_bkg_uncertainty", "type": "histosys",
                "data": {"hi_data": \(ones), "lo_data": \(ones)}}]}]}]}
            """
        let model = try Model(
            spec: spec, poiName: "mu", modifierSettings: ModifierSettings(normsys: .code4, histosys: interpolation),
            unconstrained: unconstrained)
        return try PipelineModel(
            template: model, binCount: bins,
            replacements: [
                Replacement(channel: "singlechannel", sample: "signal", nominal: "sig"),
                Replacement(
                    channel: "singlechannel", sample: "background", nominal: "bkg_nominal",
                    histosys: [("correlated_bkg_uncertainty", "bkg_up", "bkg_down")]),
            ])
    }

    /// A user's workspace as the template. Every replaced channel must have `bins` bins. The parameters named in
    /// `unconstrained` lose their constraint terms and auxdata (an extension of HistFactory for INFERNO's free
    /// nuisances, ModelUnconstrained.swift), so every fit, Fisher information and loss of the pipeline sees them
    /// free.
    public static func workspace(
        _ workspace: Workspace, measurement: String? = nil, replacements: [Replacement], bins: Int,
        modifierSettings: ModifierSettings? = nil, unconstrained: [String] = []
    ) throws -> PipelineModel {
        let model = try workspace.model(
            measurementName: measurement, modifierSettings: modifierSettings, unconstrained: unconstrained)
        guard model.poiIndex != nil else {
            throw NeosError(.model, "the workspace's measurement has no parameter of interest")
        }
        return try PipelineModel(template: model, binCount: bins, replacements: replacements)
    }

    /// The model whose replaced inputs are `yields[eventSet]` (each `binCount` long).
    public func model(yields: [String: [Double]]) throws -> Model {
        var inputs = template.inputs().values
        for a in assignments {
            guard let values = yields[a.eventSet] else {
                throw NeosError.invalidArgument("no yields for event set \"\(a.eventSet)\"")
            }
            try Validate.length(values.count, equals: binCount, "yields of \(a.eventSet)")
            for (bin, index) in a.inputIndices.enumerated() { inputs[index] = values[bin] }
        }
        return try template.withInputs(inputs)
    }

    /// Folds a gradient with respect to the model's inputs back onto the event sets' yields.
    public func yieldGradient(inputGradient: [Double]) -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        for a in assignments {
            var g = out[a.eventSet] ?? [Double](repeating: 0, count: binCount)
            for (bin, index) in a.inputIndices.enumerated() { g[bin] += inputGradient[index] }
            out[a.eventSet] = g
        }
        return out
    }
}
