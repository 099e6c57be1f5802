/// A pyhf workspace (schema 1.0.0): channels, observations, measurements.
public struct Workspace: Sendable {
    /// The whole document as given (member order kept), which the workspace operations edit.
    let document: JSON
    let channelsJSON: JSON
    let spec: ModelSpec
    let observations: [String: (data: [Double], path: String)]
    let measurements: [(name: String, poi: String, parametersJSON: JSON, path: String)]
    /// The checked parameter configs of each measurement.
    let measurementParameters: [[ModelSpec.ParameterConfig]]

    /// Parses and checks the whole workspace; errors name the JSON path.
    ///
    /// With `observationsRequired` false a channel may have no observation, as pyhf's schema allows (pyhf's
    /// `Workspace.data` then fails, as `data(model:)` does). An observation's length is checked by `data(model:)`,
    /// when the data are used, as pyhf does.
    public init(json: String, observationsRequired: Bool = true) throws {
        try self.init(document: try JSON.parse(json), observationsRequired: observationsRequired)
    }

    init(document: JSON, observationsRequired: Bool = true) throws {
        _ = try document.members(at: "", allowed: ["channels", "measurements", "observations", "version"])
        let version = try document.required("version", at: "").string(at: "version")
        try SchemaVersion.check(version, kind: "workspace")
        self.document = document
        channelsJSON = try document.required("channels", at: "")
        // measurements
        var measurements: [(name: String, poi: String, parametersJSON: JSON, path: String)] = []
        var measurementParameters: [[ModelSpec.ParameterConfig]] = []
        let measurementItems = try document.required("measurements", at: "").items(at: "measurements", nonEmpty: true)
        for (i, item) in measurementItems.enumerated() {
            let path = JSONPath.index("measurements", i)
            _ = try item.members(at: path, allowed: ["name", "config"])
            let name = try item.required("name", at: path).string(at: path + ".name")
            let config = try item.required("config", at: path)
            let configPath = path + ".config"
            _ = try config.members(at: configPath, allowed: ["poi", "parameters"])
            let poi = try config.required("poi", at: configPath).string(at: configPath + ".poi")
            let parameters = try config.required("parameters", at: configPath)
            // check the parameter configs now, so a bad one is reported when the workspace is loaded
            let checked = try ModelSpec(
                channelsJSON: .array([]), channelsPath: "", parametersJSON: parameters,
                parametersPath: configPath + ".parameters",
                checkChannels: false)
            measurements.append((name, poi, parameters, path))
            measurementParameters.append(checked.parameters)
        }
        self.measurements = measurements
        self.measurementParameters = measurementParameters
        spec = try ModelSpec(
            channelsJSON: channelsJSON, channelsPath: "channels", parametersJSON: nil, parametersPath: "")
        // observations
        var observations: [String: (data: [Double], path: String)] = [:]
        let observationItems = try document.required("observations", at: "").items(at: "observations", nonEmpty: true)
        for (i, item) in observationItems.enumerated() {
            let path = JSONPath.index("observations", i)
            _ = try item.members(at: path, allowed: ["name", "data"])
            let name = try item.required("name", at: path).string(at: path + ".name")
            let data = try item.required("data", at: path).numbers(at: path + ".data")
            if let previous = observations[name] {
                throw NeosError(
                    .model, "\(path).name: duplicate observation for channel \"\(name)\" (already at \(previous.path))")
            }
            observations[name] = (data, path)
        }
        for channel in spec.channels {
            guard observations[channel.name] != nil else {
                if !observationsRequired { continue }
                throw NeosError(
                    .model, "observations: no observation for channel \"\(channel.name)\" (\(channel.path))")
            }
            // An observation of another length than its channel is refused when the data are used (`data(model:)`),
            // not here: pyhf reads such a workspace and builds its models, and fails only when the data are asked for.
        }
        self.observations = observations
    }

    /// The measurements' names, in document order.
    public var measurementNames: [String] { measurements.map(\.name) }

    /// Channel names sorted as pyhf (by code point).
    public var channelNames: [String] { spec.channels.map(\.name).sorted(by: codePointLess) }

    /// The POI of a measurement (nil name: the first measurement).
    public func poi(measurementName: String? = nil) throws -> String {
        try measurement(measurementName).poi
    }

    func measurementIndex(_ name: String?) throws -> Int {
        guard let name else { return 0 }
        guard let found = measurements.firstIndex(where: { $0.name == name }) else {
            throw NeosError(
                .invalidArgument,
                "measurement \"\(name)\" not found in the workspace (measurements: \(measurements.map { "\"\($0.name)\"" }.joined(separator: ", ")))"
            )
        }
        return found
    }

    func measurement(_ name: String?) throws -> (name: String, poi: String, parametersJSON: JSON, path: String) {
        measurements[try measurementIndex(name)]
    }

    /// pyhf's `Workspace.model`: the spec `{"channels": ws.channels, "parameters": measurement.config.parameters}`
    /// with `patches` (each a JSON text of a jsonpatch array) applied in order, and the measurement's POI.
    /// `unconstrained`: parameters whose constraint terms and auxdata are dropped, an extension of HistFactory
    /// (ModelUnconstrained.swift); empty, the model is pyhf's.
    ///
    /// - Throws: `NeosError` for a missing measurement, a failing patch or an invalid model, and of kind `.model`
    ///   for an `unconstrained` name that is not a constrained parameter of the model.
    public func model(
        measurementName: String? = nil, modifierSettings: ModifierSettings? = nil, patches: [String] = [],
        unconstrained: [String] = []
    ) throws -> Model {
        try model(
            measurementName: measurementName, modifierSettings: modifierSettings,
            patchDocuments: try patches.map { try JSON.parse($0) }, unconstrained: unconstrained)
    }

    /// ``model(measurementName:modifierSettings:patches:unconstrained:)`` with the patches already parsed (a grid's
    /// points, which come parsed from their patchset).
    func model(
        measurementName: String?, modifierSettings: ModifierSettings?, patchDocuments: [JSON],
        unconstrained: [String] = []
    ) throws -> Model {
        let index = try measurementIndex(measurementName)
        let measurement = measurements[index]
        let spec: ModelSpec
        if patchDocuments.isEmpty {
            spec = ModelSpec(channels: self.spec.channels, parameters: measurementParameters[index])
        } else {
            var modelJSON = JSON.object([
                JSON.Member(key: "channels", value: channelsJSON),
                JSON.Member(key: "parameters", value: measurement.parametersJSON),
            ])
            for (i, patch) in patchDocuments.enumerated() {
                modelJSON = try JSONPatch.apply(patch, to: modelJSON, label: "patches[\(i)]")
            }
            spec = try ModelSpec(modelJSON: modelJSON, path: "", parametersPath: nil)
        }
        return try Model(
            spec: spec, poiName: measurement.poi, modifierSettings: modifierSettings, unconstrained: unconstrained)
    }

    /// Observations in the model's channel order, then (optionally) the model's auxdata.
    public func data(model: Model, includeAuxdata: Bool = true) throws -> [Double] {
        var out: [Double] = []
        for (c, name) in model.channels.enumerated() {
            guard let observation = observations[name] else {
                throw NeosError(.model, "observations: no observation for channel \"\(name)\" of the model")
            }
            guard observation.data.count == model.channelBinCounts[c] else {
                throw NeosError(
                    .model,
                    "\(observation.path).data: expected \(model.channelBinCounts[c]) numbers (the bin count of channel \"\(name)\" in the model), got \(observation.data.count)"
                )
            }
            out += observation.data
        }
        if includeAuxdata { out += model.auxdata }
        return out
    }
}
