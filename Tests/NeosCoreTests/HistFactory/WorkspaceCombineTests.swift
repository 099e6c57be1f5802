import XCTest

@testable import NeosCore

final class WorkspaceCombineTests: XCTestCase {
    /// The fixture with its channels and staterrors renamed, as the pyhf results were made from.
    func other() throws -> Workspace {
        try WorkspaceOperationFixture.parsed().renamed(
            modifiers: [("stat_sr", "stat_sr2"), ("stat_cr", "stat_cr2")], channels: [("sr", "sr2"), ("cr", "cr2")])
    }

    /// The fixture's sr channel alone, its signal sample renamed.
    func mergeSource() throws -> Workspace {
        try WorkspaceOperationFixture.parsed().pruned(channels: ["cr"]).renamed(samples: [("signal", "signal2")])
    }

    func testOuterJoinMergesMeasurementsAsPyhf() throws {
        // pyhf: pyhf.Workspace.combine(ws, other, join="outer"): the two "main" and "alt" measurements are equal
        // on both sides and kept once each
        let result = try Workspace.combine(WorkspaceOperationFixture.parsed(), other(), join: .outer)
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.combineOuter)
    }

    func testLeftOuterJoinWithMergedChannelsMatchesPyhf() throws {
        // pyhf: combine(ws, source, join="left outer", merge_channels=True): sr gets the signal2 sample
        let result = try Workspace.combine(
            WorkspaceOperationFixture.parsed(), mergeSource(), join: .leftOuter, mergeChannels: true)
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.combineMergeLeft)
    }

    func testRightOuterJoinKeepsTheRightItemsFirst() throws {
        // pyhf: combine(ws, source, join="right outer")
        let result = try Workspace.combine(WorkspaceOperationFixture.parsed(), mergeSource(), join: .rightOuter)
        try WorkspaceOperationFixture.assertSame(result, WorkspaceOperationFixture.combineRight)
    }

    func testNoneJoinRefusesCommonNames() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument,
            "Workspaces cannot have any channels in common with the same name: {'sr', 'cr'}. You can also try a "
                + "different join operation: ['none', 'outer', 'left outer', 'right outer']."
        ) { _ = try Workspace.combine(workspace, workspace) }
        // channels apart, observations are checked next
        let renamed = try workspace.renamed(channels: [("sr", "x")])
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "any channels in common with the same name: {'cr'}") {
            _ = try Workspace.combine(workspace, renamed)
        }
    }

    func testOuterJoinRefusesDifferingItemsOfOneName() throws {
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument, "Workspaces cannot have channels in common with incompatible structure: ['sr']."
        ) { _ = try Workspace.combine(WorkspaceOperationFixture.parsed(), mergeSource(), join: .outer) }
    }

    func testOuterJoinRefusesMeasurementsWithAnotherPOIOrConflictingConfigs() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        let otherPOI = try other().renamed(modifiers: [("mu", "mu2")])
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument, "Workspaces cannot have the same measurements with incompatible POI: ['main', 'alt']."
        ) { _ = try Workspace.combine(workspace, otherPOI, join: .outer) }
        let otherConfig = try Workspace(
            json: try other().json.replacingOccurrences(of: "\"sigmas\":[0.02]", with: "\"sigmas\":[0.03]"))
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument,
            "Workspaces cannot have a measurement (main) with incompatible parameter configs: ['lumi']."
        ) { _ = try Workspace.combine(workspace, otherConfig, join: .outer) }
    }

    func testMergingChannelsNeedsAnOuterJoin() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument,
            "You can only merge channels using the 'outer', 'left outer', or 'right outer' join operations; not none"
        ) { _ = try Workspace.combine(workspace, workspace, join: .none, mergeChannels: true) }
    }

    func testJoinNamesArePyhfs() {
        XCTAssertEqual(WorkspaceJoin.allCases.map(\.rawValue), ["none", "outer", "left outer", "right outer"])
        XCTAssertEqual(WorkspaceJoin.validJoins, "['none', 'outer', 'left outer', 'right outer']")
    }
}
