import NeosCore

/// A NUL-terminated argument as a Swift string, refusing NULL. `name` is the C parameter name.
func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    return String(cString: pointer)
}

/// A NUL-terminated argument that may be NULL ("not given").
func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// The header's text-output rule: with a NULL buffer only the required length (with NUL) is reported; else the
/// buffer must hold the text and its NUL, and the length is reported when asked for.
func writeString(
    _ value: String, _ out_json: UnsafeMutablePointer<CChar>?, _ n_out_json: Int,
    _ out_json_length: UnsafeMutablePointer<Int>?
) throws {
    // A claimed capacity beyond the machine's memory is no buffer's: refused before anything is written.
    if out_json != nil { _ = try count(n_out_json, "n_out_json", elementSize: 1) }
    let utf8 = Array(value.utf8)
    let needed = utf8.count + 1
    guard let out_json else {
        guard let out_json_length else {
            throw NeosError.invalidArgument("out_json and out_json_length are both NULL")
        }
        out_json_length.pointee = needed
        return
    }
    guard n_out_json >= 0, n_out_json >= needed else {
        throw NeosError.invalidArgument("n_out_json is \(UInt(bitPattern: n_out_json)) bytes; the text needs \(needed)")
    }
    for (index, byte) in utf8.enumerated() { out_json[index] = CChar(bitPattern: byte) }
    out_json[utf8.count] = 0
    out_json_length?.pointee = needed
}
