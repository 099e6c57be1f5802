import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The BLAS and LAPACK routines of the core (dgemm and dgemv for the network's dense layers, sgemm and sgemv for
/// them in float32; dpotrf, dpotrs and dpotri for fit Hessians), resolved at run time from a shared library instead
/// of being linked when libneos is built.
///
/// Why at run time: a user's speed must not depend on how old their distribution is. Debian 12's OpenBLAS 0.3.21
/// does not know current Intel CPUs and runs its generic Prescott kernel there, 3–4× slower than the SkylakeX
/// kernel a current OpenBLAS picks. Loading at run time lets the Python package hand libneos the current OpenBLAS
/// it depends on (the `scipy-openblas32` wheel, the one scipy builds against), lets C users name one, and lets
/// libneos load and run with no BLAS at all.
///
/// Which library, in this order, at the first call that needs one:
/// 1. the one named by `useLibrary(at:)` (the C ABI's `neos_blas_use_library`), else by the environment variable
///    `NEOS_BLAS_LIBRARY`;
/// 2. the system's OpenBLAS (`libopenblas.so.0`, then `libopenblas.so`). When that library is not yet loaded in
///    the process and `OPENBLAS_CORETYPE` is unset, the variable is set while it loads to the best kernel family
///    this CPU runs (SkylakeX with AVX-512, Haswell with AVX2 and FMA), then restored: an old OpenBLAS that does
///    not know the CPU model otherwise falls back to its generic kernel;
/// 3. none: portable Swift loops (`PortableLinearAlgebra`), correct and slow, and `description` says so.
///
/// A library must export the CBLAS and LAPACK symbols with 32-bit integers, either plain (`cblas_dgemm`,
/// `dpotrf_`) or with the `scipy_` prefix of scipy-openblas; one built with 64-bit integers is refused. The float32
/// routines (`cblas_sgemm`, `cblas_sgemv`) are optional: a library without them still serves the float64 routines,
/// and float32 products then run the portable loops.
///
/// Threads: OpenBLAS's own threads spin while they wait for work, and on a busy machine the network's small
/// products (thousands of events × 32 units) then spend most of their time waiting, 2–3× slower than one thread.
/// So when libneos loads an OpenBLAS itself (not one the process had already loaded, whose settings belong to the
/// host) and `OPENBLAS_NUM_THREADS` is unset, it sets the library to one thread and splits large products over the
/// cores itself (`DenseMatrixProduct`), with threads that block instead of spinning.
public enum BLAS {
    /// What the core runs its dense algebra on.
    public struct Description: Sendable, Equatable {
        /// The shared library's path as it was loaded, or "built-in" for the portable Swift loops.
        public let library: String
        /// The kernel family OpenBLAS chose for this CPU (`openblas_get_corename`, e.g. "SkylakeX", "Haswell",
        /// "Zen"), or "" when the library does not say.
        public let core: String
        /// OpenBLAS's build description (`openblas_get_config`: version, DYNAMIC_ARCH, thread count), or "".
        public let configuration: String
        /// Why the library in use is not the one asked for first (NEOS_BLAS_LIBRARY), or why none is used: every
        /// path tried and what failed; "" when the first choice loaded.
        public let fallbackReason: String
        /// True when libneos set the library to one thread and splits large products over the cores itself (see
        /// the type's documentation); false when the library's own threading is left as the host configured it.
        public var splitsProducts: Bool = false

        /// True when the portable Swift loops run instead of a BLAS library.
        public var isBuiltIn: Bool { library == BLAS.builtInName }
    }

    /// The name `Description.library` has when no library is used.
    public static let builtInName = "built-in"

    /// Names the shared library to load, before the first call that needs BLAS. Calling it again with the same
    /// path, or after that library was loaded from it, does nothing; naming another library once one is in use is
    /// refused (a process keeps the BLAS it started with), as is a library that does not load or lacks a routine.
    public static func useLibrary(at path: String) throws {
        try state.withLock { state in
            switch state {
            case .loaded(let routines):
                guard routines.description.library == path else {
                    throw NeosError.invalidArgument(
                        "BLAS is already in use from \(routines.description.library); name a library before the "
                            + "first call that needs one")
                }
            case .pending:
                state = .loaded(try Routines.load(path: path))
            }
        }
    }

    /// The library in use, loading it first if no call has needed it yet.
    public static var description: Description { routines.description }

    /// True when products are split over the cores by libneos (`Description.splitsProducts`).
    static var splitsProducts: Bool { routines.description.splitsProducts }

    /// True when the library in use has the float32 products (sgemm and sgemv); false when float32 runs the
    /// portable loops.
    static var hasFloat32Products: Bool { routines.sgemm != nil }

    /// True when a library has been chosen (by a call that needed BLAS, `useLibrary` or `description`).
    public static var isLoaded: Bool {
        state.withLock { if case .loaded = $0 { true } else { false } }
    }

    // MARK: - The routines, as the core calls them (row-major, 32-bit integers)

    /// cblas_dgemm on row-major buffers: C = α·op(A)·op(B) + β·C, with op(X) = Xᵀ when `transposeX`.
    static func dgemm(
        transposeA: Bool, transposeB: Bool, rows: Int32, columns: Int32, inner: Int32, alpha: Double,
        _ a: UnsafePointer<Double>, lda: Int32, _ b: UnsafePointer<Double>, ldb: Int32, beta: Double,
        _ c: UnsafeMutablePointer<Double>, ldc: Int32
    ) {
        let routines = self.routines
        if let dgemm = routines.dgemm {
            dgemm(
                rowMajor, transposeA ? transposed : notTransposed, transposeB ? transposed : notTransposed, rows,
                columns, inner, alpha, a, lda, b, ldb, beta, c, ldc)
        } else {
            PortableLinearAlgebra.gemm(
                transposeA: transposeA, transposeB: transposeB, rows: Int(rows), columns: Int(columns),
                inner: Int(inner), alpha: alpha, a, lda: Int(lda), b, ldb: Int(ldb), beta: beta, c, ldc: Int(ldc))
        }
    }

    /// cblas_sgemm on row-major buffers, as `dgemm` in float32 (the network's `precision: float32`); the portable
    /// loops when the library has no sgemm.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, rows: Int32, columns: Int32, inner: Int32, alpha: Float,
        _ a: UnsafePointer<Float>, lda: Int32, _ b: UnsafePointer<Float>, ldb: Int32, beta: Float,
        _ c: UnsafeMutablePointer<Float>, ldc: Int32
    ) {
        let routines = self.routines
        if let sgemm = routines.sgemm {
            sgemm(
                rowMajor, transposeA ? transposed : notTransposed, transposeB ? transposed : notTransposed, rows,
                columns, inner, alpha, a, lda, b, ldb, beta, c, ldc)
        } else {
            PortableLinearAlgebra.gemm(
                transposeA: transposeA, transposeB: transposeB, rows: Int(rows), columns: Int(columns),
                inner: Int(inner), alpha: alpha, a, lda: Int(lda), b, ldb: Int(ldb), beta: beta, c, ldc: Int(ldc))
        }
    }

    /// cblas_sgemv with a transposed row-major A, as `dgemvTransposed` in float32.
    static func sgemvTransposed(
        rows: Int32, columns: Int32, _ a: UnsafePointer<Float>, lda: Int32, _ x: UnsafePointer<Float>,
        beta: Float, _ y: UnsafeMutablePointer<Float>
    ) {
        let routines = self.routines
        if let sgemv = routines.sgemv {
            sgemv(rowMajor, transposed, rows, columns, 1, a, lda, x, 1, beta, y, 1)
        } else {
            PortableLinearAlgebra.gemvTransposed(
                rows: Int(rows), columns: Int(columns), a, lda: Int(lda), x, beta: beta, y)
        }
    }

    /// cblas_dgemv with a transposed row-major A (rows × columns): y = Aᵀ·x + β·y, unit strides.
    static func dgemvTransposed(
        rows: Int32, columns: Int32, _ a: UnsafePointer<Double>, lda: Int32, _ x: UnsafePointer<Double>,
        beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        let routines = self.routines
        if let dgemv = routines.dgemv {
            dgemv(rowMajor, transposed, rows, columns, 1, a, lda, x, 1, beta, y, 1)
        } else {
            PortableLinearAlgebra.gemvTransposed(
                rows: Int(rows), columns: Int(columns), a, lda: Int(lda), x, beta: beta, y)
        }
    }

    /// LAPACK dpotrf with uplo "U" on an n×n column-major matrix (the row-major lower triangle): returns info.
    static func choleskyFactor(order: Int32, _ a: UnsafeMutablePointer<Double>) -> Int32 {
        var n = order
        var info: Int32 = 0
        if let dpotrf = routines.dpotrf {
            upper.withUnsafeBufferPointer { uplo in dpotrf(uplo.baseAddress!, &n, a, &n, &info, 1) }
        } else {
            info = PortableLinearAlgebra.choleskyFactor(order: Int(order), a)
        }
        return info
    }

    /// LAPACK dpotrs with uplo "U" and one right-hand side, given dpotrf's factor: b is overwritten by the
    /// solution; returns info.
    static func choleskySolve(order: Int32, _ a: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>) -> Int32 {
        var n = order
        var columns: Int32 = 1
        var info: Int32 = 0
        if let dpotrs = routines.dpotrs {
            upper.withUnsafeBufferPointer { uplo in dpotrs(uplo.baseAddress!, &n, &columns, a, &n, b, &n, &info, 1) }
        } else {
            PortableLinearAlgebra.choleskySolve(order: Int(order), a, b)
        }
        return info
    }

    /// LAPACK dpotri with uplo "U": the inverse from dpotrf's factor, in the same triangle; returns info.
    static func choleskyInverse(order: Int32, _ a: UnsafeMutablePointer<Double>) -> Int32 {
        var n = order
        var info: Int32 = 0
        if let dpotri = routines.dpotri {
            upper.withUnsafeBufferPointer { uplo in dpotri(uplo.baseAddress!, &n, a, &n, &info, 1) }
        } else {
            info = PortableLinearAlgebra.choleskyInverse(order: Int(order), a)
        }
        return info
    }

    // MARK: - Loading

    /// CBLAS's enumeration values (cblas.h: CblasRowMajor, CblasNoTrans, CblasTrans), as C ints.
    private static let rowMajor: Int32 = 101
    private static let notTransposed: Int32 = 111
    private static let transposed: Int32 = 112
    /// LAPACK's uplo argument "U", NUL-terminated.
    private static let upper: [CChar] = [CChar(UInt8(ascii: "U")), 0]

    typealias DgemmFunction =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32, UnsafePointer<Double>?,
            Int32, Double, UnsafeMutablePointer<Double>?, Int32
        ) -> Void
    typealias DgemvFunction =
        @convention(c) (
            Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32, UnsafePointer<Double>?, Int32, Double,
            UnsafeMutablePointer<Double>?, Int32
        ) -> Void
    typealias SgemmFunction =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?,
            Int32, Float, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    typealias SgemvFunction =
        @convention(c) (
            Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
            UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    typealias DpotrfFunction =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Double>?, UnsafePointer<Int32>?,
            UnsafeMutablePointer<Int32>?, Int
        ) -> Void
    typealias DpotrsFunction =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Double>?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Double>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Int32>?,
            Int
        ) -> Void
    typealias TextFunction = @convention(c) () -> UnsafePointer<CChar>?
    typealias SetThreadsFunction = @convention(c) (Int32) -> Void

    /// The resolved entry points of one library (all nil for the portable loops).
    struct Routines: @unchecked Sendable {
        var description: Description
        var dgemm: DgemmFunction? = nil
        var dgemv: DgemvFunction? = nil
        var dpotrf: DpotrfFunction? = nil
        var dpotrs: DpotrsFunction? = nil
        var dpotri: DpotriFunction? = nil
        var sgemm: SgemmFunction? = nil
        var sgemv: SgemvFunction? = nil

        typealias DpotriFunction = DpotrfFunction

        /// Opens `path` and resolves every routine, plain or with scipy-openblas's prefix.
        static func load(path: String, coreType: String? = nil) throws -> Routines {
            // A library the process had already loaded keeps the host's thread settings.
            let alreadyLoaded = dlopen(path, RTLD_NOW | RTLD_NOLOAD)
            if let alreadyLoaded { dlclose(alreadyLoaded) }
            guard let handle = withCoreType(coreType, { dlopen(path, RTLD_NOW | RTLD_LOCAL) }) else {
                let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
                throw NeosError.invalidArgument("the BLAS library \(path) does not load: \(reason)")
            }
            func symbol<T>(_ name: String, as type: T.Type) -> T? {
                for prefix in ["", "scipy_"] {
                    if let address = dlsym(handle, prefix + name) { return unsafeBitCast(address, to: type) }
                }
                return nil
            }
            func text(_ name: String) -> String {
                guard let function = symbol(name, as: TextFunction.self), let text = function() else { return "" }
                return String(cString: text)
            }
            let configuration = text("openblas_get_config").trimmingSpaces
            guard !configuration.contains("USE64BITINT") else {
                dlclose(handle)
                throw NeosError.invalidArgument(
                    "the BLAS library \(path) uses 64-bit integers (\(configuration)); libneos needs 32-bit ones")
            }
            guard let dgemm = symbol("cblas_dgemm", as: DgemmFunction.self),
                let dgemv = symbol("cblas_dgemv", as: DgemvFunction.self),
                let dpotrf = symbol("dpotrf_", as: DpotrfFunction.self),
                let dpotrs = symbol("dpotrs_", as: DpotrsFunction.self),
                let dpotri = symbol("dpotri_", as: DpotrfFunction.self)
            else {
                dlclose(handle)
                throw NeosError.invalidArgument(
                    "the BLAS library \(path) lacks cblas_dgemm, cblas_dgemv, dpotrf_, dpotrs_ or dpotri_ "
                        + "(plain or scipy_-prefixed)")
            }
            var description = Description(
                library: path, core: text("openblas_get_corename").trimmingSpaces, configuration: configuration,
                fallbackReason: "")
            if alreadyLoaded == nil, getenv("OPENBLAS_NUM_THREADS") == nil,
                let setThreads = symbol("openblas_set_num_threads", as: SetThreadsFunction.self)
            {
                setThreads(1)
                description.splitsProducts = true
            }
            // Both float32 routines or neither: a library with only one of them serves float32 by the loops.
            let sgemm = symbol("cblas_sgemm", as: SgemmFunction.self)
            let sgemv = symbol("cblas_sgemv", as: SgemvFunction.self)
            let hasFloat32 = sgemm != nil && sgemv != nil
            return Routines(
                description: description, dgemm: dgemm, dgemv: dgemv, dpotrf: dpotrf, dpotrs: dpotrs, dpotri: dpotri,
                sgemm: hasFloat32 ? sgemm : nil, sgemv: hasFloat32 ? sgemv : nil)
        }

        /// The same routines, their description saying why the library asked for first is not in use.
        func noting(_ fallbackReason: String) -> Routines {
            var copy = self
            copy.description = Description(
                library: description.library, core: description.core, configuration: description.configuration,
                fallbackReason: fallbackReason, splitsProducts: description.splitsProducts)
            return copy
        }

        /// The first library that loads: the requested one (a failure there falls back, and says why), then the
        /// system's OpenBLAS, else the portable loops.
        static func choose() -> Routines {
            var failures: [String] = []
            if let requested = getenv("NEOS_BLAS_LIBRARY").map({ String(cString: $0) }), !requested.isEmpty {
                do { return try load(path: requested) } catch { failures.append("NEOS_BLAS_LIBRARY: \(error)") }
            }
            for name in ["libopenblas.so.0", "libopenblas.so"] {
                // A library the process has already loaded keeps the kernel it chose; only a fresh load gets one.
                let alreadyLoaded = dlopen(name, RTLD_NOW | RTLD_NOLOAD)
                if let alreadyLoaded { dlclose(alreadyLoaded) }
                do {
                    let routines = try load(
                        path: name, coreType: alreadyLoaded == nil ? CPUFeatures.openBLASCoreType : nil)
                    return failures.isEmpty ? routines : routines.noting(failures.joined(separator: "; "))
                } catch {
                    failures.append("\(error)")
                }
            }
            return Routines(
                description: Description(
                    library: builtInName, core: "", configuration: "", fallbackReason: failures.joined(separator: "; "))
            )
        }

        /// Runs `body` with OPENBLAS_CORETYPE set to `coreType` when it is given and the variable is unset, then
        /// unsets it again, so the host's environment is as it was.
        private static func withCoreType<T>(_ coreType: String?, _ body: () -> T) -> T {
            guard let coreType, getenv("OPENBLAS_CORETYPE") == nil else { return body() }
            setenv("OPENBLAS_CORETYPE", coreType, 0)
            defer { unsetenv("OPENBLAS_CORETYPE") }
            return body()
        }
    }

    private enum State {
        case pending
        case loaded(Routines)
    }

    private static let state = Mutex<State>(.pending)

    /// The routines in use, choosing them at the first call.
    private static var routines: Routines {
        state.withLock { state in
            if case .loaded(let routines) = state { return routines }
            let routines = Routines.choose()
            state = .loaded(routines)
            return routines
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and newlines (OpenBLAS's strings end in a space).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
