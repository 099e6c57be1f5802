// What both fuzz targets share: reading choices out of the fuzz input, caller buffers with canaries, and the
// contract of include/neos.h checked after every call. A broken contract aborts, so libFuzzer keeps the input
// as a crash artifact exactly as it does for a sanitizer report.
import CNeosFuzz

#if canImport(Glibc)
    import Glibc
#endif

/// Stops the run with a description of the broken contract (libFuzzer saves the input that caused it).
func violation(_ message: String) -> Never {
    fputs("neos fuzz: contract broken: \(message)\n", stderr)
    abort()
}

/// The bit pattern written into every output before a call: a NaN no computation produces, so an element the
/// library wrote is told from one it left alone.
let canaryBits: UInt64 = 0x7FF4_DEAD_BEEF_0001

/// Reads the fuzz input as a sequence of choices; past its end every choice is 0 (the first option).
struct FuzzReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
        return value
    }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    mutating func choice(_ count: Int) -> Int { Int(byte()) % count }

    /// A double: mostly within a factor of about two of `typical` (so calls get past argument checks and into the
    /// numerics), sometimes a value at an edge of the doubles, sometimes any bit pattern.
    mutating func double(near typical: Double) -> Double {
        switch byte() % 20 {
        case 0: return .nan
        case 1: return .infinity
        case 2: return -.infinity
        case 3: return 0
        case 4: return -0.0
        case 5: return .greatestFiniteMagnitude
        case 6: return -.greatestFiniteMagnitude
        case 7: return .leastNonzeroMagnitude
        case 8: return Double(bitPattern: uint64())
        case 9: return -typical
        case 10: return typical * 1e6
        default: return typical + (abs(typical) + 1) * Double(Int8(bitPattern: byte())) / 64
        }
    }

    /// Claimed lengths beyond any memory: the library must refuse them before reading or allocating.
    static let hugeLengths: [Int] = [-1, Int.max, Int.max / 4, 1 << 40, 1 << 61, (Int.max / 8) + 1]

    /// A claimed length for an array the call needs `needed` elements of: usually right, often off by one,
    /// zero, small or huge.
    mutating func length(needed: Int) -> Int {
        switch byte() % 10 {
        case 0: return 0
        case 1: return needed + 1
        case 2: return max(needed - 1, 0)
        case 3: return Self.hugeLengths[choice(Self.hugeLengths.count)]
        case 4: return Int(byte())
        default: return needed
        }
    }

    /// A length the caller chooses (the size of its own data), at most `limit`, or a huge one.
    mutating func freeLength(limit: Int) -> Int {
        byte() % 12 == 0 ? Self.hugeLengths[choice(Self.hugeLengths.count)] : choice(limit + 1)
    }
}

/// The largest buffer the harness allocates for a claimed length; a larger claim gets a buffer of what the call
/// needs (the library must refuse the claim without touching memory past it).
let largestBuffer = 1 << 16

/// True when `claimed` is a length no buffer of this harness has (the library must refuse it).
func isHuge(_ claimed: Int) -> Bool { claimed < 0 || claimed > largestBuffer }

/// A caller-owned array of doubles: `claimed` is the length passed to the library; the memory holds exactly
/// `claimed` elements when that is a real size, else `needed` (at most `largestBuffer`; so reading more than a real buffer holds is an
/// AddressSanitizer report).
final class DoubleBuffer {
    let claimed: Int
    let count: Int
    let pointer: UnsafeMutablePointer<Double>

    init(claimed: Int, needed: Int) {
        self.claimed = claimed
        // A huge claim must be refused, so the memory behind it need not exceed what a valid call could need.
        count = isHuge(claimed) ? min(max(needed, 0), largestBuffer) : claimed
        pointer = .allocate(capacity: max(count, 1))
        fillCanary()
    }

    /// An input array holding `values` (the claim may differ from their count).
    convenience init(claimed: Int, values: [Double]) {
        self.init(claimed: claimed, needed: values.count)
        for index in 0..<min(count, values.count) { pointer[index] = values[index] }
    }

    deinit { pointer.deallocate() }

    func fillCanary() {
        for index in 0..<max(count, 1) { pointer[index] = Double(bitPattern: canaryBits) }
    }

    var untouched: Bool { (0..<count).allSatisfy { pointer[$0].bitPattern == canaryBits } }

    /// The first `needed` elements are all written and finite.
    func finite(_ needed: Int) -> Bool { needed <= count && (0..<needed).allSatisfy { pointer[$0].isFinite } }

    var values: [Double] { (0..<count).map { pointer[$0] } }
}

/// The checks every call gets: a known status; on failure a message and untouched outputs; on success every
/// output written and finite, and no mismatched length accepted.
struct CallCheck {
    let name: String
    var outputs: [(DoubleBuffer, Int)] = []
    var scalars: [UnsafeMutablePointer<Double>] = []
    /// Lengths that do not match what the call needs: success with any of them is a broken contract.
    var mismatches: [String] = []

    init(_ name: String) { self.name = name }

    /// An output buffer that must receive `needed` finite values on success (nil output: not checked).
    mutating func output(_ buffer: DoubleBuffer?, needed: Int) {
        guard let buffer else { return }
        outputs.append((buffer, needed))
        if buffer.claimed != needed { mismatches.append("\(buffer.claimed) for \(needed) output values") }
    }

    /// A length argument that must equal `needed` for the call to succeed.
    mutating func length(_ claimed: Int, needed: Int, _ what: String) {
        if claimed != needed { mismatches.append("\(what) = \(claimed), needed \(needed)") }
    }

    /// `logpdf`: the scalars are log-likelihoods, which the header lets be -infinity with NEOS_OK (data that are
    /// impossible under the model); NaN and +infinity stay forbidden.
    /// `ieee`: the outputs are elementwise IEEE values that the header lets be NaN or ±infinity with NEOS_OK (the
    /// densities of ABI 1.3); only the status, the lengths and "nothing written on failure" are checked then.
    func verify(_ status: neos_status, _ extraScalars: [Double] = [], logpdf: Bool = false, ieee: Bool = false) {
        guard status >= NEOS_OK && status <= NEOS_ERR_INTERNAL else { violation("\(name): unknown status \(status)") }
        if status == NEOS_ERR_INTERNAL {
            violation("\(name): NEOS_ERR_INTERNAL: \(String(cString: neos_last_error_message()))")
        }
        if status == NEOS_OK {
            if let first = mismatches.first { violation("\(name): succeeded with \(first)") }
            for (index, (buffer, needed)) in outputs.enumerated() where !ieee && !buffer.finite(needed) {
                violation("\(name): success with output \(index) not all finite: \(buffer.values.prefix(16))")
            }
            for value in extraScalars where !value.isFinite && !(logpdf && value == -.infinity) {
                violation("\(name): success with a non-finite scalar output \(value)")
            }
        } else {
            if String(cString: neos_last_error_message()).isEmpty {
                violation("\(name): status \(status) without message")
            }
            for (index, (buffer, _)) in outputs.enumerated() where !buffer.untouched {
                violation("\(name): failed (\(status)) but wrote output \(index)")
            }
            for value in extraScalars where value.bitPattern != canaryBits {
                violation("\(name): failed (\(status)) but wrote a scalar output")
            }
        }
    }
}

/// A NUL-terminated copy of `bytes` for the C calls.
func cString(_ bytes: ArraySlice<UInt8>) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

/// Reads a text output by the header's rule (length query, then the text), checking that rule: the length
/// counts the NUL, the text ends there, a short buffer is refused untouched. Returns nil when the call fails.
func readText(_ name: String, _ call: (UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> neos_status)
    -> String?
{
    var length = -7
    let status = call(nil, 0, &length)
    if status != NEOS_OK {
        if length != -7 { violation("\(name): failed length query wrote the length") }
        return nil
    }
    guard length >= 1 && length <= 1 << 28 else { violation("\(name): implausible text length \(length)") }
    let short = UnsafeMutablePointer<CChar>.allocate(capacity: length)
    defer { short.deallocate() }
    short.initialize(repeating: 0x55, count: length)
    if length > 1 {
        if call(short, length - 1, nil) == NEOS_OK { violation("\(name): accepted a buffer one byte short") }
        if (0..<length).contains(where: { short[$0] != 0x55 }) { violation("\(name): wrote into a short buffer") }
    }
    var written = -7
    guard call(short, length, &written) == NEOS_OK else { violation("\(name): second call failed") }
    if written != length || short[length - 1] != 0 || strlen(short) != length - 1 {
        violation("\(name): text of \(written) bytes for a length of \(length)")
    }
    return String(cString: short)
}
