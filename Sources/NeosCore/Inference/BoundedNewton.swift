/// A bounded, damped Newton minimiser with exact derivatives, for likelihoods that are smooth except at known
/// breakpoints (pyhf's code0/code1 interpolation has a kink at α = 0, code2 jumps at α = ±1).
///
/// Each parameter moves within one smooth piece at a time: the box bounds and the breakpoints are the edges of
/// the pieces, and a step that would cross a breakpoint stops on it. A parameter sitting on a breakpoint looks at
/// the objective just left and right of it: where both rise it is held there (a non-smooth minimum, like an
/// active bound), otherwise it leaves on the falling side, with derivatives taken on that side. Parameters on a
/// bound with the gradient pushing outward are held too. The rest take a Levenberg–Marquardt-damped Newton step
/// inside a trust radius, projected onto their pieces. Convergence is MINUIT's criterion: the estimated distance
/// to the minimum EDM = ½ gᵀ H⁻¹ g over the moving parameters, below a tolerance.
struct BoundedNewton {
    struct Objective {
        let value: ([Double]) throws -> Double
        /// Gradient and row-major Hessian.
        let derivatives: ([Double]) throws -> (gradient: [Double], hessian: [Double])
        /// Per parameter, the sorted values where the objective is not smooth.
        var breakpoints: [[Double]] = []
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

    private var epsilon: Double { Double.ulpOfOne }

    /// How much an objective value may rise from rounding alone: a sum of many terms carries a few ulps each, so
    /// near the optimum a step that changes it by less is accepted (otherwise rounding stalls the last Newton steps).
    private func noise(_ f: Double) -> Double { 256 * epsilon * max(1, abs(f)) }

    private func breakpoints(_ i: Int) -> [Double] {
        i < objective.breakpoints.count ? objective.breakpoints[i].filter { $0 > lower[i] && $0 < upper[i] } : []
    }

    /// The point 1e-8 (relative) from x along coordinate i on one of `sides` (+1 up, -1 down), measured from
    /// `across` when given (the breakpoint to step over), where the objective is lowest and below f; nil if the
    /// objective rises on every side.
    private func lowerNeighbour(
        of x: [Double], _ f: Double, coordinate i: Int, sides: [Double], across: Double? = nil
    ) throws -> ([Double], Double)? {
        let origin = across ?? x[i]
        let step = 1e-8 * max(1, abs(origin))
        var best: ([Double], Double)? = nil
        for side in sides {
            var probe = x
            probe[i] = min(max(origin + side * step, lower[i]), upper[i])
            if probe[i] == x[i] { continue }
            let value = try objective.value(probe)
            if value.isFinite && value < f - noise(f) && value < (best?.1 ?? .infinity) { best = (probe, value) }
        }
        return best
    }

    func minimize(from start: [Double]) throws -> Result {
        let n = start.count
        var x = (0..<n).map { fixed[$0] ? start[$0] : min(max(start[$0], lower[$0]), upper[$0]) }
        var f = try objective.value(x)
        guard f.isFinite else {
            throw NeosError(.fitFailed, "the objective is \(f) at the initial parameters")
        }
        var damping = 0.0
        var edm = Double.infinity
        // Trust radius in units of each parameter's own curvature scale (about one standard deviation per unit):
        // a step never jumps further than this, so a fit does not leap across the likelihood into another basin.
        // It doubles after good capped steps.
        var radius = 2.0
        var heldAtBreakpoints = 0
        for iteration in 0..<options.maxIterations {
            // 1. A parameter exactly on a breakpoint (the usual α = 0 start of code0/code1) leaves it for the
            // side where the objective is lower; where both sides rise it stays, held.
            var held = [Bool](repeating: false, count: n)
            heldAtBreakpoints = 0
            for i in 0..<n where !fixed[i] && breakpoints(i).contains(x[i]) {
                if let (point, value) = try lowerNeighbour(of: x, f, coordinate: i, sides: [1, -1]) {
                    x = point
                    f = value
                } else {
                    held[i] = true
                    heldAtBreakpoints += 1
                }
            }

            // 2. Derivatives. Each parameter moves within its piece: the open interval between the breakpoints (or
            // bounds) around it, so a step stops just short of a breakpoint instead of landing on it. A parameter
            // on the edge of its piece with the gradient pushing outward is held; at a breakpoint edge, unless the
            // objective is lower just across it, in which case it crosses and the iteration starts again.
            let (gradient, hessian) = try objective.derivatives(x)
            guard gradient.allSatisfy(\.isFinite), hessian.allSatisfy(\.isFinite) else {
                return Result(
                    parameters: x, value: f, converged: false, reason: "non-finite derivatives", iterations: iteration,
                    edm: edm)
            }
            var moving: [Int] = []
            var low: [Double] = []
            var high: [Double] = []
            var crossed = false
            for i in 0..<n where !fixed[i] && !held[i] {
                let points = breakpoints(i)
                let below = points.last { $0 < x[i] }
                let above = points.first { $0 > x[i] }
                let a = below.map(\.nextUp) ?? lower[i]
                let b = above.map(\.nextDown) ?? upper[i]
                // On an edge with a zero gradient the parameter has nothing to gain to first order: hold it too
                // (its row of the Hessian may be empty, e.g. a normfactor at 0 multiplying a vanished sample).
                if x[i] <= a && gradient[i] >= 0 || x[i] >= b && gradient[i] <= 0 {
                    let side: Double = x[i] <= a ? -1 : 1
                    let breakpoint = side < 0 ? below : above
                    if breakpoint != nil,
                        let (point, value) = try lowerNeighbour(
                            of: x, f, coordinate: i, sides: [side], across: breakpoint)
                    {
                        x = point
                        f = value
                        crossed = true
                        break
                    }
                    if breakpoint != nil { heldAtBreakpoints += 1 }
                    continue
                }
                moving.append(i)
                low.append(a)
                high.append(b)
            }
            if crossed { continue }
            if moving.isEmpty {
                return Result(
                    parameters: x, value: f, converged: true, reason: "every free parameter is held"
                        + (heldAtBreakpoints > 0 ? " (\(heldAtBreakpoints) at a kink of the likelihood)" : ""),
                    iterations: iteration, edm: 0)
            }
            let m = moving.count
            let g = moving.map { gradient[$0] }
            let h = DenseLinearAlgebra.submatrix(hessian, size: n, indices: moving)
            // Marquardt scaling, floored relative to the largest curvature so that a direction with no curvature
            // of its own (but coupled to others) is damped too.
            let largest = (0..<m).map { abs(h[$0 * m + $0]) }.max() ?? 1
            let scale = (0..<m).map { max(abs(h[$0 * m + $0]), 1e-6 * largest, 1e-12) }

            // 3. EDM; where the Hessian is singular (a parameter the data do not constrain), from the least
            // regularised version that factorises, so flat directions with zero gradient contribute nothing.
            edm = .infinity
            var regularisation = 0.0
            while regularisation <= 1e-4 {
                var regularised = h
                for a in 0..<m { regularised[a * m + a] += regularisation * scale[a] }
                if let factor = DenseLinearAlgebra.cholesky(regularised, size: m) {
                    let solved = DenseLinearAlgebra.choleskySolve(factor: factor, size: m, g)
                    edm = 0.5 * zip(g, solved).map(*).reduce(0, +)
                    if edm < options.edmTolerance {
                        // One more full Newton step costs one evaluation and, by quadratic convergence, takes the
                        // parameters from √EDM-sized errors to rounding level (implicit derivatives need that).
                        var polished = x
                        for (a, i) in moving.enumerated() { polished[i] = min(max(x[i] - solved[a], low[a]), high[a]) }
                        let polishedValue = try objective.value(polished)
                        if polishedValue.isFinite && polishedValue <= f + noise(f) {
                            x = polished
                            f = polishedValue
                        }
                        return Result(
                            parameters: x, value: f, converged: true,
                            reason: "EDM \(edm) below \(options.edmTolerance)"
                                + (heldAtBreakpoints > 0
                                    ? " with \(heldAtBreakpoints) parameter(s) held at a kink of the likelihood" : ""),
                            iterations: iteration, edm: edm)
                    }
                    break
                }
                regularisation = regularisation == 0 ? 1e-12 : regularisation * 100
            }

            // 4. A damped Newton step inside the trust radius, projected onto the pieces; shortened and damped
            // further until it lowers the objective.
            var accepted = false
            for _ in 0..<120 {
                var damped = h
                for a in 0..<m { damped[a * m + a] += damping * scale[a] }
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
                for (a, i) in moving.enumerated() { candidate[i] = min(max(x[i] - direction[a], low[a]), high[a]) }
                let step = moving.map { candidate[$0] - x[$0] }
                var quadratic = 0.0
                for a in 0..<m {
                    var row = 0.0
                    for b in 0..<m { row += h[a * m + b] * step[b] }
                    quadratic += step[a] * row
                }
                let predicted = -(zip(g, step).map(*).reduce(0, +) + 0.5 * quadratic)
                let moved = step.contains { $0 != 0 }
                let candidateValue = moved ? try objective.value(candidate) : .infinity
                if moved && candidateValue.isFinite && candidateValue <= f + noise(f)
                    && (predicted > 0 || f - candidateValue >= 0)
                {
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
                radius = min(radius, scaledLength) / 4
                damping = damping == 0 ? 1e-4 : damping * 3
                if damping > 1e30 || radius < 1e-300 { break }
            }
            if !accepted {
                // No step lowers the objective: the precision limit. That counts as converged only when the EDM
                // is already small on MINUIT's default scale.
                let converged = edm < 1e-6
                return Result(
                    parameters: x, value: f, converged: converged,
                    reason: converged
                        ? "at the precision limit with EDM \(edm)" : "no step lowers the objective (EDM \(edm))",
                    iterations: iteration, edm: edm)
            }
            radius = max(radius, 1e-3)
        }
        return Result(
            parameters: x, value: f, converged: false, reason: "reached \(options.maxIterations) iterations",
            iterations: options.maxIterations, edm: edm)
    }
}
