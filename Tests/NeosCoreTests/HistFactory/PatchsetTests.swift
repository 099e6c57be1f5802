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

    /// The patchset's digests, a patch's metadata, and verification against the background-only workspace: pyhf's
    /// sha256 of it is the recorded one, and a changed workspace (one yield off) is refused with both digests.
    func testDigestsMetadataAndVerification() throws {
        let patchset = try Patchset(json: PyhfReferenceTests.refText("tests_data/test_patchset__example_patchset.json"))
        let recorded = "7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec"
        XCTAssertEqual(patchset.digests.map(\.algorithm), ["sha256"])
        XCTAssertEqual(patchset.digests.map(\.digest), [recorded])
        let entry = try patchset.entry(named: "patch_channel1_signal_syst1")
        XCTAssertEqual(entry.values, [0])
        XCTAssertEqual(patchset.labels, ["x"])
        XCTAssertEqual(entry.metadata["values"], .array([.number(0)]))
        XCTAssertEqual(entry.patch.serialized(), try patchset.patch(named: "patch_channel1_signal_syst1"))
        InvalidWorkspaces.assertError(.invalidArgument, ["No patch associated with \"nope\""]) {
            _ = try patchset.entry(named: "nope")
        }

        let background = try PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json")
        XCTAssertEqual(try SHA256.pyhfDigest(ofJSON: background), recorded)
        let verified = try patchset.verify(workspaceJSON: background)
        XCTAssertEqual(verified.checked, ["sha256"])
        XCTAssertEqual(verified.unchecked, [])
        let document = try JSON.parse(background)
        let changed = try JSONPatch.apply(
            try JSON.parse(#"[{"op": "replace", "path": "/observations/0/data/0", "value": 51.5}]"#), to: document)
        InvalidWorkspaces.assertError(.invalidArgument, ["its sha256 digest is", "the patchset records \(recorded)"]) {
            _ = try patchset.verify(workspaceJSON: changed.serialized())
        }
    }
}
