import XCTest

@testable import NeosCore

/// The precomputed normsys table (`NormsysTable`) gives the same numbers as evaluating the interpolation from hi and
/// lo each time (`NormSysModifier`), to the bit: fits and their references depend on the table only for speed.
final class NormSysTests: XCTestCase {
    func testTableValuesAndAlphaDerivativesAreBitForBitTheDirectOnes() {
        let variations: [(hi: Double, lo: Double)] = [
            (1.08, 1 / 1.08), (1.3, 0.85), (0.9, 1.2), (1.0, 1.0), (2.5, 0.05),
        ]
        let alphas: [Double] = [-5, -2.3, -1, -0.999, -0.5, -1e-9, 0, 1e-9, 0.37, 0.999, 1, 1.7, 5]
        for code in NormsysInterpolation.allCases {
            for (hi, lo) in variations {
                let entry = NormsysTable.entry(hi: hi, lo: lo)
                entry.withUnsafeBufferPointer { table in
                    for alpha in alphas {
                        let direct = NormSysModifier.derivatives(code: code, alpha: alpha, hi: hi, lo: lo)
                        let value = NormsysTable.factor(
                            code: code, alpha: alpha, hi: hi, lo: lo, entry: table.baseAddress!)
                        let fromTable = NormsysTable.alphaDerivatives(
                            code: code, alpha: alpha, hi: hi, lo: lo, entry: table.baseAddress!)
                        let label = "\(code) hi \(hi) lo \(lo) α \(alpha)"
                        XCTAssertEqual(
                            value.bitPattern,
                            NormSysModifier.factor(code: code, alpha: alpha, hi: hi, lo: lo).bitPattern,
                            label)
                        XCTAssertEqual(fromTable.value.bitPattern, direct.value.bitPattern, label)
                        XCTAssertEqual(fromTable.dAlpha.bitPattern, direct.dAlpha.bitPattern, label)
                        XCTAssertEqual(fromTable.d2Alpha.bitPattern, direct.d2Alpha.bitPattern, label)
                    }
                }
            }
        }
    }

    func testAModelKeepsItsTableInStepWithItsInputs() throws {
        let model = try Model(spec: LikelihoodTests.fullSpec, poiName: "mu")
        let s = model.structure
        var inputs = model.inputs().values
        for k in 0..<s.factorParam.count where s.factorIsNormsys[k] { inputs[s.factorHi[k]] *= 1.01 }
        let changed = try model.withInputs(inputs)
        for k in 0..<s.factorParam.count where s.factorIsNormsys[k] {
            let stride = NormsysTable.stride
            XCTAssertEqual(
                Array(changed.numbers.normsysTable[(k * stride)..<((k + 1) * stride)]),
                NormsysTable.entry(hi: inputs[s.factorHi[k]], lo: inputs[s.factorLo[k]]))
        }
    }
}
