import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// NEOS_ERR_OUT_OF_MEMORY: an allocation the call would make does not fit in the memory available now. The core
/// has no such error kind; the ABI layer raises it before it allocates, or before it asks the core for a result
/// of known size.
struct OutOfMemory: Error {
    let message: String
}

/// The machine's memory, the bound of every claimed length and of every allocation.
enum Memory {
    /// Total physical memory in bytes: no caller buffer is larger (the core's bound too).
    static var physical: Int { MemoryBudget.physicalBytes }

    /// Memory that can be allocated now: MemAvailable of /proc/meminfo (else free pages), and no more than the
    /// process's address-space limit leaves (`ulimit -v`, as batch systems set it: beyond it an allocation fails
    /// however much memory the machine has free).
    static var available: Int { min(systemAvailable, addressSpaceLeft) }

    /// MemAvailable of /proc/meminfo, else free pages.
    static var systemAvailable: Int {
        if let file = fopen("/proc/meminfo", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                guard text.hasPrefix("MemAvailable:") else { continue }
                let fields = text.split(separator: " ")
                if fields.count >= 2, let kilobytes = Int(fields[1]) {
                    return kilobytes <= Int.max / 1024 ? kilobytes * 1024 : Int.max
                }
            }
        }
        let pages = sysconf(Int32(_SC_AVPHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0, pages <= Int.max / size else { return physical }
        return pages * size
    }

    /// RLIMIT_AS minus the address space in use (the first field of /proc/self/statm, in pages); Int.max
    /// without a limit (RLIM_INFINITY is the largest rlim_t, above Int.max).
    static var addressSpaceLeft: Int {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
            let resource = RLIMIT_AS
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < UInt64(Int.max)
        else { return Int.max }
        var usedPages = 0
        if let file = fopen("/proc/self/statm", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            if fgets(&line, Int32(line.count), file) != nil {
                let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                usedPages = text.split(separator: " ").first.flatMap { Int($0) } ?? 0
            }
        }
        let used = usedPages.multipliedReportingOverflow(by: max(sysconf(Int32(_SC_PAGESIZE)), 1)).partialValue
        return max(Int(limit.rlim_cur) - used, 0)
    }

    /// Bytes as a human-readable size.
    static func describe(_ bytes: Int) -> String { MemoryBudget.describe(Double(bytes)) }

    /// `elements` × `elementSize` in bytes, or nil when that overflows.
    static func bytes(_ elements: Int, _ elementSize: Int) -> Int? {
        let (product, overflow) = elements.multipliedReportingOverflow(by: elementSize)
        return overflow || elements < 0 ? nil : product
    }

    /// Allocations up to this size are not checked against the memory available now: reading /proc/meminfo
    /// costs microseconds (most of a small model call's time), and a process that cannot get a few MiB is out of
    /// memory whatever a check says. Sizes that claimed lengths imply are far larger; those are checked.
    static let uncheckedBytes = 16 << 20

    /// Refuses `bytes` (a size the core estimated, as a Double so it cannot overflow) that does not fit in the
    /// memory available now, with NEOS_ERR_OUT_OF_MEMORY.
    static func reserve(bytes needed: Double, for what: String) throws {
        if needed >= 0 && needed <= Double(uncheckedBytes) { return }
        let free = available
        guard needed <= Double(free) else {
            throw OutOfMemory(
                message: "\(what) would need \(MemoryBudget.describe(needed)); only \(describe(free)) of memory "
                    + "are available")
        }
    }

    /// Refuses an allocation of `elements` values of `elementSize` bytes that does not fit in the memory available
    /// now, with NEOS_ERR_OUT_OF_MEMORY. `what` names it in the message.
    static func reserve(_ elements: Int, of elementSize: Int = MemoryLayout<Double>.size, for what: String) throws {
        guard let needed = bytes(elements, elementSize) else {
            throw OutOfMemory(
                message: "\(what) would need \(elements) × \(elementSize) bytes, more than can be addressed")
        }
        if needed <= uncheckedBytes { return }
        let free = available
        guard needed <= free else {
            throw OutOfMemory(
                message: "\(what) would need \(describe(needed)); only \(describe(free)) of memory are available")
        }
    }
}

/// A caller's length must be a real count: size_t arrives as Int (a huge value is negative here), and the bytes it
/// names must fit in this machine's memory. `name` is the C parameter (or expression) it came from.
func count(_ value: Int, _ name: String, elementSize: Int = MemoryLayout<Double>.size) throws -> Int {
    guard value >= 0 else {
        throw NeosError.invalidArgument("\(name) = \(UInt(bitPattern: value)) is not a valid length")
    }
    guard let bytes = Memory.bytes(value, elementSize), bytes <= Memory.physical else {
        throw NeosError.invalidArgument(
            "\(name) = \(value) names more memory than this machine has (\(Memory.describe(Memory.physical))): "
                + "no buffer is that long")
    }
    return value
}

/// `a × b` elements as one checked length (the product of two claimed counts).
func count(_ a: Int, times b: Int, _ name: String) throws -> Int {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw NeosError.invalidArgument("\(name) = \(a) × \(b) overflows") }
    return try count(product, name)
}

/// Turns a caller's (pointer, length) pair into a buffer read in place, refusing NULL. `name` is the C parameter.
func input(_ pointer: UnsafePointer<Double>?, _ length: Int, _ name: String) throws -> UnsafeBufferPointer<Double> {
    let length = try count(length, "n_\(name)")
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    return UnsafeBufferPointer(start: pointer, count: length)
}

/// A caller's array copied into Swift: its length is checked and the copy is refused when it does not fit in the
/// memory available now (NEOS_ERR_OUT_OF_MEMORY) before anything is read.
func copiedInput(_ pointer: UnsafePointer<Double>?, _ length: Int, _ name: String) throws -> [Double] {
    let length = try count(length, "n_\(name)")
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    try Memory.reserve(length, for: "copying \(name)")
    return Array(UnsafeBufferPointer(start: pointer, count: length))
}

/// A caller's array whose length the call fixes: n_<name> must be `expected` (checked first), then it is copied as
/// `copiedInput(_:_:_:)` copies.
func copiedInput(_ pointer: UnsafePointer<Double>?, _ length: Int, expected: Int, _ name: String) throws -> [Double] {
    try Validate.count(length, equals: expected, "n_\(name)")
    return try copiedInput(pointer, length, name)
}

/// An optional array read in place whose length is given by another argument (weights[n_data]); NULL: not given.
func optionalInput(_ pointer: UnsafePointer<Double>?, _ length: Int) -> UnsafeBufferPointer<Double>? {
    pointer.map { UnsafeBufferPointer(start: $0, count: length) }
}

/// A caller's output buffer, refusing NULL and checking its length against what the call writes.
func output(_ pointer: UnsafeMutablePointer<Double>?, _ length: Int, expected: Int, _ name: String) throws
    -> UnsafeMutableBufferPointer<Double>
{
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    guard length == expected else {
        // size_t arrives as Int: a huge length is shown as the caller wrote it, not as a negative number.
        throw NeosError.invalidArgument("\(name) has length \(UInt(bitPattern: length)), expected \(expected)")
    }
    return UnsafeMutableBufferPointer(start: pointer, count: length)
}

/// An optional output buffer: NULL means "not wanted"; otherwise its length must be `expected`.
func optionalOutput(_ pointer: UnsafeMutablePointer<Double>?, _ length: Int, expected: Int, _ name: String) throws
    -> UnsafeMutableBufferPointer<Double>?
{
    guard pointer != nil else { return nil }
    return try output(pointer, length, expected: expected, name)
}

/// A required scalar output.
func scalarOutput<T>(_ pointer: UnsafeMutablePointer<T>?, _ name: String) throws -> UnsafeMutablePointer<T> {
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    return pointer
}

/// A C `bool` array read as bytes: any non-zero byte is true (a C caller may store any byte in a bool).
func booleans(_ pointer: UnsafePointer<Bool>, _ count: Int) -> [Bool] {
    let bytes = UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self)
    return (0..<count).map { bytes[$0] != 0 }
}

/// Refuses a non-finite value before it reaches an output with NEOS_OK.
func finite(_ values: [Double], _ name: String) throws -> [Double] {
    if let index = values.firstIndex(where: { !$0.isFinite }) {
        throw NeosError(.numeric, "\(name)[\(index)] would be \(values[index])")
    }
    return values
}

/// Refuses a non-finite scalar before it reaches an output with NEOS_OK.
func finite(_ value: Double, _ name: String) throws -> Double {
    guard value.isFinite else { throw NeosError(.numeric, "\(name) would be \(value)") }
    return value
}

extension UnsafeMutableBufferPointer<Double> {
    /// Fills the buffer from `values`, whose count the caller's length check made equal to the buffer's.
    func write(_ values: [Double]) {
        precondition(values.count == count, "neos: an output's length was checked against another count")
        for (index, value) in values.enumerated() { self[index] = value }
    }
}

/// The two optional Jacobian buffers of a derivative call, checked before any work: rows × n_inputs (with respect
/// to the model's inputs) and rows × n_data (with respect to the data). NULL means "not wanted". The core computes
/// both when either is wanted, so both are reserved then.
struct JacobianOutputs {
    let inputs: UnsafeMutableBufferPointer<Double>?
    let data: UnsafeMutableBufferPointer<Double>?

    /// Whether any Jacobian is wanted.
    var wanted: Bool { inputs != nil || data != nil }

    init(
        rows: Int, model: Model, dataCount: Int, _ inputs: UnsafeMutablePointer<Double>?, _ inputsLength: Int,
        _ data: UnsafeMutablePointer<Double>?, _ dataLength: Int
    ) throws {
        // A length only for a Jacobian that is asked for: a fit of a model with a γ per bin has rows × n_inputs
        // beyond any memory, and needs none of it when no Jacobian is wanted.
        let inputsCount = inputs == nil ? 0 : try count(rows, times: model.inputCount, "rows × n_inputs")
        let dataCount = data == nil ? 0 : try count(rows, times: dataCount, "rows × n_data")
        self.inputs = try optionalOutput(inputs, inputsLength, expected: inputsCount, "out_jacobian_inputs")
        self.data = try optionalOutput(data, dataLength, expected: dataCount, "out_jacobian_data")
        if self.inputs != nil || self.data != nil {
            try Memory.reserve(inputsCount + dataCount, for: "the Jacobians (\(rows) rows)")
        }
    }

    /// Refuses non-finite Jacobian entries that would be written; call before writing any output.
    func verify(inputs: [Double], data: [Double]) throws {
        if self.inputs != nil { _ = try finite(inputs, "out_jacobian_inputs") }
        if self.data != nil { _ = try finite(data, "out_jacobian_data") }
    }

    /// Writes the wanted Jacobians.
    func write(inputs: [Double], data: [Double]) {
        self.inputs?.write(inputs)
        self.data?.write(data)
    }
}
