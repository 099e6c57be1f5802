import XCTest

@testable import NeosCore

final class WorkspaceBuildTests: XCTestCase {
    /// The fixture's model spec: its channels and the first measurement's parameter configs.
    func modelSpec() throws -> String {
        let document = try JSON.parse(WorkspaceOperationFixture.workspace)
        let parameters = try document.required("measurements", at: "").items(at: "")[0]
            .required("config", at: "").required("parameters", at: "")
        return JSON.object([
            JSON.Member(key: "channels", value: try document.required("channels", at: "")),
            JSON.Member(key: "parameters", value: parameters),
        ]).serialized()
    }

    func testBuildMatchesPyhf() throws {
        // pyhf: model = ws.model(); pyhf.Workspace.build(model, ws.data(model, include_auxdata=False),
        // name="built"): parameters in the model's order with its suggested bounds, inits and fixed flags
        let workspace = try WorkspaceOperationFixture.parsed()
        let model = try workspace.model()
        let data = try workspace.data(model: model, includeAuxdata: false)
        let built = try Workspace.build(modelSpec: modelSpec(), model: model, data: data, name: "built")
        try WorkspaceOperationFixture.assertSame(built, WorkspaceOperationFixture.build)
        // the auxdata may follow the main data; it is not stored
        let withAux = try Workspace.build(
            modelSpec: modelSpec(), model: model, data: try workspace.data(model: model), name: "built")
        XCTAssertEqual(withAux.json, built.json)
    }

    func testBuildRefusesWrongDataAndAForeignSpec() throws {
        let workspace = try WorkspaceOperationFixture.parsed()
        let model = try workspace.model()
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "data has 2 numbers; the model has 3 main bins") {
            _ = try Workspace.build(modelSpec: self.modelSpec(), model: model, data: [1, 2])
        }
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "data[1] is nan") {
            _ = try Workspace.build(modelSpec: self.modelSpec(), model: model, data: [1, .nan, 3])
        }
        let spec = try modelSpec().replacingOccurrences(of: "\"name\":\"cr\"", with: "\"name\":\"other\"")
        WorkspaceOperationFixture.assertThrows(.invalidArgument, "model_spec has the channels ['other', 'sr']") {
            _ = try Workspace.build(modelSpec: spec, model: model, data: [1, 2, 3])
        }
    }

    func testAModelWithoutPOIHasNoMeasurement() throws {
        let model = try Model(spec: try modelSpec(), poiName: nil)
        WorkspaceOperationFixture.assertThrows(.model, "no parameter of interest") {
            _ = try Workspace.build(modelSpec: self.modelSpec(), model: model, data: [1, 2, 3])
        }
    }
}
