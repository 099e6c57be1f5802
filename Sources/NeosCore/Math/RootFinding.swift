/// Brent's method (zeroin): bisection safeguarding secant and inverse quadratic interpolation. Finds x in
/// [a, b] with f(x) = 0 given f(a), f(b) of opposite signs.
public enum RootFinding {
    /// Finds a root of `function` between `lower` and `upper`.
    ///
    /// The two ends must bracket a sign change: f(lower) and f(upper) of opposite signs (an end where f is exactly 0
    /// is returned at once). Each iteration keeps a bracket [b, c] around the sign change and stops when half its width
    /// is at most 2·relativeTolerance·|b| + absoluteTolerance/2, so the result is within
    /// 4·relativeTolerance·|x| + absoluteTolerance of a sign change of f. Superlinear on smooth functions, and never
    /// slower than bisection by more than a small factor on any continuous one.
    ///
    /// - Parameters:
    ///   - function: the function, continuous on the bracket; an error it throws is passed on unchanged.
    ///   - lower: one end of the bracket.
    ///   - upper: the other end.
    ///   - absoluteTolerance: the absolute part of the stopping width.
    ///   - relativeTolerance: the relative part; the default, 4 ulp, is about the best a Double bracket can reach.
    ///   - maxIterations: evaluations of `function` allowed after the two at the ends.
    /// - Returns: a point at the stopping tolerance from a sign change (or an exact root).
    /// - Throws: `NeosError` of kind `.numeric` when the ends do not bracket a sign change or the iterations run out.
    public static func brent(
        _ function: (Double) throws -> Double, lower a0: Double, upper b0: Double, absoluteTolerance: Double = 1e-12,
        relativeTolerance: Double = 4 * Double.ulpOfOne, maxIterations: Int = 200
    ) throws -> Double {
        var a = a0
        var b = b0
        var fa = try function(a)
        var fb = try function(b)
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa > 0) != (fb > 0) else {
            throw NeosError(.numeric, "the root is not bracketed: f(\(a)) = \(fa) and f(\(b)) = \(fb) have one sign")
        }
        var c = a
        var fc = fa
        var d = b - a
        var e = d
        for _ in 0..<maxIterations {
            if (fb > 0) == (fc > 0) {
                c = a
                fc = fa
                d = b - a
                e = d
            }
            if abs(fc) < abs(fb) {
                a = b
                b = c
                c = a
                fa = fb
                fb = fc
                fc = fa
            }
            let tolerance = 2 * relativeTolerance * abs(b) + 0.5 * absoluteTolerance
            let middle = 0.5 * (c - b)
            if abs(middle) <= tolerance || fb == 0 { return b }
            if abs(e) >= tolerance && abs(fa) > abs(fb) {
                // Interpolate: secant when only two points are distinct, inverse quadratic otherwise.
                let s = fb / fa
                var p: Double
                var q: Double
                if a == c {
                    p = 2 * middle * s
                    q = 1 - s
                } else {
                    let qa = fa / fc
                    let r = fb / fc
                    p = s * (2 * middle * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * middle * q - abs(tolerance * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = middle
                    e = d
                }
            } else {
                d = middle
                e = d
            }
            a = b
            fa = fb
            b += abs(d) > tolerance ? d : (middle > 0 ? tolerance : -tolerance)
            fb = try function(b)
        }
        throw NeosError(.numeric, "root finding did not converge in \(maxIterations) iterations")
    }
}
