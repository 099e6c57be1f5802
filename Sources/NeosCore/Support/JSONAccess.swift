/// Typed reads from a `JSON` value that throw errors naming the JSON path (`channels[2].samples[0].data`).
/// Shape problems (missing key, wrong type, unknown key) are `.parse`; value problems (non-finite numbers,
/// wrong lengths) are `.model`.
enum JSONPath {
    static func key(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    static func index(_ base: String, _ index: Int) -> String { base + "[\(index)]" }
    static func display(_ path: String) -> String { path.isEmpty ? "the document" : path }
}

extension JSON {
    /// The members of an object; every key must be in `allowed` (the schemas forbid additional properties).
    func members(at path: String, allowed: [String]? = nil) throws -> [Member] {
        guard case .object(let members) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected an object, got \(kindName)")
        }
        if let allowed {
            for member in members where !allowed.contains(member.key) {
                throw NeosError(
                    .parse,
                    "\(JSONPath.key(path, member.key)): unknown key \"\(member.key)\" (allowed: \(allowed.joined(separator: ", ")))"
                )
            }
        }
        return members
    }

    func required(_ key: String, at path: String) throws -> JSON {
        guard case .object = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected an object, got \(kindName)")
        }
        guard let value = self[key] else {
            throw NeosError(.parse, "\(JSONPath.display(path)): missing required key \"\(key)\"")
        }
        return value
    }

    func string(at path: String) throws -> String {
        guard case .string(let value) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected a string, got \(kindName)")
        }
        return value
    }

    func bool(at path: String) throws -> Bool {
        guard case .bool(let value) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected a boolean, got \(kindName)")
        }
        return value
    }

    func items(at path: String, nonEmpty: Bool = false) throws -> [JSON] {
        guard case .array(let items) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected an array, got \(kindName)")
        }
        if nonEmpty && items.isEmpty {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected a non-empty array")
        }
        return items
    }

    func number(at path: String) throws -> Double {
        guard case .number(let value) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected a number, got \(kindName)")
        }
        guard value.isFinite else {
            throw NeosError(.model, "\(JSONPath.display(path)): non-finite number \(value) (overflows a Double)")
        }
        return value
    }

    /// An array of finite numbers; with `count`, its length must match ("expected 4 numbers, got 3").
    func numbers(at path: String, count: Int? = nil, countReason: String = "") throws -> [Double] {
        guard case .array(let items) = self else {
            throw NeosError(.parse, "\(JSONPath.display(path)): expected an array of numbers, got \(kindName)")
        }
        if let count, items.count != count {
            throw NeosError(.model, "\(path): expected \(count) numbers, got \(items.count)\(countReason)")
        }
        if items.isEmpty { throw NeosError(.parse, "\(path): expected a non-empty array of numbers") }
        var values = [Double]()
        values.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .number(let value) = item else {
                throw NeosError(.parse, "\(JSONPath.index(path, index)): expected a number, got \(item.kindName)")
            }
            guard value.isFinite else {
                throw NeosError(
                    .model, "\(JSONPath.index(path, index)): non-finite number \(value) (overflows a Double)")
            }
            values.append(value)
        }
        return values
    }
}
