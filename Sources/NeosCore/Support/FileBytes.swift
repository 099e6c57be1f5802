#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and writes without Foundation.
public enum FileBytes {
    /// The whole file at `path`, byte for byte.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be opened (with the system's reason)
    ///   or a read fails.
    public static func read(_ path: String) throws -> [UInt8] {
        try read(path, maximumBytes: Int.max)
    }

    /// The whole file at `path`, refused once more than `maximumBytes` have been read (so an endless file such as
    /// /dev/zero, or one larger than the caller can use, never exhausts memory).
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be opened (with the system's reason),
    ///   a read fails, or the file is longer than `maximumBytes`.
    public static func read(_ path: String, maximumBytes: Int) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw NeosError(.invalidArgument, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            guard count <= maximumBytes - bytes.count else {
                throw NeosError(
                    .invalidArgument, "\(path) is longer than \(maximumBytes) bytes, the most this read accepts")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard ferror(file) == 0 else { throw NeosError(.invalidArgument, "reading \(path) failed") }
        return bytes
    }

    /// Writes `bytes` to `path`, creating the file or truncating an existing one.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be opened, fully written or closed.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw NeosError(.invalidArgument, "cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw NeosError(.invalidArgument, "writing \(path) failed")
        }
    }

    /// The whole file at `path` as text. Bytes that are not well-formed UTF-8 become U+FFFD (a Swift `String` is
    /// always valid Unicode), so a JSON parser reading the text never sees ill-formed bytes.
    ///
    /// - Throws: as ``read(_:)``.
    public static func readText(_ path: String) throws -> String { String(decoding: try read(path), as: UTF8.self) }

    /// Writes `text` to `path` as UTF-8, with no byte-order mark and nothing added.
    public static func writeText(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}
