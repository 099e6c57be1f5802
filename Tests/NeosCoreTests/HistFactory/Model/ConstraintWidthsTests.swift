import Foundation
import XCTest

@testable import NeosCore

/// `Model.constraintWidths()` against pyhf 0.7.6's parameter sets (`sigmas`, `factors`, `pdf_type`) for every
/// reference model, stored in HistFactory/Resources/constraint_widths_pyhf076.json by
/// make_constraint_widths_reference.py (same folder).
final class ConstraintWidthsTests: XCTestCase {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")

    /// Both sides take square roots of sums of a few squares (staterror) or squares of ratios (shapesys) of the
    /// same doubles in different operation orders: a few ulps apart, far inside 1e-12 relative.
    static let rtol = 1e-12

    struct Expected {
        let name: String
        let kind: ConstraintKind
        let widths: [Double]
    }

    static func reference() throws -> [JSON] {
        let text = try String(
            contentsOf: resources.appendingPathComponent("constraint_widths_pyhf076.json"), encoding: .utf8)
        guard case .array(let cases)? = try JSON.parse(text)["cases"] else {
            XCTFail("the reference file has no cases")
            return []
        }
        return cases
    }

    static func numbers(_ value: JSON?) -> [Double]? {
        guard case .array(let items)? = value else { return nil }
        return items.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
    }

    /// The model spec of a case: the inline spec, or a file's (a workspace's channels and its first measurement's
    /// parameter configs), as the script built it in pyhf.
    static func spec(_ entry: JSON) throws -> String {
        if let inline = entry["spec"] { return inline.serialized() }
        guard case .string(let file)? = entry["file"] else { throw NeosError(.invalidArgument, "case without file") }
        let text =
            file.hasPrefix("tests:")
            ? try String(contentsOf: resources.appendingPathComponent(String(file.dropFirst(6))), encoding: .utf8)
            : try TestData.pyhfText(file)
        let document = try JSON.parse(text)
        guard case .array(let measurements)? = document["measurements"], let first = measurements.first else {
            return text
        }
        let parameters = first["config"]?["parameters"] ?? .array([])
        return JSON.object([
            .init(key: "channels", value: document["channels"]!), .init(key: "parameters", value: parameters),
        ]).serialized()
    }

    /// pyhf's view of each parameter set: unconstrained sets have width 0 here, normal sets without `sigmas`
    /// (normsys, histosys, lumi without configured sigmas) width 1, Poisson sets their factors.
    static func expected(_ entry: JSON) -> [Expected] {
        guard case .array(let sets)? = entry["sets"] else { return [] }
        return sets.map { set in
            guard case .string(let name)? = set["name"] else { return Expected(name: "?", kind: .none, widths: []) }
            switch set["pdf_type"] {
            case .string("normal")?:
                return Expected(name: name, kind: .normal, widths: numbers(set["sigmas"]) ?? [])
            case .string("poisson")?:
                return Expected(name: name, kind: .poisson, widths: numbers(set["factors"]) ?? [])
            default:
                return Expected(name: name, kind: .none, widths: [])
            }
        }
    }

    func check(_ model: Model, against sets: [Expected], _ label: String) {
        XCTAssertEqual(model.parameterOrder, sets.map(\.name), label)
        let constraints = model.constraintWidths()
        XCTAssertEqual(constraints.kinds.count, model.parameterCount, label)
        XCTAssertEqual(constraints.widths.count, model.parameterCount, label)
        for set in sets {
            guard let slice = model.parameterSlice(set.name) else {
                XCTFail("\(label): no parameter set \(set.name)")
                continue
            }
            let fill: Double = set.kind == .none ? 0 : 1
            let widths = set.widths.isEmpty ? [Double](repeating: fill, count: slice.count) : set.widths
            XCTAssertEqual(widths.count, slice.count, "\(label) \(set.name)")
            for (offset, index) in slice.enumerated() where offset < widths.count {
                XCTAssertEqual(constraints.kinds[index], set.kind, "\(label) \(set.name)[\(offset)]")
                let got = constraints.widths[index]
                let want = widths[offset]
                XCTAssertLessThanOrEqual(
                    abs(got - want), Self.rtol * abs(want), "\(label) \(set.name)[\(offset)]: \(got) vs pyhf \(want)")
            }
        }
    }

    func testEveryReferenceModelHasPyhfsWidths() throws {
        let cases = try Self.reference()
        // 9 validation workspaces + the ROOT reference, 14 XML conversions, 10 other files, this folder's spec
        // and 5 inline specs.
        XCTAssertEqual(cases.count, 40)
        var kindsSeen = Set<ConstraintKind>()
        for entry in cases {
            guard case .string(let name)? = entry["name"] else { return XCTFail("a case without a name") }
            let model = try Model(spec: try Self.spec(entry), poiName: nil)
            let sets = Self.expected(entry)
            check(model, against: sets, name)
            kindsSeen.formUnion(sets.map(\.kind))
        }
        XCTAssertEqual(kindsSeen, Set(ConstraintKind.allCases))
    }

    /// Staterror widths and shapesys factors follow new inputs: doubling every uncertainty through `withInputs`
    /// gives pyhf's widths of the spec with doubled uncertainties; the bins that vanished at build time (width 1,
    /// factor 1) stay so.
    func testWidthsFollowTheInputs() throws {
        let cases = try Self.reference()
        func entry(_ name: String) throws -> JSON {
            guard let found = cases.first(where: { $0["name"] == .string(name) }) else {
                throw NeosError(.invalidArgument, "no reference case \(name)")
            }
            return found
        }
        let original = try entry("inline_shapesys_staterror_vanishing_bins")
        let doubled = try entry("inline_shapesys_staterror_doubled_uncertainties")
        let model = try Model(spec: try Self.spec(original), poiName: nil)
        let (names, values) = model.inputs()
        let scaled = zip(names, values).map { name, value in
            name.contains("/staterror/") || name.contains("/shapesys/") ? 2 * value : value
        }
        XCTAssertNotEqual(scaled, values)
        let moved = try model.withInputs(scaled)
        check(moved, against: Self.expected(doubled), "withInputs(doubled uncertainties)")
        XCTAssertNotEqual(moved.constraintWidths(), model.constraintWidths())
        check(model, against: Self.expected(original), "the original model is unchanged")
    }

    /// Measurement-configured sigmas and factors are constants: new inputs do not move them.
    func testConfiguredWidthsIgnoreTheInputs() throws {
        guard
            let configured = try Self.reference().first(where: {
                $0["name"] == .string("inline_configured_factors_and_sigmas")
            })
        else { return XCTFail("no configured case") }
        let model = try Model(spec: try Self.spec(configured), poiName: nil)
        let moved = try model.withInputs(model.inputs().values.map { 3 * $0 })
        XCTAssertEqual(moved.constraintWidths(), model.constraintWidths())
        check(moved, against: Self.expected(configured), "configured, after withInputs")
    }
}
