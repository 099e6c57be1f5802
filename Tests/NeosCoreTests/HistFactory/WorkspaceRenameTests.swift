import XCTest

@testable import NeosCore

final class WorkspaceRenameTests: XCTestCase {
    func testRenameMatchesPyhf() throws {
        // pyhf: ws.rename(modifiers={"mu": "poi", "bkg_norm": "norm_b"}, samples={"bkg": "background"},
        // channels={"sr": "signal_region"}, measurements={"alt": "alternative"}): the POI and parameter configs
        // follow their modifiers, the observation its channel
        let result = try WorkspaceOperationFixture.parsed().renamed(
            modifiers: [("mu", "poi"), ("bkg_norm", "norm_b")], samples: [("bkg", "background")],
            channels: [("sr", "signal_region")], measurements: [("alt", "alternative")])
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.rename)
        XCTAssertEqual(try result.poi(measurementName: "alternative"), "poi")
    }

    func testTheLastPairOfARepeatedOldNameCounts() throws {
        let result = try WorkspaceOperationFixture.parsed().renamed(channels: [("cr", "a"), ("cr", "b")])
        XCTAssertEqual(result.channelNames, ["b", "sr"])
    }

    func testUnknownOldNamesAreRefused() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "zz is not one of the samples in this workspace.") {
            _ = try workspace.renamed(samples: [("zz", "y")])
        }
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "zz is not one of the modifiers in this workspace.") {
            _ = try workspace.renamed(modifiers: [("zz", "y")])
        }
    }

    func testRenamingTwoChannelsToOneNameIsNotAWorkspace() throws {
        WorkspaceOperationFixture.assertThrows(.model, "duplicate") {
            _ = try WorkspaceOperationFixture.parsed().renamed(channels: [("cr", "sr")])
        }
    }
}
