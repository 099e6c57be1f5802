import Foundation
import XCTest

@testable import NeosCore

/// Compares models built from every reference workspace with pyhf 0.7.6 numbers stored in
/// Resources/pyhf_reference.json (written by make_pyhf_reference.py): par_order, par_names, suggested
/// init/bounds/fixed, auxdata, channels, samples, observed data, and expected_data and logpdf at the suggested
/// init and at random in-bounds points, to 1e-9 relative.
final class PyhfReferenceTests: XCTestCase {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let refdata = TestData.pyhf

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
    static func refText(_ path: String) throws -> String {
        if path.hasPrefix("tests:") { return try read(testsFolder.appendingPathComponent(String(path.dropFirst(6)))) }
        return try read(refdata.appendingPathComponent(path))
    }

    static func number(_ value: JSON) -> Double {
        switch value {
        case .number(let x): return x
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: fatalError("not a number: \(value)")
        }
    }

    static func numbers(_ value: JSON?) -> [Double] {
        guard case .array(let items)? = value else { return [] }
        return items.map(number)
    }

    static func strings(_ value: JSON?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.map { if case .string(let s) = $0 { return s } else { return "?" } }
    }

    /// Relative difference with a floor for values that are zero in both.
    static func relative(_ a: Double, _ b: Double) -> Double {
        if a == b || (a.isNaN && b.isNaN) { return 0 }
        return abs(a - b) / max(abs(a), abs(b))
    }

    func testAllReferenceWorkspacesAgreeWithPyhf() throws {
        let reference = try JSON.parse(
            try Self.read(Self.testsFolder.appendingPathComponent("Resources/pyhf_reference.json")))
        guard case .array(let cases)? = reference["cases"] else { return XCTFail("no cases") }
        XCTAssertGreaterThan(cases.count, 80)
        var workspaceCache: [String: Workspace] = [:]
        var worstExpected = (0.0, "")
        var worstLogpdf = (0.0, "")
        var checkedPoints = 0
        for entry in cases {
            guard case .string(let name)? = entry["name"], case .string(let kind)? = entry["kind"],
                case .string(let file)? = entry["file"]
            else { return XCTFail("bad case") }
            let settings: ModifierSettings? =
                entry["settings"] == .null ? nil : try ModifierSettings(json: entry["settings"]!.serialized())
            var patches: [String] = []
            if case .array(let items)? = entry["patches"] {
                for item in items {
                    if case .string(let path) = item {
                        patches.append(try Self.refText(path))
                    } else if case .string(let patchset)? = item["patchset"],
                        case .string(let patchName)? = item["name"]
                    {
                        patches.append(try Patchset(json: try Self.refText(patchset)).patch(named: patchName))
                    }
                }
            }
            let build: () throws -> Model = {
                if kind == "workspace" {
                    if workspaceCache[file] == nil {
                        workspaceCache[file] = try Workspace(json: try Self.refText(file))
                    }
                    return try workspaceCache[file]!.model(modifierSettings: settings, patches: patches)
                }
                var document = try JSON.parse(try Self.refText(file))
                if let measurements = document["measurements"] {
                    guard case .array(let list) = measurements, let config = list.first?["config"] else {
                        throw NeosError(.parse, "?")
                    }
                    document = .object([
                        .init(key: "channels", value: document["channels"]!),
                        .init(key: "parameters", value: config["parameters"]!),
                    ])
                }
                let poi: String? = { if case .string(let p)? = entry["poi_request"] { return p } else { return nil } }()
                return try Model(spec: document.serialized(), poiName: poi, modifierSettings: settings)
            }
            if case .string(let message)? = entry["error"] {
                // pyhf refuses these when building the model or, like xmlimport_DataDriven (POI bounds that
                // exclude 0), at the background-only fit: the refusal may come at either point here too.
                XCTAssertThrowsError(
                    try {
                        let model = try build()
                        guard kind == "workspace", let workspace = workspaceCache[file] else { return }
                        _ = try MLE.fixedPOIFit(poi: 0, data: try workspace.data(model: model), model: model)
                    }(), "\(name): pyhf refuses it (\(message.prefix(80)))"
                ) { error in
                    XCTAssertTrue(
                        [.model, .invalidArgument].contains((error as? NeosError)?.kind), "\(name): \(error)")
                }
                continue
            }
            let model: Model
            do { model = try build() } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            XCTAssertEqual(model.parameterOrder, Self.strings(entry["par_order"]), "\(name) par_order")
            XCTAssertEqual(model.parameterNames, Self.strings(entry["par_names"]), "\(name) par_names")
            XCTAssertEqual(model.channels, Self.strings(entry["channels"]), "\(name) channels")
            XCTAssertEqual(model.samples, Self.strings(entry["samples"]), "\(name) samples")
            XCTAssertEqual(model.suggestedInit, Self.numbers(entry["init"]), "\(name) init")
            if case .array(let bounds)? = entry["bounds"] {
                XCTAssertEqual(
                    model.suggestedBounds.map { [$0.lower, $0.upper] }, bounds.map(Self.numbers), "\(name) bounds")
            }
            if case .array(let fixed)? = entry["fixed"] {
                XCTAssertEqual(model.suggestedFixed, fixed.map { $0 == .bool(true) }, "\(name) fixed")
            }
            let auxdata = Self.numbers(entry["auxdata"])
            XCTAssertEqual(model.auxdata.count, auxdata.count, "\(name) auxdata count")
            for (a, b) in zip(model.auxdata, auxdata) {
                XCTAssertLessThanOrEqual(Self.relative(a, b), 1e-12, "\(name) auxdata \(a) vs \(b)")
            }
            if let poi = entry["poi"], case .string(let poiName) = poi {
                XCTAssertEqual(model.poiName, poiName, name)
            } else {
                XCTAssertNil(model.poiIndex, name)
            }
            let data = Self.numbers(entry["data"])
            if kind == "workspace" {
                let ours = try workspaceCache[file]!.data(model: model)
                XCTAssertEqual(ours.count, data.count, name)
                for (a, b) in zip(ours, data) { XCTAssertLessThanOrEqual(Self.relative(a, b), 1e-12, "\(name) data") }
            }
            guard case .array(let points)? = entry["points"] else { continue }
            for point in points {
                let pars = Self.numbers(point["pars"])
                if let expectedJSON = point["expected_data"] {
                    let expected = Self.numbers(expectedJSON)
                    let ours = try model.expectedData(pars)
                    XCTAssertEqual(ours.count, expected.count, name)
                    for (i, (a, b)) in zip(ours, expected).enumerated() {
                        let error = Self.relative(a, b)
                        if error > worstExpected.0 { worstExpected = (error, "\(name)[\(i)]: \(a) vs \(b)") }
                        XCTAssertLessThanOrEqual(error, 1e-9, "\(name) expected_data[\(i)]: \(a) vs pyhf \(b)")
                    }
                }
                let logpdf = try model.logpdf(pars, data: data)
                let expectedLogpdf = Self.number(point["logpdf"]!)
                let error = Self.relative(logpdf, expectedLogpdf)
                if error > worstLogpdf.0 { worstLogpdf = (error, "\(name): \(logpdf) vs \(expectedLogpdf)") }
                XCTAssertLessThanOrEqual(error, 1e-9, "\(name) logpdf \(logpdf) vs pyhf \(expectedLogpdf)")
                checkedPoints += 1
            }
        }
        print(
            "pyhf reference: \(cases.count) cases, \(checkedPoints) points; worst expected_data rel. error \(worstExpected.0) (\(worstExpected.1)); worst logpdf rel. error \(worstLogpdf.0) (\(worstLogpdf.1))"
        )
    }
}
