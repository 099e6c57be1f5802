extension Model {
    /// Per parameter, where the likelihood is not smooth: α = 0 for normsys code1 and histosys code0 (the slope
    /// changes), α = ±1 for histosys code2 (pyhf's code2 jumps there). code4 and code4p are smooth.
    public var parameterBreakpoints: [[Double]] { structure.breakpoints }
}
