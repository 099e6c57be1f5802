/// What one modifier occurrence asks of its parameter set, before the measurement's parameter config is applied
/// (pyhf's `required_parset`). `nil` in a *used* attribute means "no default" (lumi: everything must come from the
/// config); an attribute the type does not use is flagged by `uses…` = false.
struct ParamRequirement: Equatable, Sendable {
    enum Constraint: Equatable, Sendable { case none, normal, poisson }

    var constraint: Constraint
    var count: Int
    var isScalar: Bool
    var inits: [Double]?
    var bounds: [Bounds]?
    var fixed: [Bool]
    var usesAuxdata: Bool
    var auxdata: [Double]?
    var usesSigmas: Bool
    var sigmas: [Double]?
    var usesFactors: Bool
    var factors: [Double]?

    struct Bounds: Equatable, Sendable {
        var lower: Double
        var upper: Double
    }
}

/// A parameter set after merging defaults with the user config: a named slice of the parameter vector.
struct ParamSet: Sendable {
    var name: String
    /// The modifier type group the set was first met in (decides its position in `par_order`).
    var type: ModifierType
    var start: Int
    var count: Int
    var isScalar: Bool
    var constraint: ParamRequirement.Constraint
    var inits: [Double]
    var bounds: [ParamRequirement.Bounds]
    var fixed: [Bool]
    /// Constrained sets: auxdata, Gaussian widths (normal) or Poisson factors τ (poisson).
    var auxdata: [Double]
    var sigmas: [Double]
    var factors: [Double]
    /// True where the user config replaced a default that depends on the model inputs (then it stays constant
    /// under `withInputs` and carries no input derivative).
    var userAuxdata = false
    var userSigmas = false
    var userFactors = false
}

enum ParameterSets {
    /// pyhf's `reduce_paramsets_requirements`: one requirement per name (all occurrences must agree), merged with
    /// the user config entry of that name. Unknown names in the config are ignored (pyhf quirk).
    static func resolve(
        names: [String], types: [String: ModifierType],
        requirements: [String: [(requirement: ParamRequirement, path: String, type: ModifierType)]],
        configs: [ModelSpec.ParameterConfig]
    ) throws -> [ParamSet] {
        var configByName: [String: ModelSpec.ParameterConfig] = [:]
        for config in configs { configByName[config.name] = config }
        var sets: [ParamSet] = []
        var next = 0
        for name in names {
            let occurrences = requirements[name]!
            let first = occurrences[0]
            for other in occurrences.dropFirst() where other.requirement != first.requirement {
                throw NeosError(
                    .model,
                    "\(other.path): parameter \"\(name)\" is shared by a \(first.type.rawValue) modifier (\(first.path)) and a \(other.type.rawValue) modifier with different settings (kind, size, defaults); use unique modifier names",
                    reason: .nameReuse
                )
            }
            var req = first.requirement
            var set = ParamSet(
                name: name, type: types[name]!, start: next, count: req.count, isScalar: req.isScalar,
                constraint: req.constraint, inits: [], bounds: [], fixed: req.fixed, auxdata: [], sigmas: [],
                factors: [])
            let typeName = first.type.rawValue
            if let config = configByName[name] {
                func check(_ values: Int, _ key: String) throws {
                    guard values == req.count else {
                        throw NeosError(
                            .model,
                            "\(config.path).\(key): expected \(req.count) value\(req.count == 1 ? "" : "s") for parameter \"\(name)\" (\(typeName), \(req.count) parameter\(req.count == 1 ? "" : "s")), got \(values)"
                        )
                    }
                }
                func unused(_ key: String) -> NeosError {
                    NeosError(
                        .model,
                        "\(config.path).\(key): parameter \"\(name)\" (\(typeName)) does not use the \(key) attribute")
                }
                if let inits = config.inits {
                    try check(inits.count, "inits")
                    req.inits = inits
                }
                if let bounds = config.bounds {
                    try check(bounds.count, "bounds")
                    req.bounds = bounds.map { ParamRequirement.Bounds(lower: $0.lower, upper: $0.upper) }
                }
                if let fixed = config.fixed { req.fixed = [Bool](repeating: fixed, count: req.count) }
                if let auxdata = config.auxdata {
                    guard req.usesAuxdata else { throw unused("auxdata") }
                    try check(auxdata.count, "auxdata")
                    req.auxdata = auxdata
                    set.userAuxdata = true
                }
                if let sigmas = config.sigmas {
                    guard req.usesSigmas else { throw unused("sigmas") }
                    try check(sigmas.count, "sigmas")
                    req.sigmas = sigmas
                    set.userSigmas = true
                }
                if let factors = config.factors {
                    guard req.usesFactors else { throw unused("factors") }
                    try check(factors.count, "factors")
                    req.factors = factors
                    set.userFactors = true
                }
            }
            let firstPath = first.path
            guard let inits = req.inits, let bounds = req.bounds, !req.usesAuxdata || req.auxdata != nil else {
                var missing: [String] = []
                if req.inits == nil { missing.append("inits") }
                if req.bounds == nil { missing.append("bounds") }
                if req.usesAuxdata && req.auxdata == nil { missing.append("auxdata") }
                throw NeosError(
                    .model,
                    "\(firstPath): the \(typeName) parameter \"\(name)\" has no defaults; the measurement config must set its \(missing.joined(separator: ", ")) (e.g. {\"name\": \"\(name)\", \"inits\": [1.0], \"bounds\": [[0.5, 1.5]], \"auxdata\": [1.0], \"sigmas\": [0.1]})"
                )
            }
            // As pyhf, an init outside its bounds is kept in the model (its suggested_init); a fit that starts
            // there is refused with both numbers named (MLE.minimize), as pyhf's fits refuse it.
            set.inits = inits
            set.bounds = bounds
            set.fixed = req.fixed
            if req.constraint != .none {
                set.auxdata = req.auxdata ?? []
                if req.constraint == .normal {
                    // pyhf: no (or empty) sigmas means width 1
                    set.sigmas = req.sigmas ?? [Double](repeating: 1, count: req.count)
                    for (i, sigma) in set.sigmas.enumerated() where !(sigma > 0) {
                        throw NeosError(
                            .model,
                            "\(configByName[name]?.path ?? firstPath): sigma \(sigma) of parameter \"\(name)\"[\(i)] must be positive"
                        )
                    }
                } else {
                    set.factors = req.factors ?? []
                }
            }
            sets.append(set)
            next += req.count
        }
        return sets
    }
}
