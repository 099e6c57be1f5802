import CNeos
import NeosCore

/// The most names one list argument of a workspace operation may hold: far more than any workspace has items,
/// and small enough that a wrong length is refused before the array is read.
let maximumNameCount = 1 << 20

/// A caller's array of `n` NUL-terminated strings (NULL allowed when `n` is 0), its length checked before any
/// element is read. `name` is the C parameter.
func strings(_ pointer: UnsafePointer<UnsafePointer<CChar>?>?, _ n: Int, _ name: String, lengthName: String)
    throws -> [String]
{
    let n = try count(n, lengthName, elementSize: MemoryLayout<UnsafePointer<CChar>>.size)
    guard n <= maximumNameCount else {
        throw NeosError.invalidArgument("\(lengthName) is \(n); at most \(maximumNameCount) names are accepted")
    }
    if n == 0 { return [] }
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL but \(lengthName) is \(n)") }
    return try (0..<n).map { try string(pointer[$0], "\(name)[\($0)]") }
}

/// Pairs of old and new names from two parallel arrays of `n` strings.
func renamings(
    _ old: UnsafePointer<UnsafePointer<CChar>?>?, _ new: UnsafePointer<UnsafePointer<CChar>?>?, _ n: Int,
    _ oldName: String, _ newName: String, lengthName: String
) throws -> [(old: String, new: String)] {
    let olds = try strings(old, n, oldName, lengthName: lengthName)
    let news = try strings(new, n, newName, lengthName: lengthName)
    return Array(zip(olds, news)).map { (old: $0.0, new: $0.1) }
}

/// Runs `body`, prefixing the message of a parse error with the argument `name` it came from.
func named<Value>(_ name: String, _ body: () throws -> Value) throws -> Value {
    do {
        return try body()
    } catch let error as NeosError where error.kind == .parse {
        throw NeosError(.parse, "\(name): \(error.message)")
    }
}

/// The join of a `neos_join` value.
func workspaceJoin(_ join: neos_join) throws -> WorkspaceJoin {
    switch join {
    case NEOS_JOIN_NONE: .none
    case NEOS_JOIN_OUTER: .outer
    case NEOS_JOIN_LEFT_OUTER: .leftOuter
    case NEOS_JOIN_RIGHT_OUTER: .rightOuter
    default:
        throw NeosError.invalidArgument(
            "join is \(join); expected NEOS_JOIN_NONE, NEOS_JOIN_OUTER, NEOS_JOIN_LEFT_OUTER or NEOS_JOIN_RIGHT_OUTER"
        )
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_from_json_with_options(
    _ json: UnsafePointer<CChar>?, _ options: UInt32, _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_from_json_with_options") {
        let known = UInt32(NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL)
        guard options & ~known == 0 else {
            throw NeosError.invalidArgument(
                "options is \(options); the only option is NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL (1)")
        }
        let text = try string(json, "json")
        try newHandle(.workspace, into: out_workspace, "out_workspace") {
            try Workspace(json: text, observationsRequired: options & known == 0)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_json(
    _ workspace: OpaquePointer?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_workspace_json") {
        let workspace = try borrowWorkspace(workspace)
        try writeString(workspace.json, out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_prune(
    _ workspace: OpaquePointer?, _ modifiers: UnsafePointer<UnsafePointer<CChar>?>?, _ n_modifiers: Int,
    _ modifier_types: UnsafePointer<UnsafePointer<CChar>?>?, _ n_modifier_types: Int,
    _ samples: UnsafePointer<UnsafePointer<CChar>?>?, _ n_samples: Int,
    _ channels: UnsafePointer<UnsafePointer<CChar>?>?, _ n_channels: Int,
    _ measurements: UnsafePointer<UnsafePointer<CChar>?>?, _ n_measurements: Int,
    _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_prune") {
        let workspace = try borrowWorkspace(workspace)
        let modifiers = try strings(modifiers, n_modifiers, "modifiers", lengthName: "n_modifiers")
        let types = try strings(modifier_types, n_modifier_types, "modifier_types", lengthName: "n_modifier_types")
        let samples = try strings(samples, n_samples, "samples", lengthName: "n_samples")
        let channels = try strings(channels, n_channels, "channels", lengthName: "n_channels")
        let measurements = try strings(measurements, n_measurements, "measurements", lengthName: "n_measurements")
        try newHandle(.workspace, into: out_workspace, "out_workspace") {
            try workspace.pruned(
                modifiers: modifiers, modifierTypes: types, samples: samples, channels: channels,
                measurements: measurements)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_rename(
    _ workspace: OpaquePointer?, _ old_modifiers: UnsafePointer<UnsafePointer<CChar>?>?,
    _ new_modifiers: UnsafePointer<UnsafePointer<CChar>?>?, _ n_modifiers: Int,
    _ old_samples: UnsafePointer<UnsafePointer<CChar>?>?, _ new_samples: UnsafePointer<UnsafePointer<CChar>?>?,
    _ n_samples: Int, _ old_channels: UnsafePointer<UnsafePointer<CChar>?>?,
    _ new_channels: UnsafePointer<UnsafePointer<CChar>?>?, _ n_channels: Int,
    _ old_measurements: UnsafePointer<UnsafePointer<CChar>?>?,
    _ new_measurements: UnsafePointer<UnsafePointer<CChar>?>?, _ n_measurements: Int,
    _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_rename") {
        let workspace = try borrowWorkspace(workspace)
        let modifiers = try renamings(
            old_modifiers, new_modifiers, n_modifiers, "old_modifiers", "new_modifiers", lengthName: "n_modifiers")
        let samples = try renamings(
            old_samples, new_samples, n_samples, "old_samples", "new_samples", lengthName: "n_samples")
        let channels = try renamings(
            old_channels, new_channels, n_channels, "old_channels", "new_channels", lengthName: "n_channels")
        let measurements = try renamings(
            old_measurements, new_measurements, n_measurements, "old_measurements", "new_measurements",
            lengthName: "n_measurements")
        try newHandle(.workspace, into: out_workspace, "out_workspace") {
            try workspace.renamed(
                modifiers: modifiers, samples: samples, channels: channels, measurements: measurements)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_combine(
    _ left: OpaquePointer?, _ right: OpaquePointer?, _ join: neos_join, _ merge_channels: Bool,
    _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_combine") {
        let leftWorkspace = try borrowHandle(left, .workspace, as: Workspace.self, "left")
        let rightWorkspace = try borrowHandle(right, .workspace, as: Workspace.self, "right")
        let join = try workspaceJoin(join)
        try newHandle(.workspace, into: out_workspace, "out_workspace") {
            try Workspace.combine(leftWorkspace, rightWorkspace, join: join, mergeChannels: merge_channels)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_sorted(_ workspace: OpaquePointer?, _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?)
    -> neos_status
{
    abiCall("neos_workspace_sorted") {
        let workspace = try borrowWorkspace(workspace)
        try newHandle(.workspace, into: out_workspace, "out_workspace") { try workspace.sorted() }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_build(
    _ model_spec_json: UnsafePointer<CChar>?, _ model: OpaquePointer?, _ data: UnsafePointer<Double>?,
    _ n_data: Int, _ name: UnsafePointer<CChar>?, _ out_workspace: UnsafeMutablePointer<OpaquePointer?>?
) -> neos_status {
    abiCall("neos_workspace_build") {
        let spec = try string(model_spec_json, "model_spec_json")
        let model = try borrowModel(model)
        let n = try count(n_data, "n_data")
        let main = model.mainBinCount
        guard n == main || n == main + model.auxdataCount else {
            throw NeosError.invalidArgument(
                "n_data is \(n); expected \(main) (the main bins) or \(main + model.auxdataCount) (with the auxdata)")
        }
        let values = try copiedInput(data, n, "data")
        let name = optionalString(name) ?? "measurement"
        try newHandle(.workspace, into: out_workspace, "out_workspace") {
            try Workspace.build(modelSpec: spec, model: model, data: values, name: name)
        }
    }
}

/// See include/neos.h.
@c @implementation
public func neos_json_patch_apply(
    _ document_json: UnsafePointer<CChar>?, _ patch_json: UnsafePointer<CChar>?,
    _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int, _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_json_patch_apply") {
        let document = try named("document_json") { try JSON.parse(try string(document_json, "document_json")) }
        let patch = try named("patch_json") { try JSON.parse(try string(patch_json, "patch_json")) }
        try writeString(try JSONPatch.apply(patch, to: document).serialized(), out_json, n_out_json, out_json_length)
    }
}

/// A caller's JSON text argument parsed, a parse error naming the argument.
func parsedJSON(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> JSON {
    try named(name) { try JSON.parse(try string(pointer, name)) }
}

/// See include/neos.h.
@c @implementation
public func neos_json_join_items(
    _ join: neos_join, _ left_json: UnsafePointer<CChar>?, _ right_json: UnsafePointer<CChar>?,
    _ key: UnsafePointer<CChar>?, _ deep_merge_key: UnsafePointer<CChar>?, _ out_json: UnsafeMutablePointer<CChar>?,
    _ n_out_json: Int, _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_json_join_items") {
        let join = try workspaceJoin(join)
        let key = try string(key, "key")
        let sides = try [("left_json", left_json), ("right_json", right_json)].map { name, pointer in
            guard case .array(let items) = try parsedJSON(pointer, name) else {
                throw NeosError.invalidArgument("\(name) is not a JSON array")
            }
            return items
        }
        let joined = try Workspace.joinItems(
            join, sides[0], sides[1], key: key, deepMergeKey: optionalString(deep_merge_key))
        try writeString(JSON.array(joined).serialized(), out_json, n_out_json, out_json_length)
    }
}

/// See include/neos.h.
@c @implementation
public func neos_workspace_join_list(
    _ list: UnsafePointer<CChar>?, _ join: neos_join, _ merge_channels: Bool,
    _ measurement_name: UnsafePointer<CChar>?, _ left_json: UnsafePointer<CChar>?,
    _ right_json: UnsafePointer<CChar>?, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) -> neos_status {
    abiCall("neos_workspace_join_list") {
        let list = try string(list, "list")
        let join = try workspaceJoin(join)
        let left = try parsedJSON(left_json, "left_json")
        let right = try parsedJSON(right_json, "right_json")
        let joined = try Workspace.joinList(
            list, join, left, right, mergeChannels: merge_channels,
            measurementName: optionalString(measurement_name) ?? "")
        try writeString(JSON.array(joined).serialized(), out_json, n_out_json, out_json_length)
    }
}
