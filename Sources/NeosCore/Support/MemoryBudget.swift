#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The machine's memory as the bound of every size the core is asked to allocate: a configuration, a file or a
/// model that would need more than this machine has is refused with the size it would need, before any of it is
/// allocated (an allocation that fails aborts the whole host process; a refused size is an error value).
public enum MemoryBudget {
    /// Total physical memory in bytes (`Int.max` when the system does not say).
    public static let physicalBytes: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0, pages <= Int.max / size else { return Int.max }
        return pages * size
    }()

    /// Bytes as a human-readable size ("25275990016 bytes (23.5 GiB)"); sizes are Doubles so that products of
    /// claimed counts never overflow on the way.
    public static func describe(_ bytes: Double) -> String {
        let gib = bytes / 1_073_741_824
        let exact = bytes < 9e18 ? "\(Int(bytes)) bytes" : "\(bytes) bytes"
        return gib >= 0.1 ? "\(exact) (\((gib * 10).rounded() / 10) GiB)" : exact
    }

    /// Refuses `bytes` (what `what` would need) when it exceeds this machine's physical memory.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` saying what would need how much, and how much there is.
    public static func require(_ bytes: Double, for what: String) throws {
        guard bytes.isFinite, bytes <= Double(physicalBytes) else {
            throw NeosError(
                .invalidArgument,
                "\(what) would need \(describe(bytes)), more than this machine's memory "
                    + "(\(describe(Double(physicalBytes))))")
        }
    }
}
