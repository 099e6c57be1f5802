/// JSON text laid out as Python's `json.dumps(value, indent=…, sort_keys=True)` writes it, so that a command prints
/// byte for byte what pyhf's command line prints for the same result.
///
/// Python's choices, each reproduced here:
/// - floats in `repr` form: the shortest digits that round-trip, positional for decimal exponents −4 ..< 16
///   (`0.0001`, `1000000000000000.0`) and scientific outside them (`1e-05`, `1.5e+16`); `NaN`, `Infinity`;
/// - `ensure_ascii`: every character outside U+0020 … U+007E escaped, as `\b \f \n \r \t` where it has a short form
///   and as `\uXXXX` (UTF-16, lower-case hex) otherwise;
/// - with an indent, items end in `,` and a new line and keys are followed by `: `; empty containers are `[]`, `{}`;
/// - keys sorted by code point; of duplicate keys the last value wins (what `json.load` keeps).
public enum PythonJSONLayout {
    /// How numbers are written. The core's JSON has no integer type, so a caller says which Python type a number had.
    public enum Numbers: Sendable {
        /// Every number as a Python float (`1.0`): results of computations, which pyhf prints from floats.
        case floats
        /// Integral numbers below 2⁵³ in magnitude as Python ints (`1`), others as floats: documents read by
        /// `json.load`, where a count written `10` stays an int.
        case integralAsIntegers
        /// An integral number as the documents it came from had it (``NumberKinds``), others as floats.
        case asInSources(NumberKinds)
    }

    /// Which integral numbers of some JSON documents were written as floats (`20.0`, `2e1`: Python floats after
    /// `json.load`) and which as integers (`20`), by the object keys leading to them. A result made from the
    /// documents (a pruned or combined workspace) writes an integral number as a float where the documents had it as
    /// one: at the same keys or, for keys they do not have, anywhere; as Python's json would print the result.
    public struct NumberKinds: Sendable {
        private var atKeys: [[String]: [Double: Kind]] = [:]
        private var anywhere: [Double: Kind] = [:]

        private struct Kind: Sendable {
            var integer = false
            var float = false
        }

        /// The kinds of the numbers of `sources` (JSON texts), read from how each number is written.
        public init(sources: [String]) throws {
            for text in sources {
                var written = PythonJSONLayout.numberTokensAreFloats(text)[...]
                try record(JSON.parse(text), keys: [], written: &written)
            }
        }

        private mutating func record(_ value: JSON, keys: [String], written: inout ArraySlice<Bool>) {
            switch value {
            case .number(let x):
                guard let isFloat = written.popFirst() else { return }
                guard x.isFinite && x == x.rounded() else { return }
                if isFloat {
                    atKeys[keys, default: [:]][x, default: Kind()].float = true
                    anywhere[x, default: Kind()].float = true
                } else {
                    atKeys[keys, default: [:]][x, default: Kind()].integer = true
                    anywhere[x, default: Kind()].integer = true
                }
            case .array(let items): for item in items { record(item, keys: keys, written: &written) }
            case .object(let members):
                for member in members { record(member.value, keys: keys + [member.key], written: &written) }
            default: break
            }
        }

        /// True when the integral number `x` at `keys` is written as a float: the documents had it only as one.
        func isFloat(_ x: Double, keys: [String]) -> Bool {
            guard let kind = atKeys[keys]?[x] ?? anywhere[x] else { return false }
            return kind.float && !kind.integer
        }
    }

    /// The text of `value` with `indent` spaces per level (nil: Python's one-line layout, `, ` and `: `).
    /// `asciiOnly` is `ensure_ascii`; false writes other characters as they are (UTF-8), as pyhf's digests do.
    public static func dumps(_ value: JSON, indent: Int? = 4, numbers: Numbers = .floats, asciiOnly: Bool = true)
        -> String
    {
        var out = ""
        let writer = Writer(indent: indent, numbers: numbers, asciiOnly: asciiOnly)
        writer.write(value, level: 0, keys: [], into: &out)
        return out
    }

    /// For each number of a JSON text, in order, whether it is written as a float (with `.`, `e` or `E`), which is
    /// what Python's `json.load` reads as a float.
    static func numberTokensAreFloats(_ text: String) -> [Bool] {
        var out: [Bool] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {  // skip the string, escapes included
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i += 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var isFloat = false
                while i < bytes.count, let c = Optional(bytes[i]),
                    c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                        || c == UInt8(ascii: "E") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
                {
                    isFloat = isFloat || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                    i += 1
                }
                out.append(isFloat)
            } else {
                i += 1
            }
        }
        return out
    }

    /// A double as Python's `repr(float)` writes it.
    public static func floatRepr(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        let (negative, digits, point) = shortestDigits(x)
        let sign = negative ? "-" : ""
        // `point`: the value is 0.d₁d₂… × 10^point, so d₁ is at decimal exponent point − 1.
        if point - 1 < -4 || point - 1 >= 16 {
            let exponent = point - 1
            let mantissa = digits.count == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
            let magnitude = String(abs(exponent))
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (magnitude.count < 2 ? "0" + magnitude : magnitude)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point < digits.count { return sign + digits.prefix(point) + "." + digits.dropFirst(point) }
        return sign + digits + String(repeating: "0", count: point - digits.count) + ".0"
    }

    /// The sign, the shortest round-trip decimal digits (no leading or trailing zeros; "0" for zero) and the position
    /// of the decimal point, read from Swift's `description`, which prints the same shortest digits as Python.
    static func shortestDigits(_ x: Double) -> (negative: Bool, digits: String, point: Int) {
        var text = Substring(x.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        let integerPart = text.prefix { $0 != "." }
        let fraction = text.dropFirst(integerPart.count + 1)
        var digits = Substring(String(integerPart) + fraction)
        var point = integerPart.count + exponent
        while digits.first == "0" && digits.count > 1 {
            digits = digits.dropFirst()
            point -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits = digits.dropLast() }
        if digits == "0" { point = 1 }
        return (x.sign == .minus, String(digits), point)
    }

    private struct Writer {
        let indent: Int?
        let numbers: Numbers
        let asciiOnly: Bool

        func write(_ value: JSON, level: Int, keys: [String], into out: inout String) {
            switch value {
            case .null: out += "null"
            case .bool(let flag): out += flag ? "true" : "false"
            case .number(let x): out += number(x, keys: keys)
            case .string(let text): PythonJSONLayout.writeString(text, asciiOnly: asciiOnly, into: &out)
            case .array(let items):
                guard !items.isEmpty else {
                    out += "[]"
                    return
                }
                out += "["
                for (i, item) in items.enumerated() {
                    out +=
                        i == 0
                        ? PythonJSONLayout.opening(level + 1, indent) : PythonJSONLayout.separator(level + 1, indent)
                    write(item, level: level + 1, keys: keys, into: &out)
                }
                out += PythonJSONLayout.closing(level, indent) + "]"
            case .object(let members):
                guard !members.isEmpty else {
                    out += "{}"
                    return
                }
                var lastValue: [String: JSON] = [:]
                for member in members { lastValue[member.key] = member.value }
                let keyOrder = lastValue.keys.sorted {
                    Array($0.unicodeScalars).lexicographicallyPrecedes(Array($1.unicodeScalars)) { $0.value < $1.value }
                }
                out += "{"
                for (i, key) in keyOrder.enumerated() {
                    out +=
                        i == 0
                        ? PythonJSONLayout.opening(level + 1, indent) : PythonJSONLayout.separator(level + 1, indent)
                    PythonJSONLayout.writeString(key, asciiOnly: asciiOnly, into: &out)
                    out += ": "
                    write(lastValue[key]!, level: level + 1, keys: keys + [key], into: &out)
                }
                out += PythonJSONLayout.closing(level, indent) + "}"
            }
        }

        private func number(_ x: Double, keys: [String]) -> String {
            guard x.isFinite, x == x.rounded(), x.magnitude < 9_007_199_254_740_992, !(x == 0 && x.sign == .minus)
            else { return floatRepr(x) }
            switch numbers {
            case .floats: return floatRepr(x)
            case .integralAsIntegers: return Int64(x).description
            case .asInSources(let kinds):
                return kinds.isFloat(x, keys: keys) ? floatRepr(x) : Int64(x).description
            }
        }
    }

    private static func opening(_ level: Int, _ indent: Int?) -> String {
        indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
    }

    private static func separator(_ level: Int, _ indent: Int?) -> String {
        indent.map { ",\n" + String(repeating: " ", count: $0 * level) } ?? ", "
    }

    private static func closing(_ level: Int, _ indent: Int?) -> String {
        indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
    }

    private static func writeString(_ text: String, asciiOnly: Bool, into out: inout String) {
        out += "\""
        if !asciiOnly {
            for scalar in text.unicodeScalars {
                if scalar.value > 0x7E {
                    out.unicodeScalars.append(scalar)
                } else {
                    writeUTF16Unit(UInt16(scalar.value), into: &out)
                }
            }
            out += "\""
            return
        }
        for unit in text.utf16 { writeUTF16Unit(unit, into: &out) }
        out += "\""
    }

    private static func writeUTF16Unit(_ unit: UInt16, into out: inout String) {
        switch unit {
        case 0x22: out += "\\\""
        case 0x5C: out += "\\\\"
        case 0x08: out += "\\b"
        case 0x0C: out += "\\f"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
        default:
            let hex = String(unit, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
