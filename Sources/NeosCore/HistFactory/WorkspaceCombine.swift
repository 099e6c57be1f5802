/// How `Workspace.combine` joins the two workspaces' lists of named items (pyhf's `Workspace.valid_joins`).
public enum WorkspaceJoin: String, Sendable, CaseIterable {
    /// Everything of both sides; a name on both sides is an error.
    case none = "none"
    /// Everything of both sides, an item equal on both sides once; a name on both sides with differing items is an
    /// error, and measurements of one name (and POI) are merged.
    case outer = "outer"
    /// The left side's items, then the right side's items of names the left does not have.
    case leftOuter = "left outer"
    /// The right side's items, then the left side's items of names the right does not have.
    case rightOuter = "right outer"

    /// pyhf's `Workspace.valid_joins` as Python prints it, for messages.
    static var validJoins: String { PythonJSON.list(allCases.map(\.rawValue)) }
}

/// pyhf's `Workspace.combine`.
extension Workspace {
    /// The combination of two workspaces, as pyhf 0.7.6's `Workspace.combine(left, right, join, merge_channels)`:
    /// channels, observations and measurements joined by `join` (checked in that order, after the versions).
    /// `mergeChannels` (outer joins only) merges the samples of channels of one name, the primary side's samples
    /// first and the other side's samples of new names after them. Under an `outer` join, two measurements of one
    /// name must have the same POI, and their parameter configs are joined (`outer`, a name with two differing
    /// configs is an error).
    ///
    /// - Throws: `.invalidArgument` with pyhf's messages: `mergeChannels` with join `none`; workspaces of different
    ///   versions; names in common (join `none`); incompatible structure, POI or parameter configs (join `outer`).
    ///   The errors of `Workspace(json:)` when the combination is not a workspace.
    public static func combine(
        _ left: Workspace, _ right: Workspace, join: WorkspaceJoin = .none, mergeChannels: Bool = false
    ) throws -> Workspace {
        if mergeChannels && join == .none {
            throw NeosError.invalidArgument(
                "You can only merge channels using the 'outer', 'left outer', or 'right outer' join operations; not \(join.rawValue)"
            )
        }
        let leftVersion = try left.version
        let rightVersion = try right.version
        guard leftVersion == rightVersion else {
            throw NeosError.invalidArgument(
                "Workspaces of different versions cannot be combined: \(leftVersion) != \(rightVersion)")
        }
        let channels = try joinNamed(
            join, try left.topLevelItems("channels"), try right.topLevelItems("channels"), "channels",
            deepMergeKey: mergeChannels ? "samples" : nil)
        let observations = try joinNamed(
            join, try left.topLevelItems("observations"), try right.topLevelItems("observations"), "observations")
        let measurements = try joinMeasurements(
            join, try left.topLevelItems("measurements"), try right.topLevelItems("measurements"))
        return try checked(
            .object([
                JSON.Member(key: "channels", value: .array(channels)),
                JSON.Member(key: "measurements", value: .array(measurements)),
                JSON.Member(key: "observations", value: .array(observations)),
                JSON.Member(key: "version", value: .string(leftVersion)),
            ]))
    }

    /// pyhf's `_join_items` on lists of objects keyed by their member `key`: the primary side's items (the right
    /// one for `rightOuter`), then each item of the other side that the join keeps; with `deepMergeKey`, an item
    /// whose key the primary side has merges its `deepMergeKey` list into the first such item by a `leftOuter`
    /// join (of items keyed by "name", whatever `key` is, as pyhf) instead. Keys and items compare as Python compares the values `json.loads` gives.
    ///
    /// - Throws: `.invalidArgument` for an item that is not an object with `key` (or whose `deepMergeKey` is not
    ///   a list when it is to be merged).
    public static func joinItems(
        _ join: WorkspaceJoin, _ left: [JSON], _ right: [JSON], key: String = "name", deepMergeKey: String? = nil
    ) throws -> [JSON] {
        func keyOf(_ item: JSON) throws -> JSON {
            guard let value = item[key] else {
                throw NeosError.invalidArgument(
                    "an item to join has no member \"\(key)\": \(JSONPatch.abbreviate(item))")
            }
            return value
        }
        func list(_ item: JSON, _ member: String) throws -> [JSON] {
            guard case .array(let items)? = item[member] else {
                throw NeosError.invalidArgument(
                    "an item to merge has no list \"\(member)\": \(JSONPatch.abbreviate(item))")
            }
            return items
        }
        let (primary, secondary) = join == .rightOuter ? (right, left) : (left, right)
        var joined = primary
        let keys = try primary.map(keyOf)
        for item in secondary {
            let itemKey = try keyOf(item)
            let target = keys.firstIndex { PythonJSON.equal($0, itemKey) }
            if let deepMergeKey, let target {
                let merged = try joinItems(
                    .leftOuter, try list(joined[target], deepMergeKey), try list(item, deepMergeKey))
                joined[target] = joined[target].setting(deepMergeKey, to: .array(merged))
                continue
            }
            switch join {
            case .none: joined.append(item)
            case .outer:
                if !primary.contains(where: { PythonJSON.equal($0, item) }) { joined.append(item) }
            case .leftOuter, .rightOuter:
                if target == nil { joined.append(item) }
            }
        }
        return joined
    }

    /// Channels or observations (pyhf's `_join_channels`, `_join_observations`): join `none` refuses any name on
    /// both sides, join `outer` a name left twice after the join.
    static func joinNamed(
        _ join: WorkspaceJoin, _ left: [JSON], _ right: [JSON], _ what: String, deepMergeKey: String? = nil
    ) throws -> [JSON] {
        let joined = try joinItems(join, left, right, deepMergeKey: deepMergeKey)
        switch join {
        case .none:
            let rightNames = Set(try right.map(PythonJSON.name))
            let common = PythonJSON.unique(try left.map(PythonJSON.name).filter(rightNames.contains))
            if !common.isEmpty {
                throw NeosError.invalidArgument(
                    "Workspaces cannot have any \(what) in common with the same name: \(PythonJSON.set(common)). You can also try a different join operation: \(WorkspaceJoin.validJoins)."
                )
            }
        case .outer:
            let repeated = try PythonJSON.repeatedNames(joined)
            if !repeated.isEmpty {
                throw NeosError.invalidArgument(
                    "Workspaces cannot have \(what) in common with incompatible structure: \(PythonJSON.list(repeated)). You can also try a different join operation: \(WorkspaceJoin.validJoins)."
                )
            }
        case .leftOuter, .rightOuter: break
        }
        return joined
    }

    /// pyhf's `_join_parameter_configs`: the `outer` join of two measurements' parameter configs, refusing a
    /// name left twice (two differing configs of one parameter) with a message naming the measurement.
    static func joinParameterConfigs(_ measurement: String, _ left: [JSON], _ right: [JSON]) throws -> [JSON] {
        let parameters = try joinItems(.outer, left, right)
        let repeated = try PythonJSON.repeatedNames(parameters)
        if !repeated.isEmpty {
            throw NeosError.invalidArgument(
                "Workspaces cannot have a measurement (\(measurement)) with incompatible parameter configs: \(PythonJSON.list(repeated)). You can also try a different join operation: \(WorkspaceJoin.validJoins)."
            )
        }
        return parameters
    }

    /// One of the joins `combine` makes, on lists given as JSON arrays: `list` is "channels" (merged when
    /// `mergeChannels`), "observations", "measurements" or "parameters" (the parameter configs of the
    /// measurement `measurementName`, always an `outer` join), as pyhf's `_join_channels`, `_join_observations`,
    /// `_join_measurements` and `_join_parameter_configs`.
    ///
    /// - Throws: `.invalidArgument` for another `list`, lists that are not arrays of named objects, and the
    ///   refusals of `combine`.
    public static func joinList(
        _ list: String, _ join: WorkspaceJoin, _ left: JSON, _ right: JSON, mergeChannels: Bool = false,
        measurementName: String = ""
    ) throws -> [JSON] {
        func items(_ value: JSON, _ side: String) throws -> [JSON] {
            guard case .array(let items) = value else {
                throw NeosError.invalidArgument("\(side): expected a JSON array, got \(value.kindName)")
            }
            for (index, item) in items.enumerated() where item["name"]?.kindName != "a string" {
                throw NeosError.invalidArgument("\(side)[\(index)]: expected an object with a string \"name\"")
            }
            return items
        }
        let (leftItems, rightItems) = (try items(left, "left"), try items(right, "right"))
        switch list {
        case "channels":
            return try joinNamed(join, leftItems, rightItems, "channels", deepMergeKey: mergeChannels ? "samples" : nil)
        case "observations": return try joinNamed(join, leftItems, rightItems, "observations")
        case "measurements": return try joinMeasurements(join, leftItems, rightItems)
        case "parameters": return try joinParameterConfigs(measurementName, leftItems, rightItems)
        default:
            throw NeosError.invalidArgument(
                "list is \"\(list)\"; expected \"channels\", \"observations\", \"measurements\" or \"parameters\"")
        }
    }

    /// pyhf's `_join_measurements`: as `joinNamed` for join `none`; for join `outer`, the measurements of one name
    /// (in order of first appearance) must share their POI and are merged into one whose parameter configs are
    /// the `outer` join of theirs.
    static func joinMeasurements(_ join: WorkspaceJoin, _ left: [JSON], _ right: [JSON]) throws -> [JSON] {
        guard join == .outer else { return try joinNamed(join, left, right, "measurements") }
        let joined = try joinItems(join, left, right)
        var order: [String] = []
        var groups: [String: [JSON]] = [:]
        for measurement in joined {
            let name = try PythonJSON.name(measurement)
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(measurement)
        }
        func config(_ measurement: JSON) throws -> JSON { try measurement.required("config", at: "measurement") }
        func poi(_ measurement: JSON) throws -> String {
            try config(measurement).required("poi", at: "config").string(at: "poi")
        }
        var incompatible: [String] = []
        for name in order where Set(try groups[name]!.map(poi)).count > 1 { incompatible.append(name) }
        if !incompatible.isEmpty {
            throw NeosError.invalidArgument(
                "Workspaces cannot have the same measurements with incompatible POI: \(PythonJSON.list(incompatible))."
            )
        }
        var out: [JSON] = []
        for name in order {
            let group = groups[name]!
            guard group.count > 1 else {
                out.append(group[0])
                continue
            }
            // pyhf joins exactly two lists here; more than two (a name repeated within one side) are joined in turn.
            var parameters = try config(group[0]).required("parameters", at: "config").items(at: "parameters")
            for other in group.dropFirst() {
                parameters = try joinParameterConfigs(
                    name, parameters, try config(other).required("parameters", at: "config").items(at: "parameters"))
            }
            out.append(
                .object([
                    JSON.Member(key: "name", value: .string(name)),
                    JSON.Member(
                        key: "config",
                        value: .object([
                            JSON.Member(key: "poi", value: .string(try poi(group[0]))),
                            JSON.Member(key: "parameters", value: .array(parameters)),
                        ])),
                ]))
        }
        return out
    }
}
