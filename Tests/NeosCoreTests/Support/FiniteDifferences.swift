import XCTest

/// Finite-difference reference derivatives for tests: 5-point central stencil
/// f'(x) ≈ [−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)] / 12h with a per-coordinate step h = step·max(1, |x_i|)
/// (truncation error O(h⁴), rounding error O(ε|f|/h)).
enum FiniteDifferences {
    static func derivative(at x: Double, step: Double = 1e-3, _ f: (Double) throws -> Double) rethrows -> Double {
        let h = step * max(1, abs(x))
        let f2 = try f(x + 2 * h)
        let f1 = try f(x + h)
        let m1 = try f(x - h)
        let m2 = try f(x - 2 * h)
        return (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * h)
    }

    /// ∂f/∂x_j for a scalar function.
    static func gradient(_ x: [Double], step: Double = 1e-3, _ f: ([Double]) throws -> Double) rethrows -> [Double] {
        try x.indices.map { j in
            try derivative(at: x[j], step: step) { value in
                var y = x
                y[j] = value
                return try f(y)
            }
        }
    }

    /// Row-major Jacobian J[i·n + j] = ∂f_i/∂x_j of a vector function (outputs × inputs).
    static func jacobian(_ x: [Double], step: Double = 1e-3, _ f: ([Double]) throws -> [Double]) rethrows -> [Double] {
        let n = x.count
        var columns: [[Double]] = []
        for j in 0..<n {
            let h = step * max(1, abs(x[j]))
            func at(_ value: Double) throws -> [Double] {
                var y = x
                y[j] = value
                return try f(y)
            }
            let f2 = try at(x[j] + 2 * h)
            let f1 = try at(x[j] + h)
            let m1 = try at(x[j] - h)
            let m2 = try at(x[j] - 2 * h)
            columns.append((0..<f1.count).map { (-f2[$0] + 8 * f1[$0] - 8 * m1[$0] + m2[$0]) / (12 * h) })
        }
        let m = columns.first?.count ?? 0
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { out[i * n + j] = columns[j][i] } }
        return out
    }

    /// Asserts |a_i − b_i| ≤ rtol·max(|a_i|, |b_i|, floor·‖b‖∞) for every i: relative agreement, where entries far
    /// below the vector's largest are judged relative to `floor` of it (finite differences cannot resolve
    /// 1e-6 of a tiny entry next to a large one).
    static func assertClose(
        _ analytic: [Double], _ numeric: [Double], rtol: Double = 1e-6, floor: Double = 1e-3, _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(analytic.count, numeric.count, "\(label): lengths", file: file, line: line)
        let scale = numeric.reduce(0) { max($0, abs($1)) }
        var worst = 0.0
        var worstIndex = -1
        for (i, (a, b)) in zip(analytic, numeric).enumerated() {
            let error = abs(a - b) / max(abs(a), abs(b), floor * scale, 1e-300)
            if !(error <= worst) {
                worst = error
                worstIndex = i
            }
        }
        if !(worst <= rtol) {
            XCTFail(
                "\(label): worst relative error \(worst) at \(worstIndex): analytic \(analytic[worstIndex]) vs finite difference \(numeric[worstIndex])",
                file: file, line: line)
        }
    }

    /// Asserts |a_i − b_i| ≤ max(atol, rtol·|b_i|) entry by entry: the project's rule for derivatives of re-fitted results
    /// (relative, or absolute near zero).
    static func assertEntries(
        _ analytic: [Double], _ numeric: [Double], rtol: Double, atol: Double, _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(analytic.count, numeric.count, "\(label): lengths", file: file, line: line)
        for (i, (a, b)) in zip(analytic, numeric).enumerated() {
            XCTAssertEqual(a, b, accuracy: max(atol, rtol * abs(b)), "\(label) entry \(i)", file: file, line: line)
        }
    }
}
