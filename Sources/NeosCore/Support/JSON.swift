#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A parsed JSON document (RFC 8259), and the core's own parser and writer for it.
///
/// ## Why the core parses JSON itself
///
/// neos-swift reads pyhf workspaces, patches, patchsets, modifier settings and training configurations, and it
/// builds without Foundation (the static library stays small and loads from Python with only libc and libm).
/// A parser of our own is what makes three things possible:
///
/// - **Member order.** Objects are kept as ordered lists of members, not dictionaries. pyhf's JSON Patch
///   operations address array elements by position and the model's channels, samples and modifiers are
///   ordered by how they appear, so a workspace re-serialised after a patch must keep the document's order.
///   `JSONDecoder` and `[String: Any]`-style trees forget it.
/// - **Positions in errors.** A malformed document fails with a `NeosError` of kind `.parse` whose message
///   names the line, the column (counted in Unicode scalars from 1) and the byte offset of the offending
///   character, e.g. `malformed JSON at line 3, column 17 (byte 52): ...`. Workspaces are often hand-edited;
///   a position is what lets a user find the typo. Readers of the parsed tree then name the JSON path
///   (`channels[2].samples[0].data`) of a value of the wrong shape.
/// - **No Foundation.** Only `strtod` from the C library is used, for correctly rounded numbers.
///
/// ## What is accepted
///
/// Exactly the JSON grammar: one value, surrounded by optional spaces, tabs, line feeds and carriage returns,
/// and nothing else. Rejected, each with its position: empty text, trailing characters, trailing commas,
/// leading zeros (`01`), `+1`, `.5`, `1.`, `1e`, single quotes, comments, unquoted keys, control characters
/// (U+0000–U+001F) unescaped in strings and unknown escapes. The non-standard tokens `NaN`, `Infinity` and
/// `-Infinity` are recognised only to be refused with a clear message. Line numbers count line feeds; columns
/// count Unicode scalars, so a tab or an `é` is one column.
///
/// Choices where the standard leaves room, each pinned by an `i_` case of `Tests/Data/json`:
/// - Numbers are Doubles, correctly rounded. A literal beyond the Double range (`1e999`) parses to ±infinity
///   and is refused later, with its JSON path, by whoever reads it as a number; one below it (`1e-400`)
///   rounds to ±0 or a subnormal. `-0` keeps its sign. Integers beyond 2⁵³ are rounded.
/// - A repeated key is kept (both members stay, in order); lookup by key returns the last one, as Python's
///   `json` does.
/// - A `\u` escape of a UTF-16 surrogate must be a high one followed at once by an escaped low one; a lone,
///   reversed or doubled surrogate is refused (a Swift `String` cannot hold it), with the position of its
///   escape. Escaped noncharacters such as `\uFFFF` are accepted.
/// - Nesting deeper than 512 arrays and objects is refused.
/// - A byte-order mark is refused: RFC 8259 tells writers not to add one and lets parsers choose, and a
///   refusal points at a file saved by an editor in an unusual encoding.
/// - The parser reads a Swift `String`, which is always valid Unicode: text made from bytes with
///   `String(decoding:as:)`, as ``FileBytes/readText(_:)`` does, has ill-formed UTF-8 replaced by U+FFFD
///   before the parser sees it, so such strings parse with U+FFFD in them.
///
/// ## Stack use
///
/// The library runs on its callers' threads, whose stacks may be small (128 KiB or less), so nothing here
/// recurses once per level of nesting: ``parse(_:)``, ``serialized()``, `==` and ``description`` keep their open
/// arrays and objects in explicit stacks on the heap and use the same few kilobytes of machine stack at any
/// depth. What cannot be made iterative from here is dropping a value: the Swift runtime destroys a nested
/// array or object by recursing through it, some 200 to 220 bytes of stack per level (105 to 115 KiB at the
/// parser's limit of 512 levels).
public enum JSON: Sendable, Equatable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, parsed to the nearest Double.
    case number(Double)
    /// A string, escapes resolved.
    case string(String)
    /// An array, in document order.
    case array([JSON])
    /// An object: its members in document order, repeated keys included.
    case object([Member])

    /// One `"key": value` pair of an object.
    public struct Member: Sendable, Equatable {
        /// The key, escapes resolved.
        public var key: String
        /// The value.
        public var value: JSON
        /// A member `key: value`.
        public init(key: String, value: JSON) {
            self.key = key
            self.value = value
        }
    }

    /// Parses `text` as one JSON document.
    ///
    /// - Throws: `NeosError` of kind `.parse`, naming the line, column and byte offset where the text stops
    ///   being JSON.
    public static func parse(_ text: String) throws -> JSON {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// The member `key` of an object (the last one if repeated), nil if absent or not an object.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        var index = members.count - 1
        while index >= 0 {
            if members[index].key == key { return members[index].value }
            index -= 1
        }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Whether two values are the same document: same kinds, equal numbers (by `Double`'s `==`, so `-0 == 0`
    /// and a NaN equals nothing), equal strings, and arrays and objects equal element by element and member by
    /// member, keys and order included. Walks nested values without recursion.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        // The pairs of arrays or objects being compared, innermost last, each with the index of its next pair.
        var open: [ComparedContainers] = []
        var left = lhs
        var right = rhs
        while true {
            switch (left, right) {
            case (.null, .null): break
            case (.bool(let a), .bool(let b)): if a != b { return false }
            case (.number(let a), .number(let b)): if a != b { return false }
            case (.string(let a), .string(let b)): if a != b { return false }
            case (.array(let a), .array(let b)):
                if a.count != b.count { return false }
                if !a.isEmpty { open.append(ComparedContainers(items: a, otherItems: b)) }
            case (.object(let a), .object(let b)):
                if a.count != b.count { return false }
                if !a.isEmpty { open.append(ComparedContainers(members: a, otherMembers: b)) }
            default: return false
            }
            // The next pair of values: the next one of the innermost containers not yet finished.
            while true {
                guard let top = open.indices.last else { return true }
                let next = open[top].next
                if open[top].isObject {
                    if next < open[top].members.count {
                        let member = open[top].members[next]
                        let other = open[top].otherMembers[next]
                        if member.key != other.key { return false }
                        left = member.value
                        right = other.value
                        open[top].next = next + 1
                        break
                    }
                } else if next < open[top].items.count {
                    left = open[top].items[next]
                    right = open[top].otherItems[next]
                    open[top].next = next + 1
                    break
                }
                open.removeLast()
            }
        }
    }

    /// The value as compact JSON text, ``serialized()``.
    public var description: String { serialized() }

    /// Compact JSON text. Numbers use Swift's shortest round-trip form, so parse(serialized()) == self for every
    /// value whose numbers are finite (non-finite ones are written as `NaN`/`Infinity`, which parse refuses).
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        // The arrays and objects whose closing bracket is still to be written, innermost last.
        var open: [WrittenContainer] = []
        var value = self
        while true {
            switch value {
            case .null: out += "null"
            case .bool(let value): out += value ? "true" : "false"
            case .number(let value): JSON.writeNumber(value, into: &out)
            case .string(let value): JSON.writeString(value, into: &out)
            case .array(let items):
                out += "["
                if let first = items.first {
                    open.append(WrittenContainer(items: items))
                    value = first
                    continue
                }
                out += "]"
            case .object(let members):
                out += "{"
                if let first = members.first {
                    open.append(WrittenContainer(members: members))
                    JSON.writeString(first.key, into: &out)
                    out += ":"
                    value = first.value
                    continue
                }
                out += "}"
            }
            // The next value: the next element or member of the innermost container not yet finished.
            while true {
                guard let top = open.indices.last else { return }
                let next = open[top].next
                if open[top].isObject {
                    if next < open[top].members.count {
                        out += ","
                        JSON.writeString(open[top].members[next].key, into: &out)
                        out += ":"
                        value = open[top].members[next].value
                        open[top].next = next + 1
                        break
                    }
                    out += "}"
                } else {
                    if next < open[top].items.count {
                        out += ","
                        value = open[top].items[next]
                        open[top].next = next + 1
                        break
                    }
                    out += "]"
                }
                open.removeLast()
            }
        }
    }

    private static func writeNumber(_ value: Double, into out: inout String) {
        // Integral values as integers, so counts read back as ints; −0 is not one of them ("0" would drop its
        // sign), it takes the shortest round-trip form "-0.0".
        let negativeZero = value == 0 && value.sign == .minus
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 && !negativeZero {
            out += Int64(value).description
        } else if value.isFinite {
            out += value.description
        } else {
            out += value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity")
        }
    }

    private static func writeString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// An array or object being written by ``JSON/serialized()``, and the index of its next element or member.
private struct WrittenContainer {
    let isObject: Bool
    let items: [JSON]
    let members: [JSON.Member]
    var next = 1

    init(items: [JSON]) {
        isObject = false
        self.items = items
        members = []
    }

    init(members: [JSON.Member]) {
        isObject = true
        items = []
        self.members = members
    }
}

/// Two arrays or two objects of the same length being compared by `==`, and the index of their next pair of
/// elements or members.
private struct ComparedContainers {
    let isObject: Bool
    let items: [JSON]
    let otherItems: [JSON]
    let members: [JSON.Member]
    let otherMembers: [JSON.Member]
    var next = 0

    init(items: [JSON], otherItems: [JSON]) {
        isObject = false
        self.items = items
        self.otherItems = otherItems
        members = []
        otherMembers = []
    }

    init(members: [JSON.Member], otherMembers: [JSON.Member]) {
        isObject = true
        items = []
        otherItems = []
        self.members = members
        self.otherMembers = otherMembers
    }
}

/// An array or object being parsed, around the innermost one: what it holds so far and, for an object, the key
/// of the member whose value is being parsed.
private struct ParsedContainer {
    let isObject: Bool
    let items: [JSON]
    let members: [JSON.Member]
    let key: String
}

/// Parser over UTF-8 bytes: one byte-by-byte pass, with the arrays and objects still open kept in an explicit
/// stack rather than in recursive calls, so its use of the machine stack does not grow with the nesting.
struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 512

    let bytes: [UInt8]
    var index = 0
    var numberBuffer = [CChar](repeating: 0, count: 64)

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> JSON {
        skipWhitespace()
        if index >= bytes.count { throw error("the text is empty, expected a JSON value") }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected '\(describe(bytes[index]))' after the end of the JSON value") }
        return value
    }

    func error(_ what: String, at offset: Int? = nil) -> NeosError {
        let position = min(offset ?? index, bytes.count)
        var line = 1
        var column = 1
        var cursor = 0
        while cursor < position {
            if bytes[cursor] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if bytes[cursor] & 0xC0 != 0x80 {
                column += 1
            }
            cursor += 1
        }
        return NeosError(.parse, "malformed JSON at line \(line), column \(column) (byte \(position)): \(what)")
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        return "\\u{\(String(byte, radix: 16))}"
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                index += 1
            } else {
                return
            }
        }
    }

    /// Parses the value that starts at `index`, nested arrays and objects included.
    mutating func parseValue() throws -> JSON {
        // How many arrays and objects are open. The innermost one is in `inObject`, `items`, `members` and `key`
        // (where the elements go, as a recursive parser's locals would be); those around it wait in `outer`,
        // outermost first. Values, keys and arrays are moved (`consume`) between them, not copied: copying
        // costs a retain and a release each time, which made a pyhf workspace some 10% slower to parse.
        var depth = 0
        var inObject = false
        var items: [JSON] = []
        var members: [JSON.Member] = []
        var key = ""
        var outer: [ParsedContainer] = []
        nextValue: while true {
            // One value: a scalar, an empty array or object, or the opening of one that has elements.
            guard index < bytes.count else { throw error("unexpected end of text, expected a value") }
            var value: JSON
            switch bytes[index] {
            case UInt8(ascii: "{"):
                if depth >= JSONParser.maximumDepth { throw error("nesting deeper than 512 levels") }
                index += 1
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    value = .object([])
                } else {
                    if depth > 0 {
                        outer.append(
                            ParsedContainer(
                                isObject: inObject, items: consume items, members: consume members, key: consume key))
                        items = []
                        members = []
                    }
                    depth += 1
                    inObject = true
                    key = try parseKey()
                    continue nextValue
                }
            case UInt8(ascii: "["):
                if depth >= JSONParser.maximumDepth { throw error("nesting deeper than 512 levels") }
                index += 1
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    if depth > 0 {
                        outer.append(
                            ParsedContainer(
                                isObject: inObject, items: consume items, members: consume members, key: consume key))
                        items = []
                        members = []
                        key = ""
                    }
                    depth += 1
                    inObject = false
                    continue nextValue
                }
            case UInt8(ascii: "\""): value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "N"), UInt8(ascii: "I"):
                throw error("non-finite numbers (NaN, Infinity) are not allowed in JSON")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw error("unexpected '\(describe(bytes[index]))', expected a value")
            }
            // The value is complete: add it to the innermost open container, then read what follows it there,
            // closing containers as their brackets come, until another value is due or the outermost closes.
            while depth > 0 {
                skipWhitespace()
                if inObject {
                    members.append(JSON.Member(key: consume key, value: consume value))
                    guard index < bytes.count else {
                        throw error("unexpected end of text inside an object, expected ',' or '}'")
                    }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        key = try parseKey()
                        continue nextValue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else {
                        throw error("unexpected '\(describe(bytes[index]))' inside an object, expected ',' or '}'")
                    }
                    value = .object(consume members)
                    members = []
                } else {
                    items.append(consume value)
                    guard index < bytes.count else {
                        throw error("unexpected end of text inside an array, expected ',' or ']'")
                    }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace()
                        continue nextValue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else {
                        throw error("unexpected '\(describe(bytes[index]))' inside an array, expected ',' or ']'")
                    }
                    value = .array(consume items)
                    items = []
                }
                // Closed: the enclosing container becomes the innermost one.
                index += 1
                depth -= 1
                if !outer.isEmpty {
                    let enclosing = outer.removeLast()
                    inObject = enclosing.isObject
                    items = enclosing.items
                    members = enclosing.members
                    key = enclosing.key
                } else {
                    key = ""
                }
            }
            return value
        }
    }

    /// Reads a member's key, the colon after it and the whitespace around them, leaving `index` at the start of
    /// the member's value.
    mutating func parseKey() throws -> String {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of text inside an object") }
        guard bytes[index] == UInt8(ascii: "\"") else {
            throw error("unexpected '\(describe(bytes[index]))', expected a string key")
        }
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw error(
                index < bytes.count
                    ? "expected ':' after the key \"\(key)\"" : "unexpected end of text, expected ':'")
        }
        index += 1
        skipWhitespace()
        return key
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let start = index
        let count = literal.utf8CodeUnitCount
        let pointer = literal.utf8Start
        for offset in 0..<count {
            guard index < bytes.count, bytes[index] == pointer[offset] else {
                throw error("invalid literal, expected '\(literal)'", at: start)
            }
            index += 1
        }
    }

    mutating func parseString() throws -> String {
        let start = index
        index += 1
        let contentStart = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[contentStart..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character inside a string") }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        var buffer = Array(bytes[contentStart..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            }
            if byte < 0x20 { throw error("control character inside a string") }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                // Errors about the escape's value point at its backslash, not at what follows it.
                let escapeStart = index - 2
                var code = try parseHex4()
                if code >= 0xD800 && code < 0xDC00 {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired UTF-16 surrogate in a \\u escape", at: escapeStart) }
                    index += 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw error("invalid UTF-16 surrogate pair", at: escapeStart)
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if code >= 0xDC00 && code < 0xE000 {
                    throw error("unpaired UTF-16 surrogate in a \\u escape", at: escapeStart)
                }
                guard let scalar = UnicodeScalar(code) else { throw error("invalid \\u escape", at: escapeStart) }
                buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape '\\\(describe(escape))' in a string", at: index - 2)
            }
        }
        throw error("unterminated string", at: start)
    }

    mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    mutating func parseNumber() throws -> Double {
        let start = index
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: "I") {
                throw error("non-finite numbers (NaN, Infinity) are not allowed in JSON", at: start)
            }
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number", at: start) }
        var integer: Int64 = 0
        var simple = true
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) {
                throw error("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            var digits = 0
            while index < bytes.count && isDigit(bytes[index]) {
                integer = integer &* 10 &+ Int64(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            if digits > 15 { simple = false }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("a digit must follow the decimal point", at: start)
            }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            simple = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("a digit must follow the exponent", at: start)
            }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if simple {
            // Integers of at most 15 digits are exact in a Double.
            let value = Double(integer)
            return bytes[start] == UInt8(ascii: "-") ? -value : value
        }
        let length = index - start
        if numberBuffer.count < length + 1 { numberBuffer = [CChar](repeating: 0, count: length + 1) }
        for offset in 0..<length { numberBuffer[offset] = CChar(bitPattern: bytes[start + offset]) }
        numberBuffer[length] = 0
        return numberBuffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }
}
