import XCTest

@testable import NeosCore

/// A small valid workspace (two channels, every kind of modifier data) and the means to break it: the error tests
/// of each HistFactory source check that every malformed or unsupported input gives a `NeosError` of the right
/// kind whose message names the JSON path.
enum InvalidWorkspaces {
    static let base = """
        {"channels": [
           {"name": "SR", "samples": [
             {"name": "signal", "data": [5, 6], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
             {"name": "bkg", "data": [50, 60], "modifiers": [
               {"name": "unc", "type": "histosys", "data": {"hi_data": [52, 63], "lo_data": [48, 58]}},
               {"name": "norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
               {"name": "stat", "type": "staterror", "data": [2, 3]},
               {"name": "lumi", "type": "lumi", "data": null}]}]},
           {"name": "CR", "samples": [
             {"name": "bkg", "data": [100], "modifiers": [
               {"name": "shape", "type": "shapesys", "data": [10]},
               {"name": "lumi", "type": "lumi", "data": null}]}]}],
         "observations": [{"name": "SR", "data": [55, 66]}, {"name": "CR", "data": [101]}],
         "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
             {"name": "lumi", "inits": [1], "bounds": [[0.5, 1.5]], "auxdata": [1], "sigmas": [0.02]}]}}],
         "version": "1.0.0"}
        """

    /// The base workspace with a JSON patch applied.
    static func variant(_ patch: String) throws -> String {
        try JSONPatch.apply(patch, to: try JSON.parse(base)).serialized()
    }

    /// The model of the base workspace with a JSON patch applied.
    static func model(_ patch: String) throws -> Model {
        try Workspace(json: try variant(patch)).model()
    }

    /// Asserts that `body` throws a `NeosError` of `kind` whose message contains every fragment.
    static func assertError(
        _ kind: NeosError.Kind, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            XCTFail("expected a \(kind) error containing \(fragments)", file: file, line: line)
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, kind, "\(error.message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(
                    error.message.contains(fragment), "«\(error.message)» lacks «\(fragment)»", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }
}
