/// pyhf's `Workspace.prune`, and the one edit behind both `prune` and `rename` (pyhf's `_prune_and_rename`).
extension Workspace {
    /// What to remove and what to rename in one pass over the document.
    struct Edit {
        var pruneModifiers: [String] = []
        var pruneModifierTypes: [String] = []
        var pruneSamples: [String] = []
        var pruneChannels: [String] = []
        var pruneMeasurements: [String] = []
        var renameModifiers: [(old: String, new: String)] = []
        var renameSamples: [(old: String, new: String)] = []
        var renameChannels: [(old: String, new: String)] = []
        var renameMeasurements: [(old: String, new: String)] = []
    }

    /// A new workspace without the named modifiers, the modifiers of the named types, the named samples, channels
    /// (with their observations) and measurements, as pyhf 0.7.6's `Workspace.prune`.
    ///
    /// A measurement's parameter configs lose the pruned modifiers' names only: configs of modifiers that are gone
    /// because their type, sample or channel was pruned stay, as in pyhf.
    ///
    /// - Throws: `.invalidArgument` with pyhf's message ("x is not one of the modifiers in this workspace.") for a
    ///   name or type the workspace does not have; the errors of `Workspace(json:)` when what is left is not a
    ///   workspace (no channel, no measurement left).
    public func pruned(
        modifiers: [String] = [], modifierTypes: [String] = [], samples: [String] = [], channels: [String] = [],
        measurements: [String] = []
    ) throws -> Workspace {
        try edited(
            Edit(
                pruneModifiers: modifiers, pruneModifierTypes: modifierTypes, pruneSamples: samples,
                pruneChannels: channels, pruneMeasurements: measurements))
    }

    /// pyhf's `_prune_and_rename`: the names are checked first (types, modifiers, samples, channels, measurements,
    /// each kind pruned names before renamed ones), then the document is rebuilt with pyhf's member order.
    func edited(_ edit: Edit) throws -> Workspace {
        let modifierSummary = try modifierNamesAndTypes
        let types = Set(modifierSummary.map(\.type))
        for type in edit.pruneModifierTypes where !types.contains(type) {
            throw NeosError.invalidArgument("\(type) is not one of the modifier types in this workspace.")
        }
        let checks: [([String], Set<String>, String)] = [
            (edit.pruneModifiers + edit.renameModifiers.map(\.old), Set(modifierSummary.map(\.name)), "modifiers"),
            (edit.pruneSamples + edit.renameSamples.map(\.old), try sampleNames, "samples"),
            (edit.pruneChannels + edit.renameChannels.map(\.old), Set(spec.channels.map(\.name)), "channels"),
            (
                edit.pruneMeasurements + edit.renameMeasurements.map(\.old), Set(measurementNames),
                "measurements"
            ),
        ]
        for (names, known, what) in checks {
            for name in names where !known.contains(name) {
                throw NeosError.invalidArgument("\(name) is not one of the \(what) in this workspace.")
            }
        }
        let pruneModifiers = Set(edit.pruneModifiers)
        let pruneTypes = Set(edit.pruneModifierTypes)
        let pruneSamples = Set(edit.pruneSamples)
        let pruneChannels = Set(edit.pruneChannels)
        let pruneMeasurements = Set(edit.pruneMeasurements)
        let renameModifier = Self.renaming(edit.renameModifiers)
        let renameSample = Self.renaming(edit.renameSamples)
        let renameChannel = Self.renaming(edit.renameChannels)
        let renameMeasurement = Self.renaming(edit.renameMeasurements)

        var channels: [JSON] = []
        for channel in try topLevelItems("channels") {
            let name = try PythonJSON.name(channel)
            if pruneChannels.contains(name) { continue }
            var samples: [JSON] = []
            for sample in try channel.required("samples", at: "channel").items(at: "samples") {
                let sampleName = try PythonJSON.name(sample)
                if pruneSamples.contains(sampleName) { continue }
                var modifiers: [JSON] = []
                for modifier in try sample.required("modifiers", at: "sample").items(at: "modifiers") {
                    let modifierName = try PythonJSON.name(modifier)
                    let type = try modifier.required("type", at: "modifier").string(at: "type")
                    if pruneModifiers.contains(modifierName) || pruneTypes.contains(type) { continue }
                    modifiers.append(modifier.setting("name", to: .string(renameModifier(modifierName))))
                }
                samples.append(
                    .object([
                        JSON.Member(key: "name", value: .string(renameSample(sampleName))),
                        JSON.Member(key: "data", value: try sample.required("data", at: "sample")),
                        JSON.Member(key: "modifiers", value: .array(modifiers)),
                    ]))
            }
            channels.append(
                .object([
                    JSON.Member(key: "name", value: .string(renameChannel(name))),
                    JSON.Member(key: "samples", value: .array(samples)),
                ]))
        }
        var measurements: [JSON] = []
        for measurement in try topLevelItems("measurements") {
            let name = try PythonJSON.name(measurement)
            if pruneMeasurements.contains(name) { continue }
            let config = try measurement.required("config", at: "measurement")
            var parameters: [JSON] = []
            for parameter in try config.required("parameters", at: "config").items(at: "parameters") {
                let parameterName = try PythonJSON.name(parameter)
                if pruneModifiers.contains(parameterName) { continue }
                parameters.append(parameter.setting("name", to: .string(renameModifier(parameterName))))
            }
            let poi = try config.required("poi", at: "config").string(at: "poi")
            measurements.append(
                .object([
                    JSON.Member(key: "name", value: .string(renameMeasurement(name))),
                    JSON.Member(
                        key: "config",
                        value: .object([
                            JSON.Member(key: "parameters", value: .array(parameters)),
                            JSON.Member(key: "poi", value: .string(renameModifier(poi))),
                        ])),
                ]))
        }
        var observations: [JSON] = []
        for observation in try topLevelItems("observations") {
            let name = try PythonJSON.name(observation)
            if pruneChannels.contains(name) { continue }
            observations.append(observation.setting("name", to: .string(renameChannel(name))))
        }
        return try Self.checked(
            .object([
                JSON.Member(key: "channels", value: .array(channels)),
                JSON.Member(key: "measurements", value: .array(measurements)),
                JSON.Member(key: "observations", value: .array(observations)),
                JSON.Member(key: "version", value: .string(try version)),
            ]))
    }

    /// A lookup `old → new` (a name not renamed maps to itself); of repeated old names the last pair counts, as
    /// in a Python dict built from the pairs.
    static func renaming(_ pairs: [(old: String, new: String)]) -> (String) -> String {
        var map: [String: String] = [:]
        for pair in pairs { map[pair.old] = pair.new }
        return { map[$0] ?? $0 }
    }
}
