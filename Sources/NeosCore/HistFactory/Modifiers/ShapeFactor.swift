/// shapefactor: one free multiplier per bin of the channel(s) carrying it, shared by name (init 1, bounds
/// [0, 10] each); in bin i of any carrying channel, f = θ_i. All channels sharing it must have the same bin count.
enum ShapeFactorModifier {
    static func requirement(binCount: Int) -> ParamRequirement {
        ParamRequirement(
            constraint: .none, count: binCount, isScalar: false, inits: [Double](repeating: 1, count: binCount),
            bounds: [ParamRequirement.Bounds](repeating: .init(lower: 0, upper: 10), count: binCount),
            fixed: [Bool](repeating: false, count: binCount),
            usesAuxdata: false, auxdata: nil, usesSigmas: false, sigmas: nil, usesFactors: false, factors: nil)
    }
}
