/// lumi: one Gaussian-constrained multiplier λ (f = λ) on every carrying sample. pyhf has no defaults for it:
/// inits, bounds and auxdata (and usually sigmas) must come from the measurement's parameter config; a missing
/// sigmas means width 1 (pyhf).
enum LumiModifier {
    static func requirement() -> ParamRequirement {
        ParamRequirement(
            constraint: .normal, count: 1, isScalar: true, inits: nil, bounds: nil, fixed: [false],
            usesAuxdata: true, auxdata: nil, usesSigmas: true, sigmas: nil, usesFactors: false, factors: nil)
    }
}
