#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What this CPU can run, from the "flags" line of /proc/cpuinfo (read once; empty off Linux or where the file
/// says nothing): the one home of the feature sets behind OpenBLAS's kernel choice (`BLAS`) and the binned KDE's
/// instruction-set copies (`KernelTuning`).
enum CPUFeatures {
    /// The CPU's feature flags ("avx2", "fma", ...).
    static let flags: Set<String> = readFlags() ?? []

    /// AVX-512 F/CD/BW/DQ/VL: what Skylake-AVX512 code needs (OpenBLAS's SkylakeX kernels, the NeosKernelsAVX512
    /// copy of the KDE loop).
    static let hasSkylakeAVX512 = flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    /// AVX2 and FMA: what OpenBLAS's Haswell kernels need.
    static let hasAVX2AndFMA = flags.isSuperset(of: ["avx2", "fma"])

    /// Every feature `-target-cpu haswell` lets the compiler use, so that the NeosKernelsAVX2 copy may run.
    static let hasHaswell = flags.isSuperset(of: [
        "avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "popcnt",
    ])

    /// "SkylakeX" (AVX-512), "Haswell" (AVX2 and FMA), or nil (other CPUs, or not Linux on x86-64: then the
    /// library decides alone): the OpenBLAS kernel family this CPU runs best.
    static let openBLASCoreType: String? = {
        #if os(Linux) && arch(x86_64)
            if hasSkylakeAVX512 { return "SkylakeX" }
            if hasAVX2AndFMA { return "Haswell" }
            return nil
        #else
            return nil
        #endif
    }()

    /// The "flags" line of /proc/cpuinfo's first processor, as a set of words.
    private static func readFlags() -> Set<String>? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard text.hasPrefix("flags") else { continue }
            guard let colon = text.firstIndex(of: ":") else { return nil }
            return Set(
                text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return nil
    }
}
