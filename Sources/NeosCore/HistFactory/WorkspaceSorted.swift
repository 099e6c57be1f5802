/// pyhf's `Workspace.sorted`.
extension Workspace {
    /// A copy with channels, each channel's samples, each sample's modifiers (by name, then type), measurements,
    /// each measurement's parameter configs and the observations sorted by name, as pyhf 0.7.6's
    /// `Workspace.sorted`: names compare by Unicode code point (Python's string order), and the sorts are stable
    /// (items of equal keys keep their order). Every other member stays as it is, where it is.
    public func sorted() throws -> Workspace {
        guard case .object(var members) = document else {
            throw NeosError(.internal, "the workspace document is not an object")
        }
        for index in members.indices {
            switch members[index].key {
            case "channels":
                members[index].value = try Self.sortedByName(members[index].value) { channel in
                    try Self.sortingList("samples", of: channel) { sample in
                        try Self.sortingList("modifiers", of: sample, secondaryKey: "type") { $0 }
                    }
                }
            case "measurements":
                members[index].value = try Self.sortedByName(members[index].value) { measurement in
                    guard let config = measurement["config"] else { return measurement }
                    let sortedConfig = try Self.sortingList("parameters", of: config) { $0 }
                    return measurement.setting("config", to: sortedConfig)
                }
            case "observations":
                members[index].value = try Self.sortedByName(members[index].value) { $0 }
            default: break
            }
        }
        return try Self.checked(.object(members))
    }

    /// `object` with its list `key` sorted by name (then by `secondaryKey`), each item first transformed.
    static func sortingList(
        _ key: String, of object: JSON, secondaryKey: String? = nil, _ transform: (JSON) throws -> JSON
    ) throws -> JSON {
        guard let list = object[key] else { return object }
        return object.setting(key, to: try sortedByName(list, secondaryKey: secondaryKey, transform))
    }

    /// The items of a JSON array, each transformed, stably sorted by their `name` (then `secondaryKey`) member.
    static func sortedByName(_ list: JSON, secondaryKey: String? = nil, _ transform: (JSON) throws -> JSON) throws
        -> JSON
    {
        let items = try list.items(at: "list").map(transform)
        var keyed: [(name: String, second: String, offset: Int, item: JSON)] = []
        for (offset, item) in items.enumerated() {
            let second = try secondaryKey.map { try item.required($0, at: "item").string(at: $0) } ?? ""
            keyed.append((try PythonJSON.name(item), second, offset, item))
        }
        keyed.sort { a, b in
            if codePointLess(a.name, b.name) { return true }
            if codePointLess(b.name, a.name) { return false }
            if codePointLess(a.second, b.second) { return true }
            if codePointLess(b.second, a.second) { return false }
            return a.offset < b.offset
        }
        return .array(keyed.map(\.item))
    }
}
