/// The seven HistFactory modifier types. `allCases` is pyhf's type-group order for `par_order`.
public enum ModifierType: String, Sendable, CaseIterable, Comparable {
    case histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror

    /// Orders types by their JSON names.
    public static func < (a: ModifierType, b: ModifierType) -> Bool { a.rawValue < b.rawValue }
}

/// A model specification (`{"channels": [...], "parameters": [...]}`) checked for shape and local consistency.
/// Every element remembers its JSON path for later error messages. Global checks (shared parameters, masks,
/// POI, user parameter settings) happen when the `Model` is built.
struct ModelSpec: Sendable {
    enum ModifierData: Sendable, Equatable {
        case none
        case normsys(hi: Double, lo: Double)
        case histosys(hi: [Double], lo: [Double])
        case uncertainties([Double])
    }

    struct Modifier: Sendable {
        var name: String
        var type: ModifierType
        var data: ModifierData
        var path: String
    }

    struct Sample: Sendable {
        var name: String
        var data: [Double]
        var modifiers: [Modifier]
        var path: String
    }

    struct Channel: Sendable {
        var name: String
        var samples: [Sample]
        var path: String
        var binCount: Int { samples[0].data.count }
    }

    struct ParameterConfig: Sendable {
        var name: String
        var inits: [Double]?
        var bounds: [(lower: Double, upper: Double)]?
        var auxdata: [Double]?
        var factors: [Double]?
        var sigmas: [Double]?
        var fixed: Bool?
        var path: String
    }

    var channels: [Channel]
    var parameters: [ParameterConfig]

    init(channels: [Channel], parameters: [ParameterConfig]) {
        self.channels = channels
        self.parameters = parameters
    }

    /// Reads a model spec object. `parametersPath` is where the parameter configs live in the original document
    /// (`parameters` for a model spec, `measurements[i].config.parameters` for a workspace).
    init(modelJSON json: JSON, path: String = "", parametersPath: String? = nil) throws {
        _ = try json.members(at: path, allowed: ["channels", "parameters"])
        try self.init(
            channelsJSON: try json.required("channels", at: path), channelsPath: JSONPath.key(path, "channels"),
            parametersJSON: json["parameters"], parametersPath: parametersPath ?? JSONPath.key(path, "parameters"))
    }

    init(
        channelsJSON: JSON, channelsPath: String, parametersJSON: JSON?, parametersPath: String,
        checkChannels: Bool = true
    ) throws {
        var channels: [Channel] = []
        var channelIndex: [String: Int] = [:]
        let channelItems = checkChannels ? try channelsJSON.items(at: channelsPath, nonEmpty: true) : []
        for (ci, channelJSON) in channelItems.enumerated() {
            let cpath = JSONPath.index(channelsPath, ci)
            let channel = try ModelSpec.readChannel(channelJSON, path: cpath)
            if let previous = channelIndex[channel.name] {
                throw NeosError(
                    .model,
                    "\(cpath).name: duplicate channel \"\(channel.name)\" (already defined at \(channels[previous].path))"
                )
            }
            channelIndex[channel.name] = channels.count
            channels.append(channel)
        }
        var parameters: [ParameterConfig] = []
        if let parametersJSON {
            var seen: [String: String] = [:]
            for (pi, parameterJSON) in try parametersJSON.items(at: parametersPath).enumerated() {
                let ppath = JSONPath.index(parametersPath, pi)
                let config = try ModelSpec.readParameter(parameterJSON, path: ppath)
                if let previous = seen[config.name] {
                    throw NeosError(
                        .model,
                        "\(ppath).name: multiple parameter configurations for \"\(config.name)\" (also at \(previous))")
                }
                seen[config.name] = ppath
                parameters.append(config)
            }
        }
        self.channels = channels
        self.parameters = parameters
    }

    static func readChannel(_ json: JSON, path: String) throws -> Channel {
        _ = try json.members(at: path, allowed: ["name", "samples"])
        let name = try json.required("name", at: path).string(at: JSONPath.key(path, "name"))
        let samplesPath = JSONPath.key(path, "samples")
        let samplesJSON = try json.required("samples", at: path).items(at: samplesPath, nonEmpty: true)
        var samples: [Sample] = []
        var sampleIndex: [String: Int] = [:]
        for (si, sampleJSON) in samplesJSON.enumerated() {
            let spath = JSONPath.index(samplesPath, si)
            let binCount = samples.first?.data.count
            let sample = try readSample(sampleJSON, path: spath, binCount: binCount, channelPath: path)
            if let previous = sampleIndex[sample.name] {
                throw NeosError(
                    .model,
                    "\(spath).name: duplicate sample \"\(sample.name)\" in channel \"\(name)\" (already at \(samples[previous].path))"
                )
            }
            sampleIndex[sample.name] = samples.count
            samples.append(sample)
        }
        return Channel(name: name, samples: samples, path: path)
    }

    static func readSample(_ json: JSON, path: String, binCount: Int?, channelPath: String) throws -> Sample {
        _ = try json.members(at: path, allowed: ["name", "data", "modifiers"])
        let name = try json.required("name", at: path).string(at: JSONPath.key(path, "name"))
        let dataJSON = try json.required("data", at: path)
        let data = try dataJSON.numbers(
            at: JSONPath.key(path, "data"), count: binCount,
            countReason: " (every sample of \(channelPath) needs the bin count of its samples[0])")
        let modifiersPath = JSONPath.key(path, "modifiers")
        let modifiersJSON = try json.required("modifiers", at: path).items(at: modifiersPath)
        var modifiers: [Modifier] = []
        for (mi, modifierJSON) in modifiersJSON.enumerated() {
            let mpath = JSONPath.index(modifiersPath, mi)
            let modifier = try readModifier(modifierJSON, path: mpath, binCount: data.count)
            if let previous = modifiers.first(where: { $0.name == modifier.name && $0.type == modifier.type }) {
                throw NeosError(
                    .model,
                    "\(mpath): duplicate \(modifier.type.rawValue) modifier \"\(modifier.name)\" in sample \"\(name)\" (already at \(previous.path))"
                )
            }
            modifiers.append(modifier)
        }
        return Sample(name: name, data: data, modifiers: modifiers, path: path)
    }

    static func readModifier(_ json: JSON, path: String, binCount: Int) throws -> Modifier {
        _ = try json.members(at: path, allowed: ["name", "type", "data"])
        let name = try json.required("name", at: path).string(at: JSONPath.key(path, "name"))
        let typeName = try json.required("type", at: path).string(at: JSONPath.key(path, "type"))
        guard let type = ModifierType(rawValue: typeName) else {
            // pyhf's schema lists the types, so the document has the wrong shape; the modifier is also one that
            // cannot be built (pyhf's InvalidModifier when validation is off): the reason says which.
            throw NeosError(
                .parse,
                "\(path).type: unknown modifier type \"\(typeName)\" (expected one of histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror)",
                reason: .invalidModifier
            )
        }
        let dataPath = JSONPath.key(path, "data")
        let dataJSON = try json.required("data", at: path)
        let data: ModifierData
        switch type {
        case .normfactor, .shapefactor, .lumi:
            guard dataJSON == .null else {
                throw NeosError(.parse, "\(dataPath): a \(typeName) modifier has data null, got \(dataJSON.kindName)")
            }
            if type == .lumi && name != "lumi" {
                throw NeosError(.model, "\(path).name: a lumi modifier must be named \"lumi\", got \"\(name)\"")
            }
            data = .none
        case .normsys:
            _ = try dataJSON.members(at: dataPath, allowed: ["hi", "lo"])
            guard dataJSON["hi"] != nil, dataJSON["lo"] != nil else {
                throw NeosError(.parse, "\(dataPath): a normsys modifier needs both \"hi\" and \"lo\"")
            }
            let hi = try dataJSON["hi"]!.number(at: JSONPath.key(dataPath, "hi"))
            let lo = try dataJSON["lo"]!.number(at: JSONPath.key(dataPath, "lo"))
            data = .normsys(hi: hi, lo: lo)
        case .histosys:
            _ = try dataJSON.members(at: dataPath, allowed: ["hi_data", "lo_data"])
            let hi = try binWiseNumbers(
                dataJSON.required("hi_data", at: dataPath), at: JSONPath.key(dataPath, "hi_data"), binCount: binCount)
            let lo = try binWiseNumbers(
                dataJSON.required("lo_data", at: dataPath), at: JSONPath.key(dataPath, "lo_data"), binCount: binCount)
            data = .histosys(hi: hi, lo: lo)
        case .shapesys, .staterror:
            data = .uncertainties(try binWiseNumbers(dataJSON, at: dataPath, binCount: binCount))
        }
        return Modifier(name: name, type: type, data: data, path: path)
    }

    /// The numbers of a bin-wise modifier's data (staterror, shapesys, histosys hi_data / lo_data): one per bin of
    /// the sample. A wrong count is a modifier that cannot be built (reason `.invalidModifier`); an empty array
    /// is also outside pyhf's schema (at least one number), so it is a `.parse` error with that reason.
    static func binWiseNumbers(_ json: JSON, at path: String, binCount: Int) throws -> [Double] {
        if case .array(let items) = json, items.count != binCount {
            throw NeosError(
                items.isEmpty ? .parse : .model,
                "\(path): expected \(binCount) numbers, got \(items.count) (one per bin of the sample)",
                reason: .invalidModifier)
        }
        return try json.numbers(at: path)
    }

    static func readParameter(_ json: JSON, path: String) throws -> ParameterConfig {
        _ = try json.members(
            at: path, allowed: ["name", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed"])
        let name = try json.required("name", at: path).string(at: JSONPath.key(path, "name"))
        var config = ParameterConfig(name: name, path: path)
        if let value = json["inits"] { config.inits = try value.numbers(at: JSONPath.key(path, "inits")) }
        if let value = json["auxdata"] { config.auxdata = try value.numbers(at: JSONPath.key(path, "auxdata")) }
        if let value = json["factors"] { config.factors = try value.numbers(at: JSONPath.key(path, "factors")) }
        if let value = json["sigmas"] { config.sigmas = try value.numbers(at: JSONPath.key(path, "sigmas")) }
        if let value = json["fixed"] { config.fixed = try value.bool(at: JSONPath.key(path, "fixed")) }
        if let value = json["bounds"] {
            let bpath = JSONPath.key(path, "bounds")
            var bounds: [(lower: Double, upper: Double)] = []
            for (bi, pair) in try value.items(at: bpath, nonEmpty: true).enumerated() {
                let pairPath = JSONPath.index(bpath, bi)
                let numbers = try pair.numbers(at: pairPath)
                guard numbers.count == 2 else {
                    throw NeosError(.model, "\(pairPath): expected [lower, upper], got \(numbers.count) numbers")
                }
                guard numbers[0] <= numbers[1] else {
                    throw NeosError(.model, "\(pairPath): lower bound \(numbers[0]) is above upper bound \(numbers[1])")
                }
                bounds.append((numbers[0], numbers[1]))
            }
            config.bounds = bounds
        }
        return config
    }
}

extension ModelSpec.ParameterConfig {
    init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
