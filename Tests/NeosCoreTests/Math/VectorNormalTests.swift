import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if canImport(NeosKernelsAVX2)
    import NeosKernelsAVX2
#endif
#if canImport(NeosKernelsAVX512)
    import NeosKernelsAVX512
#endif

/// The SIMD exp, erfc, Φ-tail and φ of the binned KDE against the scalar functions (the C library's exp and
/// erfc through ``Normal``) on dense grids, the far tails and the special values; every test runs on each copy
/// of the functions this CPU can run (the baseline one without fused multiply-adds, the AVX2 and AVX-512 ones
/// with them), since the copies round differently.
final class VectorNormalTests: XCTestCase {
    /// One compiled copy of ``VectorNormal``'s functions.
    struct Copy {
        var name: String
        var exponential: (SIMD8<Double>) -> SIMD8<Double>
        var erfc: (SIMD8<Double>) -> SIMD8<Double>
        var tail: (SIMD8<Double>) -> SIMD8<Double>
        var density: (SIMD8<Double>) -> SIMD8<Double>
        var pairedDensity: (SIMD8<Double>) -> SIMD8<Double>
    }

    /// The copies this CPU runs, narrowest first.
    var copies: [Copy] {
        var result = [
            Copy(
                name: "baseline", exponential: NeosCore.VectorNormal.exponential, erfc: NeosCore.VectorNormal.erfc,
                tail: NeosCore.VectorNormal.tail, density: NeosCore.VectorNormal.density,
                pairedDensity: { NeosCore.VectorNormal.tailAndDensity($0).density })
        ]
        #if canImport(NeosKernelsAVX2)
            if KernelTuning.InstructionSet.widest >= .avx2 {
                typealias Functions = NeosKernelsAVX2.VectorNormal
                result.append(
                    Copy(
                        name: "AVX2", exponential: Functions.exponential, erfc: Functions.erfc, tail: Functions.tail,
                        density: Functions.density, pairedDensity: { Functions.tailAndDensity($0).density }))
            }
        #endif
        #if canImport(NeosKernelsAVX512)
            if KernelTuning.InstructionSet.widest >= .avx512 {
                typealias Functions = NeosKernelsAVX512.VectorNormal
                result.append(
                    Copy(
                        name: "AVX-512", exponential: Functions.exponential, erfc: Functions.erfc,
                        tail: Functions.tail, density: Functions.density,
                        pairedDensity: { Functions.tailAndDensity($0).density }))
            }
        #endif
        return result
    }

    /// Applies a vector function to scalars, eight at a time.
    func lanes(_ values: [Double], _ function: (SIMD8<Double>) -> SIMD8<Double>) -> [Double] {
        var out: [Double] = []
        for start in stride(from: 0, to: values.count, by: 8) {
            var vector = SIMD8<Double>(repeating: values[start])
            for lane in 0..<min(8, values.count - start) { vector[lane] = values[start + lane] }
            let result = function(vector)
            for lane in 0..<min(8, values.count - start) { out.append(result[lane]) }
        }
        return out
    }

    /// The largest |ours − reference| / |reference| over the grid, for references above the smallest normal.
    func largestRelativeError(_ ours: [Double], _ reference: [Double]) -> Double {
        zip(ours, reference).filter { $0.1 >= Double.leastNormalMagnitude }.map { abs($0.0 - $0.1) / $0.1 }.max() ?? 0
    }

    /// exp on [−745, 0] (step 1e-3, plus the reduction's boundaries): within 2 ulp (4.5e-16 relative; measured
    /// 2.2e-16 in every copy) of the C library where the result is normal, within one subnormal step below that.
    func testExponentialMatchesTheCLibrary() {
        let grid = (0...745_000).map { -Double($0) * 1e-3 } + [-0.5 * log(2.0), -1.5 * log(2.0), -708.39, -744.4]
        let reference = grid.map { exp($0) }
        for copy in copies {
            let ours = lanes(grid, copy.exponential)
            let worst = largestRelativeError(ours, reference)
            XCTAssertLessThanOrEqual(worst, 4.5e-16, copy.name)
            for (value, expected) in zip(ours, reference) where expected < Double.leastNormalMagnitude {
                XCTAssertEqual(value, expected, accuracy: 2 * Double.leastNonzeroMagnitude, copy.name)
            }
            XCTAssertEqual(lanes([0, -800, -.infinity], copy.exponential), [1, 0, 0], copy.name)
            XCTAssertTrue(lanes([.nan], copy.exponential)[0].isNaN, copy.name)
        }
    }

    /// erfc on [0, 27.3] (step 1e-4): within 1.5e-15 relative (about 7 ulp; measured worst cases: 1.24e-15 for the
    /// baseline copy, from rounding in the degree-10/11 rational, 1.06e-15 with fused multiply-adds) of the C library's
    /// erfc wherever that is normal.
    func testErfcMatchesTheCLibrary() {
        let grid = (0...273_000).map { Double($0) * 1e-4 }
        let reference = grid.map { erfc($0) }
        for copy in copies {
            let worst = largestRelativeError(lanes(grid, copy.erfc), reference)
            XCTAssertLessThanOrEqual(worst, 1.5e-15, copy.name)
            XCTAssertEqual(lanes([0, 27.5, .infinity], copy.erfc), [1, 0, 0], copy.name)
        }
    }

    /// Q(|z|) against ``Normal/survival(_:)`` for z ∈ [−38.6, 38.6] (step 1e-4, both signs): within 1.5e-15
    /// relative (measured worst 1.35e-15 baseline, 1.15e-15 with fused multiply-adds) wherever Q is normal;
    /// exactly 0 from ``VectorNormal/zeroBeyond`` on; Q(±0) = ½, Q(±∞) = 0, NaN → NaN.
    func testTailMatchesTheScalarNormal() {
        let positive = (0...386_000).map { Double($0) * 1e-4 }
        let grid = positive + positive.map { -$0 }
        let reference = grid.map { Normal.survival(abs($0)) }
        for copy in copies {
            let ours = lanes(grid, copy.tail)
            let worst = largestRelativeError(ours, reference)
            XCTAssertLessThanOrEqual(worst, 1.5e-15, copy.name)
            for (value, expected) in zip(ours, reference) where expected < Double.leastNormalMagnitude {
                XCTAssertEqual(value, expected, accuracy: Double.leastNormalMagnitude, copy.name)
            }
            XCTAssertEqual(
                lanes([0, -0.0, .infinity, -.infinity, 38.625, -38.625, 40, 1e300], copy.tail),
                [0.5, 0.5, 0, 0, 0, 0, 0, 0], copy.name)
            XCTAssertTrue(lanes([.nan], copy.tail)[0].isNaN, copy.name)
        }
    }

    /// φ against ``Normal/pdf(_:)`` (same rounded exponent −z²/2, so only exp differs): within 4.5e-16 relative
    /// (measured 2.8e-16 in every copy); within each copy ``VectorNormal/tailAndDensity(_:)`` gives the same bits
    /// for φ as ``VectorNormal/density(_:)`` (the data gradient must not depend on whether the weights gradient was
    /// asked for).
    func testDensityMatchesTheScalarNormal() {
        let positive = (0...386_000).map { Double($0) * 1e-4 }
        let grid = positive + positive.map { -$0 }
        let reference = grid.map { Normal.pdf($0) }
        for copy in copies {
            let ours = lanes(grid, copy.density)
            let worst = largestRelativeError(ours, reference)
            XCTAssertLessThanOrEqual(worst, 4.5e-16, copy.name)
            XCTAssertEqual(lanes(grid, copy.pairedDensity), ours, copy.name)
            XCTAssertEqual(lanes([.infinity, -.infinity, 38.625, -39], copy.density), [0, 0, 0, 0], copy.name)
            XCTAssertEqual(lanes([0], copy.density)[0], Normal.inverseSqrt2Pi, accuracy: 1e-16, copy.name)
            XCTAssertTrue(lanes([.nan], copy.density)[0].isNaN, copy.name)
        }
    }
}
