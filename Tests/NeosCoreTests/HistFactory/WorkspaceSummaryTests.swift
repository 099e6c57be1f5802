import XCTest

@testable import NeosCore

/// The summary `inspect` prints, against pyhf 0.7.6's `inspect --output-file` of the same workspaces.
final class WorkspaceSummaryTests: XCTestCase {
    func testMultichannelWorkspace() throws {
        let summary = try WorkspaceSummary(
            Workspace(json: try PyhfReferenceTests.refText("xml_converted/multichannel_histfactory.json")))
        XCTAssertEqual(summary.channels.map(\.name), ["channel1", "channel2"])
        XCTAssertEqual(summary.channels.map(\.bins), [2, 2])
        XCTAssertEqual(summary.samples, ["bkg", "signal"])
        XCTAssertEqual(
            summary.modifiers.map { "\($0.name):\($0.type)" },
            ["SigXsecOverSM:normfactor", "lumi:lumi", "uncorrshape_control:shapesys", "uncorrshape_signal:shapesys"])
        XCTAssertEqual(
            summary.parameters,
            [
                .init(name: "SigXsecOverSM", constraint: "unconstrained", modifierTypes: ["normfactor"]),
                .init(name: "lumi", constraint: "constrained_by_normal", modifierTypes: ["lumi"]),
                .init(name: "uncorrshape_control", constraint: "constrained_by_poisson", modifierTypes: ["shapesys"]),
                .init(name: "uncorrshape_signal", constraint: "constrained_by_poisson", modifierTypes: ["shapesys"]),
            ])
        XCTAssertEqual(
            summary.measurements,
            [.init(name: "GaussExample", poi: "SigXsecOverSM", parameterNames: ["lumi", "SigXsecOverSM"])])
    }

    /// A workspace without a POI still has a summary (pyhf inspects it; only its tests need a POI).
    func testWorkspaceWithoutPOI() throws {
        let summary = try WorkspaceSummary(
            Workspace(json: try PyhfReferenceTests.refText("tests_data/test_workspace__poiless.json")))
        XCTAssertFalse(summary.parameters.isEmpty)
        XCTAssertEqual(summary.measurements.count, 1)
    }
}
