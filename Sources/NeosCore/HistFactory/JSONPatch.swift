/// RFC 6902 JSON Patch (add, remove, replace, move, copy, test) with RFC 6901 JSON pointers.
/// A malformed patch document is a `.parse` error; an operation that cannot be applied (missing path, failing
/// `test`) is a `.model` error. Both name the operation (`patch[2] (remove /channels/7)`).
public enum JSONPatch {
    /// Applies a patch given as JSON text.
    public static func apply(_ patch: String, to document: JSON) throws -> JSON {
        try apply(try JSON.parse(patch), to: document)
    }

    /// Applies a patch (a JSON array of operations) to `document`.
    public static func apply(_ patch: JSON, to document: JSON, label: String = "patch") throws -> JSON {
        var result = document
        for (index, operation) in try patch.items(at: label).enumerated() {
            let opPath = JSONPath.index(label, index)
            _ = try operation.members(at: opPath, allowed: ["op", "path", "value", "from"])
            let op = try operation.required("op", at: opPath).string(at: opPath + ".op")
            let pointer = try operation.required("path", at: opPath).string(at: opPath + ".path")
            let tokens = try parsePointer(pointer, at: opPath + ".path")
            let what = "\(opPath) (\(op) \(pointer))"
            switch op {
            case "add":
                let value = try operation.required("value", at: opPath)
                try add(&result, tokens[...], value, what)
            case "remove":
                _ = try remove(&result, tokens[...], what)
            case "replace":
                let value = try operation.required("value", at: opPath)
                guard try get(result, tokens[...], what) != nil else {
                    throw NeosError(.model, "\(what): path does not exist")
                }
                if tokens.isEmpty {
                    result = value
                } else {
                    _ = try remove(&result, tokens[...], what)
                    try add(&result, tokens[...], value, what)
                }
            case "move", "copy":
                let from = try operation.required("from", at: opPath).string(at: opPath + ".from")
                let fromTokens = try parsePointer(from, at: opPath + ".from")
                guard let value = try get(result, fromTokens[...], what) else {
                    throw NeosError(.model, "\(what): from path \(from) does not exist")
                }
                if op == "move" {
                    if fromTokens.count < tokens.count && Array(tokens.prefix(fromTokens.count)) == fromTokens {
                        throw NeosError(.model, "\(what): cannot move a value into one of its own children")
                    }
                    _ = try remove(&result, fromTokens[...], what)
                }
                try add(&result, tokens[...], value, what)
            case "test":
                let value = try operation.required("value", at: opPath)
                guard let current = try get(result, tokens[...], what) else {
                    throw NeosError(.model, "\(what): test failed, path does not exist")
                }
                guard current == value else {
                    throw NeosError(
                        .model,
                        "\(what): test failed, the value there is \(abbreviate(current)), expected \(abbreviate(value))"
                    )
                }
            default:
                throw NeosError(
                    .parse,
                    "\(opPath).op: unknown operation \"\(op)\" (expected add, remove, replace, move, copy or test)")
            }
        }
        return result
    }

    static func abbreviate(_ value: JSON) -> String {
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    static func parsePointer(_ pointer: String, at path: String) throws -> [String] {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else {
            throw NeosError(.parse, "\(path): invalid JSON pointer \"\(pointer)\" (must be empty or start with '/')")
        }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(JSONPointer.unescape)
    }

    static func arrayIndex(_ token: String, count: Int, allowEnd: Bool, _ what: String) throws -> Int {
        if allowEnd && token == "-" { return count }
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }), token == "0" || !token.hasPrefix("0"),
            let index = Int(token)
        else { throw NeosError(.model, "\(what): \"\(token)\" is not a valid array index") }
        guard index < count || (allowEnd && index == count) else {
            throw NeosError(
                .model, "\(what): path does not exist (index \(index) out of range for an array of \(count))")
        }
        return index
    }

    static func get(_ value: JSON, _ tokens: ArraySlice<String>, _ what: String) throws -> JSON? {
        guard let token = tokens.first else { return value }
        switch value {
        case .object:
            guard let child = value[token] else { return nil }
            return try get(child, tokens.dropFirst(), what)
        case .array(let items):
            guard let index = try? arrayIndex(token, count: items.count, allowEnd: false, what) else { return nil }
            return try get(items[index], tokens.dropFirst(), what)
        default:
            return nil
        }
    }

    static func add(_ value: inout JSON, _ tokens: ArraySlice<String>, _ newValue: JSON, _ what: String) throws {
        guard let token = tokens.first else {
            value = newValue
            return
        }
        let last = tokens.count == 1
        switch value {
        case .object(var members):
            value = .null  // release the reference so `members` is uniquely owned
            defer { value = .object(members) }
            if let index = members.lastIndex(where: { $0.key == token }) {
                if last {
                    members[index].value = newValue
                } else {
                    try add(&members[index].value, tokens.dropFirst(), newValue, what)
                }
            } else {
                guard last else { throw NeosError(.model, "\(what): path does not exist (no key \"\(token)\")") }
                members.append(JSON.Member(key: token, value: newValue))
            }
        case .array(var items):
            value = .null
            defer { value = .array(items) }
            let index = try arrayIndex(token, count: items.count, allowEnd: last, what)
            if last {
                items.insert(newValue, at: index)
            } else {
                try add(&items[index], tokens.dropFirst(), newValue, what)
            }
        default:
            throw NeosError(.model, "\(what): path does not exist (\(value.kindName) has no child \"\(token)\")")
        }
    }

    static func remove(_ value: inout JSON, _ tokens: ArraySlice<String>, _ what: String) throws -> JSON {
        guard let token = tokens.first else { throw NeosError(.model, "\(what): cannot remove the whole document") }
        let last = tokens.count == 1
        switch value {
        case .object(var members):
            value = .null
            defer { value = .object(members) }
            guard let index = members.lastIndex(where: { $0.key == token }) else {
                throw NeosError(.model, "\(what): path does not exist (no key \"\(token)\")")
            }
            if last { return members.remove(at: index).value }
            return try remove(&members[index].value, tokens.dropFirst(), what)
        case .array(var items):
            value = .null
            defer { value = .array(items) }
            let index = try arrayIndex(token, count: items.count, allowEnd: false, what)
            if last { return items.remove(at: index) }
            return try remove(&items[index], tokens.dropFirst(), what)
        default:
            throw NeosError(.model, "\(what): path does not exist (\(value.kindName) has no child \"\(token)\")")
        }
    }
}

enum JSONPointer {
    /// RFC 6901 unescaping of one reference token: "~1" → "/", "~0" → "~" (in that order of precedence).
    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var result = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            if character == "~" {
                switch iterator.next() {
                case "1": result.append("/")
                case "0": result.append("~")
                case let other?:
                    result.append("~")
                    result.append(other)
                case nil: result.append("~")
                }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
