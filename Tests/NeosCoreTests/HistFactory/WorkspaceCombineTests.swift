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

final class WorkspaceJoinListTests: XCTestCase {
    func testJoinItemsByAnyKeyMergesDeepListsByName() throws {
        // pyhf's _join_items(join, left, right, key="key", deep_merge_key="deep"): the deep lists join by "name"
        let left = try JSON.parse(#"[{"key": 1, "deep": [{"name": 1}]}, {"key": 2, "deep": []}]"#).items(at: "")
        let right = try JSON.parse(#"[{"key": 1, "deep": [{"name": 1}, {"name": 2}]}, {"key": 3, "deep": []}]"#)
            .items(at: "")
        let joined = try Workspace.joinItems(.outer, left, right, key: "key", deepMergeKey: "deep")
        XCTAssertEqual(
            JSON.array(joined).serialized(),
            #"[{"key":1,"deep":[{"name":1},{"name":2}]},{"key":2,"deep":[]},{"key":3,"deep":[]}]"#)
        // keys compare as Python values: 1 and 1.0 are one key, so a right outer join keeps the right item only
        let oneFloat = try JSON.parse(#"[{"key": 1.0, "x": "right"}]"#).items(at: "")
        let rightOuter = try Workspace.joinItems(.rightOuter, left, oneFloat, key: "key")
        XCTAssertEqual(
            JSON.array(rightOuter).serialized(), #"[{"key":1,"x":"right"},{"key":2,"deep":[]}]"#)
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "an item to join has no member \"key\"") {
            _ = try Workspace.joinItems(.none, left, try JSON.parse(#"[{"name": 1}]"#).items(at: ""), key: "key")
        }
    }

    func testJoinListIsCombinesJoinOfOneList() throws {
        let left = try JSON.parse(#"[{"name": "p", "inits": [1]}]"#)
        let same = try JSON.parse(#"[{"inits": [1.0], "name": "p"}]"#)
        // equal as Python dicts (member order and 1 == 1.0 do not matter): kept once
        XCTAssertEqual(try Workspace.joinList("parameters", .outer, left, same, measurementName: "m").count, 1)
        let other = try JSON.parse(#"[{"name": "p", "inits": [2]}]"#)
        WorkspaceOperationFixture.assertThrows(
            .invalidArgument, "a measurement (m) with incompatible parameter configs: ['p']"
        ) {
            _ = try Workspace.joinList("parameters", .outer, left, other, measurementName: "m")
        }
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "observations in common with the same name: {'p'}") {
            _ = try Workspace.joinList("observations", .none, left, other)
        }
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "list is \"samples\"") {
            _ = try Workspace.joinList("samples", .none, left, other)
        }
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "right[0]: expected an object with a string \"name\"")
        {
            _ = try Workspace.joinList("channels", .none, left, try JSON.parse("[1]"))
        }
    }

    func testAJoinMayLeaveAChannelWithoutObservation() throws {
        // pyhf: the right workspace's observation renamed to the left's channel; a left outer join keeps the left
        // observation and leaves the right channel without one (pyhf checks the result against the schema only)
        let workspace = try WorkspaceOperationFixture.parsed()
        let text = try workspace.renamed(channels: [("sr", "sr2"), ("cr", "cr2")]).json
            .replacingOccurrences(of: #"{"name":"sr2","data""#, with: #"{"name":"sr","data""#)
        XCTAssertThrowsError(try Workspace(json: text))
        let right = try Workspace(json: text, observationsRequired: false)
        let combined = try Workspace.combine(workspace, right, join: .leftOuter)
        XCTAssertEqual(combined.channelNames, ["cr", "cr2", "sr", "sr2"])
        XCTAssertEqual(try combined.topLevelItems("observations").map(PythonJSON.name), ["sr", "cr", "cr2"])
        WorkspaceOperationFixture.assertThrows(.model, "no observation for channel \"sr2\"") {
            _ = try combined.data(model: try combined.model())
        }
    }
}
