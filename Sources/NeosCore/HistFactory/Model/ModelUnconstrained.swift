/// Unconstrained nuisance parameters: an extension of HistFactory (not in pyhf) for INFERNO's benchmarks 1 and 2
/// (de Castro & Dorigo, CPC 244 (2019) 170), where shape nuisances are free. A parameter named here loses its
/// constraint term (Gaussian for histosys, normsys, lumi and staterror; Poisson for shapesys) together with that
/// term's auxiliary data, so it stays free in fits and enters the Fisher information only through the main
/// Poisson term. Its modifiers, suggested init and bounds are unchanged, and it is not fixed.
extension ModelBuilder {
    /// Marks the sets named in `names` unconstrained, before the constraint terms are built from `paramSets`.
    ///
    /// - Throws: `NeosError` of kind `.model` for a name that is not a parameter of the model, or one that has no
    ///   constraint term to drop (a normfactor or shapefactor is free already). A name given twice counts once.
    static func unconstrain(_ paramSets: inout [ParamSet], names: [String]) throws {
        for (position, name) in names.enumerated() where !names[..<position].contains(name) {
            guard let index = paramSets.firstIndex(where: { $0.name == name }) else {
                let known = paramSets.map(\.name).joined(separator: ", ")
                throw NeosError(
                    .model, "unconstrained: \"\(name)\" is not a parameter of the model (its parameters: \(known))")
            }
            guard paramSets[index].constraint != .none else {
                throw NeosError(
                    .model,
                    "unconstrained: \"\(name)\" (\(paramSets[index].type)) has no constraint term to drop")
            }
            paramSets[index].constraint = .none
        }
    }
}
