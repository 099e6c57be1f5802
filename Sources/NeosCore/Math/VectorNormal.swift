// The SIMD special functions of the binned KDE. This file is compiled three times: into NeosCore (the baseline
// instruction set) and, through symlinks, into NeosKernelsAVX2 and NeosKernelsAVX512 (Haswell and Skylake-AVX512
// code generation, with NEOS_FMA defined in Package.swift), so it uses nothing from NeosCore. Every a·b + c goes
// through ``VectorNormal/multiplyAdd(_:_:_:)``: a fused multiply-add (one rounding) in the AVX copies, a product
// and a sum in the baseline copy (where a fused multiply-add would be a library call per lane). The copies
// therefore differ in the last bits; each is deterministic, and the tests bound how far apart they are.

/// Eight doubles: one AVX-512 register, two AVX2 registers, four SSE2 or NEON registers.
package typealias DoubleVector = SIMD8<Double>

/// The standard normal tail Q(z) = Φ(−|z|) and density φ(z), eight lanes at a time, with our own exp and erfc.
///
/// - `exponential` (exp for arguments ≤ 0): Cody–Waite reduction x = k ln2 + r with ln2 split into a 32-bit
///   head (so k·head is exact) and a tail, a degree-12 polynomial for e^r on |r| ≤ ln2/2 (1 + r + r²·g(r), g of
///   degree 10 interpolating (e^r − 1 − r)/r² at the Chebyshev nodes of [−ln2/2, ln2/2], fitted by us in
///   60-digit arithmetic; with its double coefficients it is within 3.4e-19 relative of e^r there, against
///   4.3e-18 for the degree-13 Taylor polynomial it replaces), and 2^k applied in two exact halves so results
///   down to the subnormals are rounded once. Measured against glibc's exp: within 2 ulp (see VectorNormalTests).
/// - `erfc(a)` for a ≥ 0: erfc(a) = e^(−a²) · R(a), where a² = h + l is split exactly (fma(a, a, −h) with fused
///   multiply-adds, else Dekker's product) so that e^(−a²) = e^(−h)(1 − l) carries no error from rounding a²
///   (which e^(−a²) would amplify by a²), and R is a rational function of degree 10/11 fitted by us to
///   e^(a²) erfc(a) on [0, 27.3] (linearised least squares on the relative error, iterated to convergence,
///   110-digit arithmetic; the fitted R is within 1.2e-18 of e^(a²) erfc(a) there, and all its coefficients are
///   positive, so its 21 Horner steps and the division are well conditioned; their roundings add up to about
///   5 ulp in the worst case). Measured against glibc's erfc on a dense grid of [0, 27.3] (step 1e-4): within
///   1.24e-15 relative in the baseline copy, 1.06e-15 in the AVX copies (fused multiply-adds round each Horner
///   step once; the 1e-15 target would need a lower-degree piecewise fit as well).
/// - `tail(z)` = ½ erfc(|z|·(1/√2)), with the argument rounded exactly as ``Normal/survival(_:)`` rounds it, so
///   the two agree to the accuracy of erfc, measured 1.35e-15 relative at worst (1.15e-15 in the AVX copies;
///   the rounding of |z|/√2 itself, amplified by z² in the far tail, is the same in both and documented on
///   ``Normal``).
/// - `density(z)` = e^(−z²/2)/√(2π) with z²/2 rounded as ``Normal/pdf(_:)`` rounds it.
///
/// Both are exactly 0 for |z| ≥ ``zeroBeyond`` (38.625), where the true values are below 2^−1075 and round to 0
/// in double precision; the histogram relies on that to skip edges without changing a bit of its result.
/// A NaN lane gives NaN, ±∞ gives 0.
package enum VectorNormal {
    /// |z| from which ``tail(_:)`` and ``density(_:)`` are exactly 0: Q(38.625) ≈ 1e-326 and φ(38.625) ≈ 4e-325
    /// are below half the smallest subnormal.
    package static let zeroBeyond: Double = 38.625

    static let inverseSqrt2: Double = 0.7071067811865475244
    static let inverseSqrt2Pi: Double = 0.3989422804014326779
    static let log2e: Double = 1.442695040888963407359925
    /// ln 2 to 32 significant bits (0x1.62e42feep-1), so k · ln2Head is exact for |k| < 2^21.
    static let ln2Head: Double = 0.6931471803691238164901733
    /// ln 2 − ln2Head.
    static let ln2Tail: Double = 1.908214929270587816144266e-10
    /// 1.5 · 2^52: adding and subtracting it rounds a double below 2^51 in magnitude to the nearest integer.
    static let roundingShift: Double = 6_755_399_441_055_744
    /// 2^27 + 1, Veltkamp's splitting factor for Dekker's exact product.
    static let splitter: Double = 134_217_729

    /// a · b + c: fused (one rounding) where NEOS_FMA is defined (the AVX copies), else rounded twice.
    @inline(__always) static func multiplyAdd(
        _ a: DoubleVector, _ b: DoubleVector, _ c: DoubleVector
    ) -> DoubleVector {
        #if NEOS_FMA
            c.addingProduct(a, b)
        #else
            a * b + c
        #endif
    }

    /// a · b + c for a scalar c.
    @inline(__always) static func multiplyAdd(_ a: DoubleVector, _ b: DoubleVector, _ c: Double) -> DoubleVector {
        multiplyAdd(a, b, DoubleVector(repeating: c))
    }

    /// e^x for x ≤ 0 (x below −750 is taken as −750, where the result is 0); NaN stays NaN.
    @inline(__always) package static func exponential(_ x: DoubleVector) -> DoubleVector {
        let x = x.replacing(with: -750, where: x .< -750)
        let shift = DoubleVector(repeating: roundingShift)
        let k = multiplyAdd(x, DoubleVector(repeating: log2e), shift) - shift
        // k · ln2Head is exact, so fusing the first step changes nothing; the second keeps k · ln2Tail unrounded.
        let negativeK = -k
        let r = multiplyAdd(
            negativeK, DoubleVector(repeating: ln2Tail), multiplyAdd(negativeK, DoubleVector(repeating: ln2Head), x))
        // g(r) by Horner from r^10 down, then e^r = 1 + r + r²·g(r) = 1 + r(1 + r·g(r)).
        var p = DoubleVector(repeating: 2.091467938417506e-09)
        p = multiplyAdd(p, r, 2.510520638458724e-08)
        p = multiplyAdd(p, r, 2.75572736613304e-07)
        p = multiplyAdd(p, r, 2.7557255425720897e-06)
        p = multiplyAdd(p, r, 2.4801587325533377e-05)
        p = multiplyAdd(p, r, 0.00019841269874800512)
        p = multiplyAdd(p, r, 0.0013888888888883752)
        p = multiplyAdd(p, r, 0.008333333333326141)
        p = multiplyAdd(p, r, 0.04166666666666667)
        p = multiplyAdd(p, r, 0.1666666666666667)
        p = multiplyAdd(p, r, 0.5)
        p = multiplyAdd(p, r, 1)
        p = multiplyAdd(p, r, 1)
        // 2^k = 2^k1 · 2^k2 with both halves normal for k ≥ −1082: the first product is exact.
        let k1 = (k * 0.5 + shift) - shift
        let k2 = k - k1
        return p * powerOfTwo(k1) * powerOfTwo(k2)
    }

    /// 2^n for an integer-valued n in [−1022, 1023], built from its exponent bits.
    @inline(__always) static func powerOfTwo(_ n: DoubleVector) -> DoubleVector {
        // The low bits of n + 1.5·2^52 + 1023 hold n + 1023; shifting them into the exponent field drops the rest.
        let biased = n + (roundingShift + 1023)
        let bits = unsafeBitCast(biased, to: SIMD8<UInt64>.self) &<< 52
        return unsafeBitCast(bits, to: DoubleVector.self)
    }

    /// (hi, lo) with hi + lo = a · a exactly: fma(a, a, −hi) with fused multiply-adds, else Dekker's product
    /// (for |a| below 2^996).
    @inline(__always) static func exactSquare(_ a: DoubleVector) -> (hi: DoubleVector, lo: DoubleVector) {
        let hi = a * a
        #if NEOS_FMA
            return (hi, (-hi).addingProduct(a, a))
        #else
            let scaled = a * splitter
            let head = scaled - (scaled - a)
            let rest = a - head
            let lo = ((head * head - hi) + (head * rest) * 2) + rest * rest
            return (hi, lo)
        #endif
    }

    /// e^(a²) erfc(a) for a ≥ 0 (our fit, see the type's documentation): numerator and denominator by Horner.
    @inline(__always) static func scaledErfc(_ a: DoubleVector) -> DoubleVector {
        var p = DoubleVector(repeating: 0.000014750060241463122118)
        p = multiplyAdd(p, a, 0.00032312000806416172744)
        p = multiplyAdd(p, a, 0.0034778416550356170925)
        p = multiplyAdd(p, a, 0.023916480035474761527)
        p = multiplyAdd(p, a, 0.11553385818390853281)
        p = multiplyAdd(p, a, 0.40805093083910062677)
        p = multiplyAdd(p, a, 1.0656940604420455997)
        p = multiplyAdd(p, a, 2.0348068378235838061)
        p = multiplyAdd(p, a, 2.7305972559587576651)
        p = multiplyAdd(p, a, 2.3471950895748843752)
        p = multiplyAdd(p, a, 1.0000000000000000012)
        var q = DoubleVector(repeating: 0.000026143801076064722319)
        q = multiplyAdd(q, a, 0.00057271530259876499394)
        q = multiplyAdd(q, a, 0.0061773857347832806571)
        q = multiplyAdd(q, a, 0.042677214793156963901)
        q = multiplyAdd(q, a, 0.20784751677360676242)
        q = multiplyAdd(q, a, 0.74416051675933487581)
        q = multiplyAdd(q, a, 1.988233242740706373)
        q = multiplyAdd(q, a, 3.9477479228048563184)
        q = multiplyAdd(q, a, 5.6894938337300371007)
        q = multiplyAdd(q, a, 5.6523628408790857941)
        q = multiplyAdd(q, a, 3.4755742566703973349)
        q = multiplyAdd(q, a, 1)
        return p / q
    }

    /// erfc(a) for a ≥ 0 (exactly 0 from 27.3 on, where the true value is below 2^−1075); NaN stays NaN.
    @inline(__always) package static func erfc(_ a: DoubleVector) -> DoubleVector {
        let (hi, lo) = exactSquare(a)
        let gaussian = exponential(-hi)
        return (multiplyAdd(-gaussian, lo, gaussian) * scaledErfc(a)).replacing(with: 0, where: a .>= 27.3)
    }

    /// |z| lane by lane (the sign bit cleared, so −0 → +0 and NaN stays NaN).
    @inline(__always) package static func magnitude(_ z: DoubleVector) -> DoubleVector {
        unsafeBitCast(unsafeBitCast(z, to: SIMD8<UInt64>.self) & 0x7fff_ffff_ffff_ffff, to: DoubleVector.self)
    }

    /// Q(|z|) = Φ(−|z|), the tail on the side of z away from 0.
    @inline(__always) package static func tail(_ z: DoubleVector) -> DoubleVector {
        tailAndDensity(z).tail
    }

    /// φ(z).
    @inline(__always) package static func density(_ z: DoubleVector) -> DoubleVector {
        let gaussian = exponential((z * -0.5) * z)
        let value = gaussian * inverseSqrt2Pi
        return value.replacing(with: 0, where: magnitude(z) .>= zeroBeyond)
    }

    /// Q(|z|) and φ(z) from one exponential: φ uses e^(−h/2) with h = fl(z²) (as ``density(_:)``), and the tail's
    /// e^(−a²), a = fl(|z|/√2), is that value times e^(h/2 − a²) ≈ 1 + (h/2 − a²_hi) − a²_lo, where h/2 − a²_hi
    /// is exact (the two are within a few ulp of each other) and the neglected square is below 1e-26.
    @inline(__always) package static func tailAndDensity(_ z: DoubleVector) -> (
        tail: DoubleVector, density: DoubleVector
    ) {
        let a = magnitude(z) * inverseSqrt2
        let halfSquare = (z * 0.5) * z
        let gaussian = exponential(-halfSquare)
        let (hi, lo) = exactSquare(a)
        let correction = (halfSquare - hi) - lo
        let tailGaussian = multiplyAdd(gaussian, correction, gaussian)
        let outside = magnitude(z) .>= zeroBeyond
        let tail = (tailGaussian * scaledErfc(a) * 0.5).replacing(with: 0, where: outside)
        let density = (gaussian * inverseSqrt2Pi).replacing(with: 0, where: outside)
        return (tail, density)
    }
}
