import XCTest

@testable import NeosCore

/// The workspace the operation tests edit, and pyhf 0.7.6's results of the same operations on it (each made by
/// `pyhf.Workspace(...)` in pyhf 0.7.6 and written with `json.dumps`; the tests that use them say which call).
enum WorkspaceOperationFixture {
    /// Two channels (sr with signal and bkg, cr with bkg), modifiers of four types, two measurements.
    static let workspace = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}]}, {"name": "cr", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr", "type": "staterror", "data":
        [3.0]}]}]}], "observations": [{"name": "sr", "data": [55.0, 41.0]}, {"name": "cr", "data": [98.0]}],
        "measurements": [{"name": "main", "config": {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0],
        "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}, {"name": "bkg_norm", "fixed": true}]}}, {"name":
        "alt", "config": {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.05], "bounds":
        [[0.8, 1.2]], "inits": [1.0]}]}}], "version": "1.0.0"}
        """#

    /// pyhf's results, one per test below.
    static let prune = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "bkg", "data": [50.0, 40.0], "modifiers": [{"name":
        "lumi", "type": "lumi", "data": null}]}]}, {"name": "cr", "samples": [{"name": "bkg", "data": [100.0],
        "modifiers": []}]}], "measurements": [{"name": "main", "config": {"parameters": [{"name": "lumi", "auxdata":
        [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}], "poi": "mu"}}], "observations": [{"name":
        "sr", "data": [55.0, 41.0]}, {"name": "cr", "data": [98.0]}], "version": "1.0.0"}
        """#

    static let pruneChannel = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}]}], "measurements": [{"name": "main", "config": {"parameters": [{"name": "lumi", "auxdata": [1.0],
        "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}, {"name": "bkg_norm", "fixed": true}], "poi":
        "mu"}}, {"name": "alt", "config": {"parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.05],
        "bounds": [[0.8, 1.2]], "inits": [1.0]}], "poi": "mu"}}], "observations": [{"name": "sr", "data": [55.0,
        41.0]}], "version": "1.0.0"}
        """#

    static let rename = #"""
        {"channels": [{"name": "signal_region", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers":
        [{"name": "poi", "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]},
        {"name": "background", "data": [50.0, 40.0], "modifiers": [{"name": "norm_b", "type": "normsys", "data":
        {"hi": 1.1, "lo": 0.9}}, {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type":
        "staterror", "data": [2.0, 1.5]}]}]}, {"name": "cr", "samples": [{"name": "background", "data": [100.0],
        "modifiers": [{"name": "norm_b", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr",
        "type": "staterror", "data": [3.0]}]}]}], "measurements": [{"name": "main", "config": {"parameters":
        [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}, {"name":
        "norm_b", "fixed": true}], "poi": "poi"}}, {"name": "alternative", "config": {"parameters": [{"name":
        "lumi", "auxdata": [1.0], "sigmas": [0.05], "bounds": [[0.8, 1.2]], "inits": [1.0]}], "poi": "poi"}}],
        "observations": [{"name": "signal_region", "data": [55.0, 41.0]}, {"name": "cr", "data": [98.0]}],
        "version": "1.0.0"}
        """#

    static let sorted = #"""
        {"channels": [{"name": "cr", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr", "type": "staterror", "data":
        [3.0]}]}]}, {"name": "sr", "samples": [{"name": "bkg", "data": [50.0, 40.0], "modifiers": [{"name":
        "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}, {"name": "lumi", "type": "lumi", "data":
        null}, {"name": "stat_sr", "type": "staterror", "data": [2.0, 1.5]}]}, {"name": "signal", "data": [5.0,
        2.5], "modifiers": [{"name": "lumi", "type": "lumi", "data": null}, {"name": "mu", "type": "normfactor",
        "data": null}]}]}], "observations": [{"name": "cr", "data": [98.0]}, {"name": "sr", "data": [55.0, 41.0]}],
        "measurements": [{"name": "alt", "config": {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0],
        "sigmas": [0.05], "bounds": [[0.8, 1.2]], "inits": [1.0]}]}}, {"name": "main", "config": {"poi": "mu",
        "parameters": [{"name": "bkg_norm", "fixed": true}, {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02],
        "bounds": [[0.9, 1.1]], "inits": [1.0]}]}}], "version": "1.0.0"}
        """#

    static let combineOuter = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}]}, {"name": "cr", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr", "type": "staterror", "data":
        [3.0]}]}]}, {"name": "sr2", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr2", "type": "staterror", "data": [2.0,
        1.5]}]}]}, {"name": "cr2", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr2", "type": "staterror", "data":
        [3.0]}]}]}], "measurements": [{"name": "main", "config": {"poi": "mu", "parameters": [{"name": "lumi",
        "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}, {"name": "bkg_norm", "fixed":
        true}]}}, {"name": "alt", "config": {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0],
        "sigmas": [0.05], "bounds": [[0.8, 1.2]], "inits": [1.0]}]}}], "observations": [{"name": "sr", "data":
        [55.0, 41.0]}, {"name": "cr", "data": [98.0]}, {"name": "sr2", "data": [55.0, 41.0]}, {"name": "cr2",
        "data": [98.0]}], "version": "1.0.0"}
        """#

    static let combineMergeLeft = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}, {"name": "signal2", "data": [5.0, 2.5], "modifiers": [{"name": "mu", "type": "normfactor", "data":
        null}, {"name": "lumi", "type": "lumi", "data": null}]}]}, {"name": "cr", "samples": [{"name": "bkg",
        "data": [100.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
        {"name": "stat_cr", "type": "staterror", "data": [3.0]}]}]}], "measurements": [{"name": "main", "config":
        {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]],
        "inits": [1.0]}, {"name": "bkg_norm", "fixed": true}]}}, {"name": "alt", "config": {"poi": "mu",
        "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.05], "bounds": [[0.8, 1.2]], "inits":
        [1.0]}]}}], "observations": [{"name": "sr", "data": [55.0, 41.0]}, {"name": "cr", "data": [98.0]}],
        "version": "1.0.0"}
        """#

    static let combineRight = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal2", "data": [5.0, 2.5], "modifiers": [{"name":
        "mu", "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}]}, {"name": "cr", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr", "type": "staterror", "data":
        [3.0]}]}]}], "measurements": [{"name": "main", "config": {"parameters": [{"name": "lumi", "auxdata": [1.0],
        "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}, {"name": "bkg_norm", "fixed": true}], "poi":
        "mu"}}, {"name": "alt", "config": {"parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.05],
        "bounds": [[0.8, 1.2]], "inits": [1.0]}], "poi": "mu"}}], "observations": [{"name": "sr", "data": [55.0,
        41.0]}, {"name": "cr", "data": [98.0]}], "version": "1.0.0"}
        """#

    static let build = #"""
        {"channels": [{"name": "sr", "samples": [{"name": "signal", "data": [5.0, 2.5], "modifiers": [{"name": "mu",
        "type": "normfactor", "data": null}, {"name": "lumi", "type": "lumi", "data": null}]}, {"name": "bkg",
        "data": [50.0, 40.0], "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
        {"name": "lumi", "type": "lumi", "data": null}, {"name": "stat_sr", "type": "staterror", "data": [2.0,
        1.5]}]}]}, {"name": "cr", "samples": [{"name": "bkg", "data": [100.0], "modifiers": [{"name": "bkg_norm",
        "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}}, {"name": "stat_cr", "type": "staterror", "data":
        [3.0]}]}]}], "version": "1.0.0", "measurements": [{"name": "built", "config": {"poi": "mu", "parameters":
        [{"bounds": [[0.9, 1.1]], "inits": [1.0], "fixed": false, "name": "lumi"}, {"bounds": [[0, 10]], "inits":
        [1.0], "fixed": false, "name": "mu"}, {"bounds": [[-5.0, 5.0]], "inits": [0.0], "fixed": true, "name":
        "bkg_norm"}, {"bounds": [[1e-10, 10.0]], "inits": [1.0], "fixed": false, "name": "stat_cr"}, {"bounds":
        [[1e-10, 10.0], [1e-10, 10.0]], "inits": [1.0, 1.0], "fixed": false, "name": "stat_sr"}]}}], "observations":
        [{"name": "cr", "data": [98.0]}, {"name": "sr", "data": [55.0, 41.0]}]}
        """#

    /// The fixture as a workspace.
    static func parsed() throws -> Workspace { try Workspace(json: workspace) }

    /// Asserts that `result` is pyhf's `expected` document: equal values and the same members in the same order
    /// (both texts go through the core's serializer, so the number formats match).
    static func assertSame(_ result: Workspace, _ expected: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        XCTAssertEqual(result.json, try JSON.parse(expected).serialized(), file: file, line: line)
    }

    /// Asserts that `body` throws a NeosError of `kind` whose message contains `text`.
    static func assertThrows(
        _ kind: NeosError.Kind, _ text: String, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            XCTFail("no error thrown (expected \(kind): \(text))", file: file, line: line)
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(text), error.message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}

final class WorkspaceDocumentTests: XCTestCase {
    func testJSONIsTheDocumentAsGivenWithIntegralNumbersAsIntegers() throws {
        let text =
            #"{"channels": [{"name": "c", "samples": [{"name": "s", "data": [5.0, 0.25], "modifiers": []}]}], "#
            + #""observations": [{"name": "c", "data": [5, 1e-05]}], "#
            + #""measurements": [{"name": "m", "config": {"poi": "", "parameters": []}}], "version": "1.0.0"}"#
        let workspace = try Workspace(json: text)
        // member order kept, 5.0 written 5, 1e-05 in Swift's shortest form (the same value as Python's repr)
        XCTAssertEqual(
            workspace.json,
            #"{"channels":[{"name":"c","samples":[{"name":"s","data":[5,0.25],"modifiers":[]}]}],"#
                + #""observations":[{"name":"c","data":[5,1e-05]}],"#
                + #""measurements":[{"name":"m","config":{"poi":"","parameters":[]}}],"version":"1.0.0"}"#)
        XCTAssertEqual(try JSON.parse(workspace.json), try JSON.parse(text))
    }

    func testPythonEqualityIgnoresMemberOrderAndEquatesBooleansWithOneAndZero() throws {
        XCTAssertTrue(
            PythonJSON.equal(try JSON.parse(#"{"a": 1, "b": [true]}"#), try JSON.parse(#"{"b": [1], "a": 1.0}"#)))
        XCTAssertTrue(PythonJSON.equal(try JSON.parse(#"{"a": 1, "a": 2}"#), try JSON.parse(#"{"a": 2}"#)))
        XCTAssertFalse(PythonJSON.equal(try JSON.parse(#"{"a": 1}"#), try JSON.parse(#"{"a": 1, "b": null}"#)))
        XCTAssertFalse(PythonJSON.equal(try JSON.parse(#"[1, 2]"#), try JSON.parse(#"[2, 1]"#)))
        XCTAssertFalse(PythonJSON.equal(try JSON.parse(#""1""#), try JSON.parse(#"1"#)))
    }

    func testPythonReprOfNames() {
        XCTAssertEqual(PythonJSON.list(["a", "it's"]), #"['a', "it's"]"#)
        XCTAssertEqual(PythonJSON.set(["x"]), "{'x'}")
        XCTAssertEqual(PythonJSON.repr("a'b\"c\\"), #"'a\'b"c\\'"#)
    }

    func testSettingReplacesInPlaceOrAppends() throws {
        let object = try JSON.parse(#"{"name": "a", "type": "t", "name": "b"}"#)
        XCTAssertEqual(object.setting("name", to: .string("c")).serialized(), #"{"name":"c","type":"t"}"#)
        XCTAssertEqual(object.setting("x", to: .null).serialized(), #"{"name":"a","type":"t","name":"b","x":null}"#)
    }
}
