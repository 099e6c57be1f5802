import NeosCore

/// A NUL-terminated argument as a Swift string; nil pointers are refused unless `optional`.
func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    return String(cString: pointer)
}

func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// A (pointer, length) text argument; need not be NUL-terminated.
func text(_ pointer: UnsafePointer<CChar>?, _ length: Int, _ name: String) throws -> String {
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    guard length >= 0 else { throw NeosError.invalidArgument("\(name) length is not a valid size") }
    let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
    return String(decoding: bytes, as: UTF8.self)
}

/// The header's string-output rule: with a NULL buffer only the required length (with NUL) is reported; else
/// the buffer must hold the text and its NUL.
func writeString(
    _ value: String, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int,
    _ required: UnsafeMutablePointer<Int>?
) throws {
    let utf8 = Array(value.utf8)
    let needed = utf8.count + 1
    guard let buffer else {
        guard let required else { throw NeosError.invalidArgument("buffer and required_length are both NULL") }
        required.pointee = needed
        return
    }
    guard length >= needed else {
        throw NeosError.invalidArgument("buffer_length is \(length) bytes; the text needs \(needed)")
    }
    for (index, byte) in utf8.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[utf8.count] = 0
    required?.pointee = needed
}
