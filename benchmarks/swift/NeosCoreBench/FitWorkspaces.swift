// `neos-core-bench fit-workspaces FILE[+PATCH] ...`: the global fit and the fit at μ = 1 of each workspace (with a
// patch after "+"), printed to full precision, one line each, so that two builds' fits can be compared number for
// number (benchmarks/README.md, "Fit cost against bins", uses it to check that a change of the minimiser keeps the
// results). Files that are not workspaces, and fits that fail, print a line saying so.
import Foundation
import NeosCore

/// Runs the fits of the workspaces named in `arguments`.
func runFitWorkspaces(_ arguments: [String]) {
    for argument in arguments {
        let parts = argument.split(separator: "+").map(String.init)
        func report(_ label: String, _ fit: () throws -> FitResult) {
            do {
                let result = try fit()
                let parameters = result.parameters.map { String(format: "%.17g", $0) }.joined(separator: " ")
                print("\(argument) \(label) twiceNLL \(String(format: "%.17g", result.twiceNLL)) pars \(parameters)")
            } catch {
                print("\(argument) \(label) error \(error)")
            }
        }
        do {
            let text = try String(contentsOfFile: parts[0], encoding: .utf8)
            let patches = try parts.dropFirst().map { try String(contentsOfFile: $0, encoding: .utf8) }
            let workspace = try Workspace(json: text)
            let model = try workspace.model(patches: patches)
            let data = try workspace.data(model: model)
            report("fit") { try MLE.fit(data: data, model: model) }
            if model.poiIndex != nil { report("mu=1") { try MLE.fixedPOIFit(poi: 1, data: data, model: model) } }
        } catch {
            print("\(argument) not-fitted \(error)")
        }
    }
}
