/// The search for a lower minimum after a local descent.
///
/// A HistFactory likelihood is not convex in general: code0/code1 kinks split a parameter's range into pieces
/// that can each hold a minimum; code4's polynomial (|α| < 1) can bend the likelihood along one α into two shallow
/// wells; two normalisations multiplying one sample (μ·k) make a valley along which the descent stops on whichever
/// bound it meets first. Which minimum a descent reaches depends on its path, so after converging the fit tries
/// other starting points, each from the best point so far, and keeps a minimum only when it is lower:
/// - every kinked parameter on the other side of its breakpoint;
/// - every parameter that a bound holds (the gradient pushes it outward) and that silences another parameter there
///   (μ·k at μ = 0: k's curvature vanishes), back at its initial value inside the range: the descent reached that
///   end of the valley only because of the path it took;
/// - one-parameter probes: each free parameter moved by ±1 and ±2 of its standard deviations (√(2/H_ii) on the
///   twice-NLL scale) with the others held. A probe below the minimum proves a lower basin (a descent from it can
///   only end lower still) and the fit restarts there. Probes cost objective values only, and models evaluate
///   them cheaply (`Objective.valuesAlongCoordinate`).
/// The search repeats while it finds something, at most `maximumPasses` times; each accepted restart must improve
/// by more than rounding. Every descent, the first and each restart, has the iteration cap of `options` to itself
/// (FitOptions.swift): a restart that reaches it has not converged and is dropped, so only the first descent's
/// outcome can fail the fit.
extension BoundedNewton {
    static let maximumPasses = 3
    static let probeMultiples: [Double] = [1, -1, 2, -2]

    func lowestMinimum(from start: [Double]) throws -> Result {
        var best = try minimize(from: start)
        guard best.converged else { return best }
        // Twice-NLL values of O(10–1000) agree to ~1e-12 where two descents reach the same point.
        func margin() -> Double { 1e-9 * max(1, abs(best.value)) }
        func keepIfLower(_ other: Result) -> Bool {
            guard other.converged, other.value < best.value - margin() else { return false }
            best = other
            return true
        }
        let n = start.count
        for _ in 0..<Self.maximumPasses {
            var improved = false

            for i in 0..<n where !fixed[i] && i < objective.breakpoints.count {
                for point in objective.breakpoints[i] where point > lower[i] && point < upper[i] {
                    var restart = best.parameters
                    let distance = max(abs(restart[i] - point), 0.1)
                    restart[i] = restart[i] >= point ? point - distance : point + distance
                    restart[i] = min(max(restart[i], lower[i]), upper[i])
                    if try keepIfLower(minimize(from: restart)) { improved = true }
                }
            }

            // The silent parameters of the current best point, found once per best point rather than once per
            // held parameter (a model with a γ per bin can hold thousands at a bound).
            var silent: (value: Double, parameters: [Int])? = nil
            for i in 0..<n where isHeldByBound(i, in: best) && start[i] > lower[i] && start[i] < upper[i] {
                if silent?.value != best.value { silent = (best.value, silentParameters(best)) }
                guard let hessian = best.hessian,
                    silent?.parameters.contains(where: { $0 != i && hessian.entry(i, $0) != 0 }) == true
                else { continue }
                var restart = best.parameters
                restart[i] = start[i]
                if try keepIfLower(minimize(from: restart)) { improved = true }
            }

            if let restart = try probeBelow(best), try keepIfLower(minimize(from: restart)) { improved = true }

            if !improved { break }
        }
        return best
    }

    /// The free parameters whose curvature vanishes at `best` (≤ 1e-12 of the largest). A parameter i on its bound
    /// silences another when one of these has a non-zero mixed derivative with i (it multiplies a sample that i's
    /// bound removed, as k in μ·k at μ = 0). That is how a valley of minima ends on a bound; a bound that silences
    /// nothing (μ̂ = 0 on a deficit) is a plain constrained minimum and is not restarted from.
    private func silentParameters(_ best: Result) -> [Int] {
        let n = best.parameters.count
        guard let hessian = best.hessian, hessian.size == n else { return [] }
        let diagonal = (0..<n).map { hessian.diagonal($0) }
        let largest = diagonal.map { abs($0) }.max() ?? 0
        return (0..<n).filter { j in !fixed[j] && abs(diagonal[j]) <= 1e-12 * largest }
    }

    /// The first one-parameter probe around `best` whose objective is below it (the other probes belong to this
    /// minimum and are left to the next pass once the restart from it has found a lower one), or nil.
    private func probeBelow(_ best: Result) throws -> [Double]? {
        let n = best.parameters.count
        guard let hessian = best.hessian, hessian.size == n else { return nil }
        let values: [[Double]] = (0..<n).map { i in
            let curvature = hessian.diagonal(i)
            guard !fixed[i], curvature > 0 else { return [] }
            let sigma = (2 / curvature).squareRoot()
            return Self.probeMultiples.map { min(max(best.parameters[i] + $0 * sigma, lower[i]), upper[i]) }
                .filter { $0 != best.parameters[i] }
        }
        let objectives =
            try objective.valuesAlongCoordinates?(best.parameters, values)
            ?? values.enumerated().map { i, list in
                try list.map { value in
                    var point = best.parameters
                    point[i] = value
                    return try objective.value(point)
                }
            }
        let threshold = best.value - 1e-9 * max(1, abs(best.value))
        for i in 0..<n {
            if let (value, _) = zip(values[i], objectives[i]).first(where: { $0.1.isFinite && $0.1 < threshold }) {
                var restart = best.parameters
                restart[i] = value
                return restart
            }
        }
        return nil
    }
}
