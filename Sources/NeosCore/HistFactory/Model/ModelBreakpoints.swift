extension Model {
    /// Per parameter, where the likelihood is not smooth: α = 0 for normsys code1 and histosys code0 (the slope
    /// changes), α = ±1 for histosys code2 (pyhf's code2 jumps there). code4 and code4p are smooth.
    public var parameterBreakpoints: [[Double]] {
        var points = [Set<Double>](repeating: [], count: parameterCount)
        for (index, parameter) in structure.factorParam.enumerated()
        where structure.factorIsNormsys[index] && structure.normsysCode == .code1 {
            points[parameter].insert(0)
        }
        for parameter in structure.addParam {
            switch structure.histosysCode {
            case .code0: points[parameter].insert(0)
            case .code2: points[parameter].formUnion([-1, 1])
            case .code4p: break
            }
        }
        return points.map { $0.sorted() }
    }
}
