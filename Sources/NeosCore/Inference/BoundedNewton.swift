/// A bounded, damped Newton minimiser with exact derivatives.
///
/// Each iteration holds parameters that sit on a bound with the gradient pushing outward (the active set), and
/// takes a Levenberg–Marquardt-damped Newton step on the rest, projected onto the box. The damping adapts like a
/// trust region (it shrinks after good steps, grows after poor or rejected ones) and makes indefinite Hessians
/// harmless. Convergence is MINUIT's criterion, the estimated distance to the minimum
/// EDM = ½ gᵀ H⁻¹ g over the free, inactive parameters, below a tolerance.
struct BoundedNewton {
    struct Objective {
        let value: ([Double]) throws -> Double
        /// Gradient and row-major Hessian.
        let derivatives: ([Double]) throws -> (gradient: [Double], hessian: [Double])
    }

    struct Options {
        var maxIterations = 1000
        /// On the objective's own scale (twice the NLL for fits, as MINUIT with errordef 1).
        var edmTolerance = 1e-14
    }

    struct Result {
        var parameters: [Double]
        var value: Double
        var converged: Bool
        var reason: String
        var iterations: Int
        var edm: Double
    }

    let objective: Objective
    let lower: [Double]
    let upper: [Double]
    let fixed: [Bool]
    let options: Options

    func minimize(from start: [Double]) throws -> Result {
        let n = start.count
        var x = (0..<n).map { fixed[$0] ? start[$0] : min(max(start[$0], lower[$0]), upper[$0]) }
        var f = try objective.value(x)
        guard f.isFinite else {
            throw NeosError(.fitFailed, "the objective is \(f) at the initial parameters")
        }
        let epsilon = Double.ulpOfOne
        var damping = 0.0
        var edm = Double.infinity
        // Coordinates found sitting at a kink of the objective (code0/code1 interpolation at α = 0, code2 at ±1)
        // where it rises both ways: a minimum that no derivative sees, held from then on like an active bound.
        var pinned = [Bool](repeating: false, count: n)
        // Trust radius in units of each parameter's own curvature scale (about one standard deviation per unit):
        // a step never jumps further than this, so a fit does not leap across the likelihood into another basin
        // (code2's discontinuities make such basins real). It doubles after good capped steps.
        var radius = 2.0
        for iteration in 0..<options.maxIterations {
            let (gradient, hessian) = try objective.derivatives(x)
            guard gradient.allSatisfy(\.isFinite), hessian.allSatisfy(\.isFinite) else {
                return Result(
                    parameters: x, value: f, converged: false, reason: "non-finite derivatives", iterations: iteration,
                    edm: edm)
            }
            let inactive = (0..<n).filter { i in
                if fixed[i] || pinned[i] { return false }
                if x[i] <= lower[i] && gradient[i] > 0 { return false }
                if x[i] >= upper[i] && gradient[i] < 0 { return false }
                return true
            }
            if inactive.isEmpty {
                return Result(
                    parameters: x, value: f, converged: true, reason: "every free parameter is at a bound",
                    iterations: iteration, edm: 0)
            }
            let m = inactive.count
            let g = inactive.map { gradient[$0] }
            let h = DenseLinearAlgebra.submatrix(hessian, size: n, indices: inactive)
            // Marquardt scaling: damp each direction in proportion to its own curvature.
            let scale = (0..<m).map { max(abs(h[$0 * m + $0]), 1e-12) }
            // EDM from the Hessian; where it is singular (a parameter the data do not constrain, such as a POI
            // with no signal), from the least regularised version that factorises, so flat directions with a
            // zero gradient contribute nothing instead of making the EDM infinite.
            edm = .infinity
            var regularisation = 0.0
            while regularisation <= 1e-4 {
                var regularised = h
                for i in 0..<m { regularised[i * m + i] += regularisation * scale[i] }
                if let factor = DenseLinearAlgebra.cholesky(regularised, size: m) {
                    let solved = DenseLinearAlgebra.choleskySolve(factor: factor, size: m, g)
                    edm = 0.5 * zip(g, solved).map(*).reduce(0, +)
                    if edm < options.edmTolerance {
                        // One more full Newton step costs one evaluation and, by quadratic convergence, takes the
                        // parameters from √EDM-sized errors to rounding level (implicit derivatives need that).
                        var polished = x
                        for (a, i) in inactive.enumerated() {
                            polished[i] = min(max(x[i] - solved[a], lower[i]), upper[i])
                        }
                        let polishedValue = try objective.value(polished)
                        if polishedValue.isFinite && polishedValue <= f + 16 * epsilon * max(1, abs(f)) {
                            x = polished
                            f = polishedValue
                        }
                        let kinks = pinned.filter { $0 }.count
                        return Result(
                            parameters: x, value: f, converged: true,
                            reason: "EDM \(edm) below \(options.edmTolerance)"
                                + (kinks > 0 ? " with \(kinks) parameter(s) held at a kink of the likelihood" : ""),
                            iterations: iteration, edm: edm)
                    }
                    break
                }
                regularisation = regularisation == 0 ? 1e-12 : regularisation * 100
            }
            var accepted = false
            for _ in 0..<80 {
                var damped = h
                for i in 0..<m { damped[i * m + i] += damping * scale[i] }
                guard let factor = DenseLinearAlgebra.cholesky(damped, size: m) else {
                    damping = damping == 0 ? 1e-6 : damping * 10
                    continue
                }
                var direction = DenseLinearAlgebra.choleskySolve(factor: factor, size: m, g)
                // For twice the NLL, one standard deviation of parameter a is about √(2 / H_aa).
                let scaledLength = (0..<m).map { abs(direction[$0]) * (0.5 * scale[$0]).squareRoot() }.max() ?? 0
                let capped = scaledLength > radius
                if capped { for a in 0..<m { direction[a] *= radius / scaledLength } }
                var candidate = x
                for (a, i) in inactive.enumerated() {
                    candidate[i] = min(max(x[i] - direction[a], lower[i]), upper[i])
                }
                let step = inactive.map { candidate[$0] - x[$0] }
                var quadratic = 0.0
                for a in 0..<m {
                    var row = 0.0
                    for b in 0..<m { row += h[a * m + b] * step[b] }
                    quadratic += step[a] * row
                }
                let predicted = -(zip(g, step).map(*).reduce(0, +) + 0.5 * quadratic)
                let candidateValue = try objective.value(candidate)
                let noise = 16 * epsilon * max(1, abs(f))
                let moved = step.contains { $0 != 0 }
                if moved && candidateValue.isFinite && candidateValue <= f + noise && (predicted > 0 || f - candidateValue >= 0) {
                    let ratio = predicted > 0 ? (f - candidateValue) / predicted : 1
                    if ratio > 0.75 {
                        damping = damping < 1e-12 ? 0 : damping / 4
                        if capped { radius *= 2 }
                    }
                    if ratio < 0.25 {
                        damping = damping == 0 ? 1e-6 : damping * 4
                        radius = max(radius / 2, 1e-3)
                    }
                    x = candidate
                    f = candidateValue
                    accepted = true
                    break
                }
                // Rejected: shorten the step first (a line search along the damped Newton direction), and damp
                // the direction itself every other time.
                radius = min(radius, scaledLength) / 4
                damping = damping == 0 ? 1e-4 : damping * 3
                if damping > 1e30 || radius < 1e-300 { break }
            }
            if !accepted {
                // No damped Newton step lowers the objective. Either some coordinate sits at a kink where the
                // objective rises on both sides (pin it and go on with the rest), or we are at the precision limit.
                let noise = 16 * epsilon * max(1, abs(f))
                var newlyPinned = false
                for i in inactive {
                    let step = 1e-7 * max(1, abs(x[i]))
                    var up = x
                    var down = x
                    up[i] = min(x[i] + step, upper[i])
                    down[i] = max(x[i] - step, lower[i])
                    let rises = try [up, down].allSatisfy { probe in
                        let value = try objective.value(probe)
                        return !value.isFinite || value >= f - noise
                    }
                    if rises {
                        pinned[i] = true
                        newlyPinned = true
                    }
                }
                if newlyPinned {
                    damping = 0
                    radius = 2
                    continue
                }
                // At the precision limit: that counts as converged only when the EDM is already small on MINUIT's
                // default scale.
                let converged = edm < 1e-6
                return Result(
                    parameters: x, value: f, converged: converged,
                    reason: converged
                        ? "at the precision limit with EDM \(edm)" : "no step lowers the objective (EDM \(edm))",
                    iterations: iteration, edm: edm)
            }
        }
        return Result(
            parameters: x, value: f, converged: false, reason: "reached \(options.maxIterations) iterations",
            iterations: options.maxIterations, edm: edm)
    }
}
