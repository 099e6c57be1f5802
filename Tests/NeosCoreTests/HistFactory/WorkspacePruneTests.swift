import XCTest

@testable import NeosCore

final class WorkspacePruneTests: XCTestCase {
    func testPruneMatchesPyhf() throws {
        // pyhf: ws.prune(modifiers=["bkg_norm"], modifier_types=["staterror"], samples=["signal"],
        // measurements=["alt"]); the lumi parameter config stays (its modifier does), bkg_norm's goes
        let result = try WorkspaceOperationFixture.parsed().pruned(
            modifiers: ["bkg_norm"], modifierTypes: ["staterror"], samples: ["signal"], measurements: ["alt"])
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.prune)
    }

    func testPruningAChannelRemovesItsObservationButKeepsParameterConfigs() throws {
        // pyhf: ws.prune(channels=["cr"])
        let result = try WorkspaceOperationFixture.parsed().pruned(channels: ["cr"])
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.pruneChannel)
        XCTAssertEqual(result.channelNames, ["sr"])
    }

    func testUnknownNamesAreRefusedWithPyhfsMessages() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        let cases: [(() throws -> Void, String)] = [
            ({ _ = try workspace.pruned(modifiers: ["nope"]) }, "nope is not one of the modifiers in this workspace."),
            (
                { _ = try workspace.pruned(modifierTypes: ["shapesys"]) },
                "shapesys is not one of the modifier types in this workspace."
            ),
            ({ _ = try workspace.pruned(samples: ["x"]) }, "x is not one of the samples in this workspace."),
            ({ _ = try workspace.pruned(channels: ["x"]) }, "x is not one of the channels in this workspace."),
            ({ _ = try workspace.pruned(measurements: ["x"]) }, "x is not one of the measurements in this workspace."),
        ]
        for (body, message) in cases {
            WorkspaceOperationFixture.assertThrows(.invalidArgument, message, body)
        }
    }

    func testTypesAreCheckedBeforeNames() throws {
        // pyhf checks the modifier types first, so a bad type is reported even with a bad modifier name
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "histosys is not one of the modifier types") {
            _ = try WorkspaceOperationFixture.parsed().pruned(modifiers: ["nope"], modifierTypes: ["histosys"])
        }
    }

    func testPruningEverythingLeavesNoWorkspace() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        WorkspaceOperationFixture.assertThrows(.parse, "measurements: expected a non-empty array") {
            _ = try workspace.pruned(measurements: ["main", "alt"])
        }
        WorkspaceOperationFixture.assertThrows(.parse, "channels") {
            _ = try workspace.pruned(channels: ["sr", "cr"])
        }
    }
}
