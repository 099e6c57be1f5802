/// A bounded, damped Newton minimiser with exact derivatives, for likelihoods that are smooth except at known
/// breakpoints (pyhf's code0/code1 interpolation has a kink at α = 0, code2 jumps at α = ±1).
///
/// Each parameter moves within one smooth piece at a time: the box bounds and the breakpoints are the edges of
/// the pieces, and a step that would cross a breakpoint stops on it. A parameter sitting on a breakpoint looks at
/// the objective just left and right of it: where both rise it is held there (a non-smooth minimum, like an
/// active bound), otherwise it leaves on the falling side, with derivatives taken on that side. Parameters on a
/// bound with the gradient pushing outward are held too. The rest take a Levenberg–Marquardt-damped Newton step
/// inside a trust radius, projected onto their pieces; where the Hessian is indefinite, a step along a direction of
/// negative curvature competes with it. Convergence is MINUIT's criterion: the estimated distance to the minimum
/// EDM = ½ gᵀ H⁻¹ g over the moving parameters, below a tolerance. `lowestMinimum` (BasinSearch.swift) wraps this
/// local descent in a search for lower minima.
struct BoundedNewton {
    struct Objective {
        let value: ([Double]) throws -> Double
        /// Gradient and Hessian (dense, or block-arrow for many bin-local parameters: FitHessian.swift).
        let derivatives: ([Double]) throws -> (gradient: [Double], hessian: FitHessian)
        /// Per parameter, the sorted values where the objective is not smooth.
        var breakpoints: [[Double]] = []
        /// The objective along coordinates: for each parameter i, with i replaced by each of `values[i]` (the
        /// others as given). nil means one `value` call per point; models provide a cheaper version (only the
        /// terms that depend on each coordinate are recomputed), which keeps the basin search's probes cheap.
        var valuesAlongCoordinates: (([Double], [[Double]]) throws -> [[Double]])? = nil
    }

    /// The iteration cap and EDM tolerance of one descent (what they mean: FitOptions.swift).
    struct Options {
        var maxIterations = FitConfiguration.defaultMaxIterations
        /// On the objective's own scale (twice the NLL for fits, as MINUIT with errordef 1).
        var edmTolerance = FitConfiguration.defaultEDMTolerance
    }

    struct Result {
        var parameters: [Double]
        var value: Double
        var converged: Bool
        var reason: String
        var iterations: Int
        var edm: Double
        /// Gradient and Hessian of the last iteration: at `parameters`, or one polishing Newton step before them
        /// (empty, nil, if the descent ended before computing any).
        var gradient: [Double] = []
        var hessian: FitHessian? = nil
        /// The parameters the last iteration held at a kink of the objective (it rises on both sides).
        var heldAtKink: [Bool] = []
    }

    let objective: Objective
    let lower: [Double]
    let upper: [Double]
    let fixed: [Bool]
    let options: Options

    private var epsilon: Double { Double.ulpOfOne }

    /// Whether parameter i of a result sits on a bound that holds it: the gradient pushes it outward by more than
    /// the fit's precision, i.e. ½ g² / H (what it would gain without the bound) exceeds the EDM tolerance. A
    /// parameter exactly on a bound with a vanishing gradient (the POI at 0 on background-only Asimov data) is at
    /// its unconstrained optimum and is not held by the bound.
    func isHeldByBound(_ i: Int, in result: Result) -> Bool {
        guard !fixed[i], i < result.gradient.count else { return false }
        let x = result.parameters[i]
        let outward = x <= lower[i] ? result.gradient[i] : x >= upper[i] ? -result.gradient[i] : 0
        guard outward > 0, let hessian = result.hessian else { return false }
        let curvature = hessian.diagonal(i)
        return curvature <= 0 || 0.5 * outward * outward / curvature > options.edmTolerance
    }

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

    /// The largest component of a step in units of its parameter's curvature scale: for twice the NLL, one
    /// standard deviation of parameter a is about √(2 / H_aa).
    private func scaledLength(_ step: [Double], _ scale: [Double]) -> Double {
        zip(step, scale).map { abs($0) * (0.5 * $1).squareRoot() }.max() ?? 0
    }

    private struct Trial {
        var point: [Double]
        /// +∞ when the projection left the point where it was.
        var value: Double
        /// The decrease the quadratic model predicts for the projected step.
        var predicted: Double
    }

    /// x + change on the moving parameters, projected onto their pieces, with its objective value and the
    /// decrease the quadratic model (g, h over the moving parameters) predicts for the projected step.
    private func trial(
        _ change: [Double], from x: [Double], moving: [Int], low: [Double], high: [Double], g: [Double], h: FitHessian
    ) throws -> Trial {
        var point = x
        for (a, i) in moving.enumerated() { point[i] = min(max(x[i] + change[a], low[a]), high[a]) }
        let step = moving.map { point[$0] - x[$0] }
        guard step.contains(where: { $0 != 0 }) else { return Trial(point: point, value: .infinity, predicted: 0) }
        let quadratic = h.quadraticForm(step)
        let predicted = -(zip(g, step).map(*).reduce(0, +) + 0.5 * quadratic)
        return Trial(point: point, value: try objective.value(point), predicted: predicted)
    }

    /// What a descent carries from one iteration to the next.
    private struct Descent {
        var x: [Double]
        var f: Double
        /// The Levenberg–Marquardt damping, relative to each moving parameter's curvature scale.
        var damping = 0.0
        var edm = Double.infinity
        /// Trust radius in units of each parameter's own curvature scale (about one standard deviation per unit): a
        /// step never jumps further than this, so a fit does not leap across the likelihood into another basin. It
        /// doubles after good capped steps.
        var radius = 2.0
        var heldAtBreakpoints = 0
        /// The rung of ``regularisationLadder`` the last EDM needed: where the next iteration's search starts.
        var regularisationRung = 0
        var heldAtKink: [Bool]
        var gradient: [Double] = []
        var hessian: FitHessian? = nil

        func result(converged: Bool, reason: String, iterations: Int, edm: Double) -> Result {
            Result(
                parameters: x, value: f, converged: converged, reason: reason, iterations: iterations, edm: edm,
                gradient: gradient, hessian: hessian, heldAtKink: heldAtKink)
        }
    }

    /// The parameters that move in an iteration, each inside its piece [low, high], and the quadratic model over
    /// them: gradient g, Hessian h (m×m) and the Marquardt scale of each.
    private struct LocalModel {
        var moving: [Int]
        var low: [Double]
        var high: [Double]
        var g: [Double] = []
        var h = FitHessian.dense([], size: 0)
        var scale: [Double] = []
        var m: Int { moving.count }
    }

    /// The local descent from `start`, at most `options.maxIterations` iterations (each one step, or one crossing of
    /// a breakpoint; `Result.iterations` counts them): each iteration leaves breakpoints for their falling side
    /// (`leaveBreakpoints`), takes derivatives, picks the moving parameters and their pieces (`localModel`), tests
    /// convergence by the EDM (`distanceToMinimum`) and takes a step that lowers the objective (`step`).
    func minimize(from start: [Double]) throws -> Result {
        let n = start.count
        let x = (0..<n).map { fixed[$0] ? start[$0] : min(max(start[$0], lower[$0]), upper[$0]) }
        let f = try objective.value(x)
        guard f.isFinite else {
            throw NeosError(.fitFailed, "the objective is \(f) at the initial parameters")
        }
        var descent = Descent(x: x, f: f, heldAtKink: [Bool](repeating: false, count: n))
        // Steps within rounding of the best value so far are accepted (see `noise`), so with a tolerance rounding
        // cannot reach the descent could wander there until a cap of any size ran out: after this many iterations
        // in a row without a decrease beyond rounding it ends at the precision limit instead.
        let stalledIterationLimit = 20
        var stalledIterations = 0
        var bestValue = f
        // Iteration k (from 0) tests the point after k steps; the last one may converge but takes no step.
        for iteration in 0...options.maxIterations {
            if descent.f < bestValue - noise(bestValue) {
                bestValue = descent.f
                stalledIterations = 0
            } else if iteration > 0 {
                stalledIterations += 1
            }
            if stalledIterations >= stalledIterationLimit {
                let edm = descent.edm
                let converged = edm < max(1e-6, options.edmTolerance)
                return descent.result(
                    converged: converged,
                    reason: converged
                        ? "at the precision limit with EDM \(edm) (\(stalledIterationLimit) steps within rounding)"
                        : "no decrease beyond rounding in \(stalledIterationLimit) steps (EDM \(edm))",
                    iterations: iteration, edm: edm)
            }
            try leaveBreakpoints(&descent)
            let (gradient, hessian) = try objective.derivatives(descent.x)
            descent.gradient = gradient
            descent.hessian = hessian
            guard gradient.allSatisfy(\.isFinite), hessian.isFinite else {
                return descent.result(
                    converged: false, reason: "non-finite derivatives", iterations: iteration, edm: descent.edm)
            }
            guard let local = try localModel(&descent, hessian: hessian) else { continue }
            if local.moving.isEmpty {
                return descent.result(
                    converged: true,
                    reason: "every free parameter is held"
                        + (descent.heldAtBreakpoints > 0
                            ? " (\(descent.heldAtBreakpoints) at a kink of the likelihood)" : ""),
                    iterations: iteration, edm: 0)
            }
            let regularisation: Double
            let failedShift: Double
            switch try distanceToMinimum(&descent, local) {
            case .converged:
                return descent.result(
                    converged: true,
                    reason: "EDM \(descent.edm) below \(options.edmTolerance)"
                        + (descent.heldAtBreakpoints > 0
                            ? " with \(descent.heldAtBreakpoints) parameter(s) held at a kink of the likelihood" : ""),
                    iterations: iteration, edm: descent.edm)
            case .regularised(let value, let failed):
                regularisation = value
                failedShift = failed
            }
            guard iteration < options.maxIterations else { break }
            guard try step(&descent, local, regularisation: regularisation, failedShift: failedShift) else {
                // No step lowers the objective: the precision limit. That counts as converged only when the EDM
                // is already small on MINUIT's default scale (or below a looser tolerance asked for).
                let edm = descent.edm
                let converged = edm < max(1e-6, options.edmTolerance)
                return descent.result(
                    converged: converged,
                    reason: converged
                        ? "at the precision limit with EDM \(edm)" : "no step lowers the objective (EDM \(edm))",
                    iterations: iteration, edm: edm)
            }
            descent.radius = max(descent.radius, 1e-3)
        }
        return descent.result(
            converged: false,
            reason: "\(FitConfiguration.iterationLimitMessage) after \(options.maxIterations) iteration(s) "
                + "(EDM \(descent.edm), tolerance \(options.edmTolerance))",
            iterations: options.maxIterations, edm: descent.edm)
    }

    /// Step 1. A parameter exactly on a breakpoint (the usual α = 0 start of code0/code1) leaves it for the side
    /// where the objective is lower; where both sides rise it stays, held.
    private func leaveBreakpoints(_ descent: inout Descent) throws {
        let n = descent.x.count
        descent.heldAtKink = [Bool](repeating: false, count: n)
        descent.heldAtBreakpoints = 0
        for i in 0..<n where !fixed[i] && breakpoints(i).contains(descent.x[i]) {
            if let (point, value) = try lowerNeighbour(of: descent.x, descent.f, coordinate: i, sides: [1, -1]) {
                descent.x = point
                descent.f = value
            } else {
                descent.heldAtKink[i] = true
                descent.heldAtBreakpoints += 1
            }
        }
    }

    /// Step 2, from the derivatives at `descent.x`. Each parameter moves within its piece: the open interval
    /// between the breakpoints (or bounds) around it, so a step stops just short of a breakpoint instead of landing
    /// on it. A parameter on the edge of its piece with the gradient pushing outward is held; at a breakpoint edge,
    /// unless the objective is lower just across it, in which case it crosses and nil asks for a new iteration.
    private func localModel(_ descent: inout Descent, hessian: FitHessian) throws -> LocalModel? {
        let n = descent.x.count
        var local = LocalModel(moving: [], low: [], high: [])
        for i in 0..<n where !fixed[i] && !descent.heldAtKink[i] {
            let x = descent.x
            let gradient = descent.gradient
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
                        of: x, descent.f, coordinate: i, sides: [side], across: breakpoint)
                {
                    descent.x = point
                    descent.f = value
                    return nil
                }
                if breakpoint != nil {
                    descent.heldAtKink[i] = true
                    descent.heldAtBreakpoints += 1
                }
                continue
            }
            local.moving.append(i)
            local.low.append(a)
            local.high.append(b)
        }
        guard !local.moving.isEmpty else { return local }
        let m = local.m
        local.g = local.moving.map { descent.gradient[$0] }
        local.h = hessian.restricted(to: local.moving)
        // Marquardt scaling, floored relative to the largest curvature so that a direction with no curvature
        // of its own (but coupled to others) is damped too.
        let diagonal = local.moving.map { hessian.diagonal($0) }
        let largest = (0..<m).map { abs(diagonal[$0]) }.max() ?? 1
        local.scale = (0..<m).map { max(abs(diagonal[$0]), 1e-6 * largest, 1e-12) }
        return local
    }

    /// How step 3 ended: converged (the parameters polished by a last Newton step), or not, with the
    /// regularisation the Hessian needed to factorise (0 when it is positive definite) and the largest one tried
    /// that did not factorise (−1 when none failed).
    private enum Distance {
        case converged
        case regularised(Double, failed: Double)
    }

    /// Step 3. EDM; where the Hessian is singular (a parameter the data do not constrain), from the least
    /// regularised version that factorises, so flat directions with zero gradient contribute nothing. Where it is
    /// indefinite (a saddle, or a product of parameters such as μ·k near μ = k = 0), the regularisation grows until
    /// it is positive definite, as MINUIT forces a positive-definite matrix for its EDM: the value cannot declare
    /// convergence (a saddle is no minimum), but it measures how far a stalled descent still is from stationarity.
    private func distanceToMinimum(_ descent: inout Descent, _ local: LocalModel) throws -> Distance {
        let g = local.g
        descent.edm = .infinity
        guard
            let (rung, factor) = Self.leastFactorisingRung(
                local.h, scale: local.scale, hint: descent.regularisationRung)
        else {
            let ladder = Self.regularisationLadder
            return .regularised(ladder[ladder.count - 1] * 100, failed: ladder[ladder.count - 1])
        }
        descent.regularisationRung = rung
        let regularisation = Self.regularisationLadder[rung]
        let failed = rung == 0 ? -1.0 : Self.regularisationLadder[rung - 1]
        let solved = factor.solve(g)
        descent.edm = 0.5 * zip(g, solved).map(*).reduce(0, +)
        if descent.edm < options.edmTolerance && regularisation <= 1e-4 {
            // One more full Newton step costs one evaluation and, by quadratic convergence, takes the
            // parameters from √EDM-sized errors to rounding level (implicit derivatives need that).
            var polished = descent.x
            for (a, i) in local.moving.enumerated() {
                polished[i] = min(max(descent.x[i] - solved[a], local.low[a]), local.high[a])
            }
            let polishedValue = try objective.value(polished)
            if polishedValue.isFinite && polishedValue <= descent.f + noise(descent.f) {
                descent.x = polished
                descent.f = polishedValue
            }
            return .converged
        }
        return .regularised(regularisation, failed: failed)
    }

    /// The EDM's regularisations, in the order they are tried: none, then 1e-12 growing a hundredfold to 1e12 (built
    /// by repeated multiplication, so each rung is the same double a loop multiplying by 100 reaches).
    static let regularisationLadder: [Double] = {
        var rungs = [0.0, 1e-12]
        while rungs[rungs.count - 1] * 100 <= 1e12 { rungs.append(rungs[rungs.count - 1] * 100) }
        return rungs
    }()

    /// The first rung of ``regularisationLadder`` whose shift (rung × scale) makes the local Hessian factorise,
    /// with its factor; nil when none does. Positive definiteness only grows with a positive diagonal shift, so
    /// the rungs that factorise are a tail of the ladder, and the search may go in any order: after the unshifted
    /// try (the usual case near a minimum), a bisection when the descent has no `hint` yet (an indefinite Hessian
    /// at pyhf's initial values needed rung 8, one factorisation per rung climbing), else a walk from `hint`, the
    /// rung the previous iteration needed (successive iterations need similar shifts): down while rungs factorise,
    /// or up until one does. The rung found is the one the climb would stop at, so the fit takes the same path.
    static func leastFactorisingRung(_ h: FitHessian, scale: [Double], hint: Int) -> (Int, FitHessianFactor)? {
        func factor(_ rung: Int) -> FitHessianFactor? {
            h.cholesky(shift: scale.map { regularisationLadder[rung] * $0 })
        }
        if let unshifted = factor(0) { return (0, unshifted) }
        let count = regularisationLadder.count
        guard hint > 0 else {
            // Invariant: every rung below `low` fails; `high` factorises (its factor in `best`) or is `count`.
            var low = 1
            var high = count
            var best: FitHessianFactor? = nil
            while low < high {
                let middle = (low + high) / 2
                if let found = factor(middle) {
                    high = middle
                    best = found
                } else {
                    low = middle + 1
                }
            }
            guard let best, high < count else { return nil }
            return (high, best)
        }
        var rung = min(hint, count - 1)
        if var found = factor(rung) {
            // Down while the rung below factorises too (rung 0 is known to fail).
            while rung > 1, let lower = factor(rung - 1) {
                rung -= 1
                found = lower
            }
            return (rung, found)
        }
        while rung < count - 1 {
            rung += 1
            if let found = factor(rung) { return (rung, found) }
        }
        return nil
    }

    /// Step 4. A damped Newton step inside the trust radius, projected onto the pieces; shortened and damped
    /// further until it lowers the objective. Where the Hessian has a direction of negative curvature and the
    /// Newton step does poorly (rejected, or under a quarter of its predicted decrease: a saddle, where damping
    /// alone shrinks the steps until rounding stops them), a step along that direction to the trust radius competes
    /// with it and the lower of the two is taken. False when no step lowers the objective.
    ///
    /// `failedShift` is the largest Marquardt shift step 3 found not to factorise: the damping starts above it, as
    /// it would after the factorisations that are known to fail (positive definiteness only grows with the shift).
    private func step(_ descent: inout Descent, _ local: LocalModel, regularisation: Double, failedShift: Double)
        throws -> Bool
    {
        let (g, h, scale) = (local.g, local.h, local.scale)
        // Only a Hessian that needed regularisation for the EDM can have negative curvature; the direction (unit
        // scaled length, downhill) is found once, when first needed.
        lazy var curvature: [Double]? = {
            guard regularisation > 0,
                var d = h.negativeCurvatureDirection(scale: scale)
            else { return nil }
            if zip(g, d).map(*).reduce(0, +) > 0 { d = d.map { -$0 } }
            let length = scaledLength(d, scale)
            return length > 0 && length.isFinite ? d.map { $0 / length } : nil
        }()
        let f = descent.f
        while descent.damping <= failedShift { descent.damping = descent.damping == 0 ? 1e-6 : descent.damping * 10 }
        for _ in 0..<120 {
            guard let factor = h.cholesky(shift: scale.map { descent.damping * $0 }) else {
                descent.damping = descent.damping == 0 ? 1e-6 : descent.damping * 10
                continue
            }
            var direction = factor.solve(g).map { -$0 }
            let newtonLength = scaledLength(direction, scale)
            let capped = newtonLength > descent.radius
            if capped { for a in direction.indices { direction[a] *= descent.radius / newtonLength } }
            var trial = try self.trial(
                direction, from: descent.x, moving: local.moving, low: local.low, high: local.high, g: g, h: h)
            var alongCurvature = false
            // The Newton step keeps the descent's path whenever the quadratic model predicts it well; the
            // curvature direction is for when it does not (rejected, or less than a quarter of the predicted
            // decrease), since a long step along it can also carry the descent into another basin.
            let newtonIsGood =
                trial.value.isFinite && trial.predicted > 0 && (f - trial.value) >= 0.25 * trial.predicted
            if !newtonIsGood, let curvature {
                let other = try self.trial(
                    curvature.map { $0 * descent.radius }, from: descent.x, moving: local.moving, low: local.low,
                    high: local.high, g: g, h: h)
                if other.value < trial.value {
                    trial = other
                    alongCurvature = true
                }
            }
            if trial.value.isFinite && trial.value <= f + noise(f) && (trial.predicted > 0 || f - trial.value >= 0) {
                let ratio = trial.predicted > 0 ? (f - trial.value) / trial.predicted : 1
                if ratio > 0.75 {
                    descent.damping = descent.damping < 1e-12 ? 0 : descent.damping / 4
                    if capped || alongCurvature { descent.radius *= 2 }
                }
                if ratio < 0.25 {
                    descent.damping = descent.damping == 0 ? 1e-6 : descent.damping * 4
                    descent.radius = max(descent.radius / 2, 1e-3)
                }
                descent.x = trial.point
                descent.f = trial.value
                return true
            }
            descent.radius = min(descent.radius, newtonLength) / 4
            descent.damping = descent.damping == 0 ? 1e-4 : descent.damping * 3
            if descent.damping > 1e30 || descent.radius < 1e-300 { break }
        }
        return false
    }
}
