#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and writes without Foundation.
public enum FileBytes {
    /// The most bytes ``read(_:limit:)`` reads by default: a quarter of the machine's memory, so that a file
    /// that never ends (/dev/zero, a pipe) or one larger than memory is refused instead of read until an
    /// allocation fails and aborts the process.
    public static var defaultLimit: Int { max(MemoryBudget.physicalBytes / 4, 1 << 20) }

    /// The whole file at `path`, byte for byte, if it has at most `limit` bytes.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be opened (with the system's reason),
    ///   a read fails, or it holds more than `limit` bytes (a regular file is refused by its size before any read;
    ///   a device or pipe once `limit` bytes have come and more follow).
    public static func read(_ path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        try withReader(path) { reader in
            if let size = reader.size, size > limit {
                throw NeosError(.invalidArgument, "\(path) has \(size) bytes, more than the \(limit) that may be read")
            }
            let bytes = try reader.bytes(upTo: limit)
            guard reader.atEnd else {
                throw NeosError(.invalidArgument, "\(path) holds more than the \(limit) bytes that may be read")
            }
            return bytes
        }
    }

    /// An open file read in pieces, each bounded by the caller (``withReader(_:_:)``). Reads go in 64 KiB chunks;
    /// what a line search read past its newline is kept for the next read.
    public final class Reader {
        let file: UnsafeMutablePointer<FILE>
        /// The path, for messages.
        public let path: String
        /// Bytes read from the file but not yet handed out.
        var pending: ArraySlice<UInt8> = []

        init(file: UnsafeMutablePointer<FILE>, path: String) {
            self.file = file
            self.path = path
        }

        /// The file's size when it is a regular file (nil for devices and pipes, whose length is unknown).
        public var size: Int? {
            var status = stat()
            guard fstat(fileno(file), &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
            return Int(status.st_size)
        }

        /// The next chunk of at most `limit` bytes (pending ones first); empty at the end of the file.
        func chunk(_ limit: Int) throws -> ArraySlice<UInt8> {
            if !pending.isEmpty {
                let taken = pending.prefix(limit)
                pending = pending.dropFirst(taken.count)
                return taken
            }
            var chunk = [UInt8](repeating: 0, count: min(1 << 16, limit))
            let count = chunk.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, file) }
            guard ferror(file) == 0 else { throw NeosError(.invalidArgument, "reading \(path) failed") }
            return chunk[0..<count]
        }

        /// Up to `limit` bytes: fewer only at the end of the file.
        ///
        /// - Throws: `NeosError` of kind `.invalidArgument` when a read fails.
        public func bytes(upTo limit: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            while bytes.count < limit {
                let next = try chunk(limit - bytes.count)
                if next.isEmpty { break }
                bytes.append(contentsOf: next)
            }
            return bytes
        }

        /// The bytes before the next newline (which is consumed), or nil when the file ends first or no newline
        /// comes within `limit` bytes (nothing more than a chunk beyond those is read).
        ///
        /// - Throws: `NeosError` of kind `.invalidArgument` when a read fails.
        public func line(limit: Int) throws -> [UInt8]? {
            var bytes: [UInt8] = []
            while bytes.count <= limit {
                let next = try chunk(1 << 16)
                if next.isEmpty { return nil }
                // memchr: a byte-by-byte search is slow over the 64 MiB a file without newline makes it read.
                let offset: Int? = next.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress, let found = memchr(base, 0x0A, buffer.count) else {
                        return nil
                    }
                    return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                }
                if let offset {
                    let newline = next.startIndex + offset
                    bytes.append(contentsOf: next[..<newline])
                    pending = next[(newline + 1)...] + pending
                    return bytes.count <= limit ? bytes : nil
                }
                bytes.append(contentsOf: next)
            }
            return nil
        }

        /// Whether nothing follows what has been read.
        public var atEnd: Bool {
            guard pending.isEmpty else { return false }
            guard let next = try? chunk(1), !next.isEmpty else { return true }
            pending = next
            return false
        }
    }

    /// Opens `path` for reading, runs `body` on it and closes it.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when the file cannot be opened, and what `body` throws.
    public static func withReader<Result>(_ path: String, _ body: (Reader) throws -> Result) throws -> Result {
        guard let file = fopen(path, "rb") else {
            throw NeosError(.invalidArgument, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        return try body(Reader(file: file, path: path))
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
    /// - Throws: as ``read(_:limit:)``.
    public static func readText(_ path: String, limit: Int = defaultLimit) throws -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }

    /// Writes `text` to `path` as UTF-8, with no byte-order mark and nothing added.
    public static func writeText(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}
