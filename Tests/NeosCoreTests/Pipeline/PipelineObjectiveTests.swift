import XCTest

@testable import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class PipelineObjectiveTests: XCTestCase {
    /// The objective's display name, and the checks on its terms.
    func testNamesAndChecks() throws {
        XCTAssertEqual(PipelineObjective(.cls).name, "cls")
        XCTAssertEqual(PipelineObjective(.poiUncert).name, "poi_uncert")
        let mixed = try PipelineObjective([.init(loss: .cls, weight: 1), .init(loss: .bce, weight: 0.01)])
        XCTAssertEqual(mixed.name, "1.0*cls+0.01*bce")
        XCTAssertEqual(try PipelineObjective([.init(loss: .discovery, weight: 2)]).name, "2.0*discovery")
        for weight in [0, .nan, .infinity] {
            XCTAssertThrowsError(try PipelineObjective([.init(loss: .cls, weight: weight)]), "\(weight)") {
                XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument)
            }
        }
        XCTAssertThrowsError(try PipelineObjective([]))
        XCTAssertEqual(
            PipelineLoss.allCases.map(\.rawValue), ["cls", "discovery", "poi_uncert", "inferno", "upper_limit", "bce"])
        XCTAssertFalse(PipelineLoss.bce.usesModel)
        XCTAssertTrue(PipelineLoss.allCases.filter { $0 != .bce }.allSatisfy(\.usesModel))
    }

    /// Binary cross-entropy from logits against −[y ln σ(z) + (1 − y) ln(1 − σ(z))] written out (weighted mean,
    /// 1e-14 relative), and its gradient against central differences (1e-9 absolute, step 1e-3).
    func testBinaryCrossEntropy() {
        let logits: [[Double]] = [[2.0, -0.5, 0.1], [-1.5, 0.7]]
        let labels: [Double] = [1, 0]
        let weights: [[Double]?] = [[1, 2, 0.5], nil]
        func direct(_ logits: [[Double]]) -> Double {
            var total = 0.0
            var weightSum = 0.0
            for (set, z) in logits.enumerated() {
                for k in 0..<z.count {
                    let w = weights[set]?[k] ?? 1
                    let p = 1 / (1 + exp(-z[k]))
                    total += w * -(labels[set] * log(p) + (1 - labels[set]) * log(1 - p))
                    weightSum += w
                }
            }
            return total / weightSum
        }
        let result = BinaryCrossEntropy.evaluate(logits: logits, labels: labels, weights: weights)
        XCTAssertEqual(result.value, direct(logits), accuracy: 1e-14 * direct(logits))
        for set in 0..<logits.count {
            for k in 0..<logits[set].count {
                let numeric = FiniteDifferences.derivative(at: logits[set][k]) { value in
                    var z = logits
                    z[set][k] = value
                    return direct(z)
                }
                XCTAssertEqual(result.gradients[set][k], numeric, accuracy: 1e-9, "set \(set), event \(k)")
            }
        }
    }

    /// The stable form keeps large logits finite where σ rounds to 0 or 1: a confident right answer costs
    /// ≈ e^{−|z|}, a confident wrong one ≈ |z|.
    func testBinaryCrossEntropyIsStableForLargeLogits() {
        let right = BinaryCrossEntropy.evaluate(logits: [[800]], labels: [1], weights: [nil])
        XCTAssertEqual(right.value, 0)
        XCTAssertEqual(right.gradients[0][0], 0)
        let wrong = BinaryCrossEntropy.evaluate(logits: [[800]], labels: [0], weights: [nil])
        XCTAssertEqual(wrong.value, 800)
        XCTAssertEqual(wrong.gradients[0][0], 1)
        let mild = BinaryCrossEntropy.evaluate(logits: [[40]], labels: [1], weights: [nil])
        XCTAssertEqual(mild.value, log1p(exp(-40.0)), accuracy: 1e-15 * exp(-40.0))
    }
}
