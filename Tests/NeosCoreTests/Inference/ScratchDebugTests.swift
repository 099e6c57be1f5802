import XCTest
import Foundation
@testable import NeosCore

final class ScratchDebugTests: XCTestCase {
    func testDebugCase() throws {
        guard let text = try? String(contentsOfFile: "/tmp/case.json", encoding: .utf8) else { return }
        let doc = try JSON.parse(text)
        let spec = doc["spec"]!.serialized()
        var settings: ModifierSettings? = nil
        if let s = doc["settings"], s != .null { settings = try ModifierSettings(json: s.serialized()) }
        let ws = try Workspace(json: spec)
        let model = try ws.model(modifierSettings: settings)
        guard case .array(let items)? = doc["data"] else { return }
        let data = items.map { if case .number(let v) = $0 { return v } else { return 0 } }
        var config = FitConfiguration()
        var initial = model.suggestedInit; if case .number(let p)? = doc["poi"] { initial[model.poiIndex!] = p }
        var fixed = model.suggestedFixed; fixed[model.poiIndex!] = true
        config.initialParameters = initial; config.fixed = fixed
        let r = try MLE.minimize(data: data, model: model, configuration: config)
        print("RESULT", r.parameters, r.twiceNLL, r.converged, r.reason, r.iterations)
        let g = try model.nllGradient(r.parameters, data: data)
        print("GRAD", g)
        print("HESS", try model.nllHessian(r.parameters, data: data))
    }
}
