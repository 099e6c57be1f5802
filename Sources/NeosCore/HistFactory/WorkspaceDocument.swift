/// The workspace as a JSON document, and what the workspace operations (prune, rename, combine, sorted, build)
/// share: the channel summary pyhf checks names against, Python's equality of JSON values and Python's `repr`
/// of the names that pyhf's error messages quote.
extension Workspace {
    /// The workspace document as compact JSON text, members in the order they were given or made.
    ///
    /// Numbers are written in Swift's shortest round-trip form, and an integral number as an integer (`20.0` is
    /// written `20`): the values read back exactly, but Python's `json` then reads an integer where the input had
    /// a float, so a digest of `json.dumps(sort_keys=True)` over this text can differ from one over the input.
    public var json: String { document.serialized() }

    /// A new workspace from an edited document, checked as `Workspace(json:observationsRequired: false)` checks
    /// one: pyhf checks its results against the schema only, so a join may leave a channel without observation.
    static func checked(_ document: JSON) throws -> Workspace {
        try Workspace(document: document, observationsRequired: false)
    }

    /// The items of the top-level array `key` (checked when the workspace was read).
    func topLevelItems(_ key: String) throws -> [JSON] {
        try document.required(key, at: "").items(at: key)
    }

    /// The version string of the document.
    var version: String {
        get throws { try document.required("version", at: "").string(at: "version") }
    }

    /// Every (modifier name, modifier type) of the channels, as pyhf's channel summary lists them.
    var modifierNamesAndTypes: [(name: String, type: String)] {
        get throws {
            var seen = Set<String>()
            var out: [(name: String, type: String)] = []
            for channel in try topLevelItems("channels") {
                for sample in try channel.required("samples", at: "channels").items(at: "samples") {
                    for modifier in try sample.required("modifiers", at: "samples").items(at: "modifiers") {
                        let name = try modifier.required("name", at: "modifiers").string(at: "name")
                        let type = try modifier.required("type", at: "modifiers").string(at: "type")
                        if seen.insert(name + "\u{0}" + type).inserted { out.append((name, type)) }
                    }
                }
            }
            return out
        }
    }

    /// The names of every sample of every channel.
    var sampleNames: Set<String> {
        get throws {
            var out = Set<String>()
            for channel in try topLevelItems("channels") {
                for sample in try channel.required("samples", at: "channels").items(at: "samples") {
                    out.insert(try sample.required("name", at: "samples").string(at: "name"))
                }
            }
            return out
        }
    }
}

/// Python's view of JSON values, for the operations whose pyhf definition compares or quotes them.
enum PythonJSON {
    /// The `name` member of an item (channels, samples, modifiers, measurements, observations, parameter configs).
    static func name(_ item: JSON) throws -> String {
        try item.required("name", at: "item").string(at: "name")
    }

    /// Whether `json.loads` would give equal Python values: objects compare as dictionaries (member order does not
    /// matter; of a repeated key the last member counts), and `true`/`false` equal the numbers 1 and 0.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.bool(let x), .number(let y)), (.number(let y), .bool(let x)): return (x ? 1 : 0) == y
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            let left = dictionary(x)
            let right = dictionary(y)
            guard left.count == right.count else { return false }
            for (key, value) in left {
                guard let other = right[key], equal(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    private static func dictionary(_ members: [JSON.Member]) -> [String: JSON] {
        var out: [String: JSON] = [:]
        for member in members { out[member.key] = member.value }
        return out
    }

    /// Python's `repr` of a string: single quotes unless the text holds a single quote and no double quote.
    static func repr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `repr` of a list of strings: `['a', 'b']`.
    static func list(_ names: [String]) -> String { "[" + names.map(repr).joined(separator: ", ") + "]" }

    /// Python's `repr` of a set of strings, `{'a', 'b'}` (in the order given: a Python set's own order is its
    /// hash order, which varies from run to run).
    static func set(_ names: [String]) -> String { "{" + names.map(repr).joined(separator: ", ") + "}" }

    /// `names` without repeats, first occurrences kept in order.
    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The names that occur more than once among `items`, in the order of their first occurrence (what pyhf
    /// lists from a `collections.Counter`).
    static func repeatedNames(_ items: [JSON]) throws -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for item in items {
            let name = try name(item)
            if counts[name] == nil { order.append(name) }
            counts[name, default: 0] += 1
        }
        return order.filter { counts[$0]! > 1 }
    }
}

extension JSON {
    /// A copy of an object with the member `key` set to `value` where it is (or appended), as Python's
    /// `dict(item, key=value)`. Of repeated keys, the last member is set and the others dropped.
    func setting(_ key: String, to value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        if let last = members.lastIndex(where: { $0.key == key }) {
            members[last].value = value
            let first = members.firstIndex(where: { $0.key == key })!
            if first != last {
                members[first].value = value
                members = members.enumerated().filter { $0.element.key != key || $0.offset == first }.map(\.element)
            }
        } else {
            members.append(JSON.Member(key: key, value: value))
        }
        return .object(members)
    }
}
