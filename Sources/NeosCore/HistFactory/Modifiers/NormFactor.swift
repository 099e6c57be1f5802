/// normfactor: one free, unconstrained multiplier shared by name (init 1, bounds [0, 10]); f = θ.
enum NormFactorModifier {
    static func requirement() -> ParamRequirement {
        ParamRequirement(
            constraint: .none, count: 1, isScalar: true, inits: [1], bounds: [.init(lower: 0, upper: 10)],
            fixed: [false],
            usesAuxdata: false, auxdata: nil, usesSigmas: false, sigmas: nil, usesFactors: false, factors: nil)
    }
}
