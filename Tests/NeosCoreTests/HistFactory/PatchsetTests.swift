import XCTest

@testable import NeosCore

/// Patchsets: their patch names and their errors.
final class PatchsetTests: XCTestCase {
    func testPatchsetErrors() throws {
        let patchset = try Patchset(json: PyhfReferenceTests.refText("tests_data/test_patchset__example_patchset.json"))
        XCTAssertEqual(patchset.patchNames, ["patch_channel1_signal_syst1"])
        InvalidWorkspaces.assertError(.invalidArgument, ["patch \"nope\" not found"]) {
            _ = try patchset.patch(named: "nope")
        }
        InvalidWorkspaces.assertError(.parse, ["version: unsupported patchset version"]) {
            _ = try Patchset(json: #"{"metadata": {}, "patches": [], "version": "0.9"}"#)
        }
    }
}
