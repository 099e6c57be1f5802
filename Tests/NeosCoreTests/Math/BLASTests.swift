import XCTest

@testable import NeosCore

/// The run-time BLAS: the library in use is a real one with a kernel that fits the CPU, and its routines agree with
/// the portable loops (the fallback when no library loads) on every argument form the core uses.
final class BLASTests: XCTestCase {
    /// OpenBLAS's generic x86-64 kernel families: one of them on a CPU with AVX2 means the library did not know
    /// the CPU, which the core-type choice at load time exists to prevent.
    private let genericCores: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine", "Northwood", "Banias",
    ]

    func testALibraryIsInUseWithAKernelForThisCPU() {
        let description = BLAS.description
        XCTAssertTrue(BLAS.isLoaded)
        // setup.sh installs OpenBLAS, so the test machines always have a library; built-in would be a regression.
        XCTAssertFalse(description.isBuiltIn, "no BLAS loaded: \(description.fallbackReason)")
        XCTAssertFalse(description.core.isEmpty)
        // libneos loaded this library itself and nothing set its threads: it runs single-threaded and the core
        // splits large products over the cores.
        if getenv("OPENBLAS_NUM_THREADS") == nil { XCTAssertTrue(description.splitsProducts) }
        if CPUFeatures.openBLASCoreType != nil, getenv("OPENBLAS_CORETYPE") == nil {
            XCTAssertFalse(genericCores.contains(description.core), "generic kernel \(description.core)")
        }
    }

    func testNamingAnotherLibraryOnceOneIsInUseIsRefused() throws {
        let inUse = BLAS.description.library
        XCTAssertThrowsError(try BLAS.useLibrary(at: "/nonexistent/libblas-of-nobody.so")) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("already in use"))
        }
        XCTAssertEqual(BLAS.description.library, inUse)
        if !BLAS.description.isBuiltIn { XCTAssertNoThrow(try BLAS.useLibrary(at: inUse)) }
    }

    func testLoadingRefusesALibraryWithoutTheRoutines() {
        // libm loads but has no BLAS: refused with the routines it lacks named, nothing else changes.
        XCTAssertThrowsError(try BLAS.Routines.load(path: "libm.so.6")) { error in
            XCTAssertTrue("\(error)".contains("cblas_dgemm"), "\(error)")
        }
        XCTAssertThrowsError(try BLAS.Routines.load(path: "/nonexistent/libblas-of-nobody.so")) { error in
            XCTAssertTrue("\(error)".contains("does not load"), "\(error)")
        }
    }

    /// Products of every transposition against the portable loops; both sum the same products in different
    /// orders, so they agree to rounding: 1e-13 relative to the sum of absolute terms.
    func testMatrixProductsAgreeWithThePortableLoops() {
        var generator = SplitMix64(seed: 20_261_202)
        for (rows, columns, inner) in [(1, 1, 1), (7, 5, 3), (33, 17, 65), (64, 128, 9)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(rows * inner)).map { _ in generator.nextUniform() * 2 - 1 }
                    let b = (0..<(inner * columns)).map { _ in generator.nextUniform() * 2 - 1 }
                    let start = (0..<(rows * columns)).map { _ in generator.nextUniform() }
                    var library = start
                    var portable = start
                    let lda = Int32(transposeA ? rows : inner)
                    let ldb = Int32(transposeB ? inner : columns)
                    BLAS.dgemm(
                        transposeA: transposeA, transposeB: transposeB, rows: Int32(rows), columns: Int32(columns),
                        inner: Int32(inner), alpha: 0.75, a, lda: lda, b, ldb: ldb, beta: -0.5, &library,
                        ldc: Int32(columns))
                    PortableLinearAlgebra.gemm(
                        transposeA: transposeA, transposeB: transposeB, rows: rows, columns: columns, inner: inner,
                        alpha: 0.75, a, lda: Int(lda), b, ldb: Int(ldb), beta: -0.5, &portable, ldc: columns)
                    let scale = Double(inner) + 1
                    for index in 0..<(rows * columns) {
                        XCTAssertEqual(library[index], portable[index], accuracy: 1e-13 * scale)
                    }
                }
            }
        }
        let a = (0..<(40 * 23)).map { _ in generator.nextUniform() - 0.5 }
        let x = (0..<40).map { _ in generator.nextUniform() - 0.5 }
        var library = [Double](repeating: 1, count: 23)
        var portable = library
        BLAS.dgemvTransposed(rows: 40, columns: 23, a, lda: 23, x, beta: 2, &library)
        PortableLinearAlgebra.gemvTransposed(rows: 40, columns: 23, a, lda: 23, x, beta: 2, &portable)
        for index in 0..<23 { XCTAssertEqual(library[index], portable[index], accuracy: 1e-13 * 41) }
    }

    /// Cholesky factor, solve and inverse of seeded SPD matrices against the portable loops: 1e-12 relative
    /// (condition numbers below 1e3 here).
    func testCholeskyRoutinesAgreeWithThePortableLoops() {
        var generator = SplitMix64(seed: 7)
        for n in [1, 2, 5, 17, 60] {
            let g = (0..<(n * n)).map { _ in generator.nextUniform() - 0.5 }
            var spd = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    var sum = i == j ? Double(n) : 0
                    for k in 0..<n { sum += g[i * n + k] * g[j * n + k] }
                    spd[i * n + j] = sum
                }
            }
            var libraryFactor = spd
            var portableFactor = spd
            XCTAssertEqual(BLAS.choleskyFactor(order: Int32(n), &libraryFactor), 0)
            XCTAssertEqual(PortableLinearAlgebra.choleskyFactor(order: n, &portableFactor), 0)
            for i in 0..<n {
                for j in 0...i {
                    XCTAssertEqual(libraryFactor[i * n + j], portableFactor[i * n + j], accuracy: 1e-12 * Double(n))
                }
            }
            let rhs = (0..<n).map { _ in generator.nextUniform() - 0.5 }
            var librarySolution = rhs
            var portableSolution = rhs
            XCTAssertEqual(BLAS.choleskySolve(order: Int32(n), libraryFactor, &librarySolution), 0)
            PortableLinearAlgebra.choleskySolve(order: n, portableFactor, &portableSolution)
            for i in 0..<n { XCTAssertEqual(librarySolution[i], portableSolution[i], accuracy: 1e-12) }
            var libraryInverse = libraryFactor
            var portableInverse = portableFactor
            XCTAssertEqual(BLAS.choleskyInverse(order: Int32(n), &libraryInverse), 0)
            XCTAssertEqual(PortableLinearAlgebra.choleskyInverse(order: n, &portableInverse), 0)
            for i in 0..<n {
                for j in 0...i {
                    XCTAssertEqual(libraryInverse[i * n + j], portableInverse[i * n + j], accuracy: 1e-12)
                }
            }
        }
        // Not positive definite: both report the order of the first failing minor.
        var indefinite: [Double] = [1, 2, 2, 1]
        var copy = indefinite
        XCTAssertEqual(BLAS.choleskyFactor(order: 2, &indefinite), 2)
        XCTAssertEqual(PortableLinearAlgebra.choleskyFactor(order: 2, &copy), 2)
    }
}
