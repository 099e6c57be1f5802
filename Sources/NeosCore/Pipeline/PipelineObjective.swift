#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The losses a neos pipeline can train on (neos's names).
public enum PipelineLoss: String, Sendable, CaseIterable {
    /// Expected CLs of the "q" test at μ = 1 on the background-only Asimov data (neos's "cls").
    case cls
    /// Discovery p-value p₀ on the μ = 1 Asimov data.
    case discovery
    /// σ_μ = √[(I⁻¹)_μμ] at the nominal point (Cramér–Rao, nuisances profiled), neos's "poi_uncert".
    case poiUncert = "poi_uncert"
    /// INFERNO's objective: the POI variance (I⁻¹)_μμ, all nuisances profiled through the inverse Fisher matrix.
    case inferno
    /// Median expected upper limit on μ at 95% CL (CLs).
    case upperLimit = "upper_limit"
    /// Binary cross-entropy of the network's probability (signal events labelled 1, background 0), computed
    /// from the logits in the stable form max(z,0) − z·y + log(1 + e^{−|z|}). Needs a sigmoid output.
    case bce

    /// Whether the loss is a function of the statistical model (as opposed to the events' labels).
    var usesModel: Bool { self != .bce }

    /// Value and gradient with respect to the model's inputs.
    func evaluate(on model: Model) throws -> LossWithGradient {
        switch self {
        case .cls: return try Losses.expectedCLs(model: model)
        case .discovery: return try Losses.discoveryP0(model: model)
        case .poiUncert: return try Losses.poiUncertainty(model: model)
        case .inferno: return try Losses.poiVariance(model: model)
        case .upperLimit: return try Losses.expectedUpperLimit(model: model)
        case .bce: throw NeosError(.internal, "bce is not a model loss")
        }
    }
}

/// A weighted sum of losses, e.g. `{"cls": 1}` or `{"cls": 1, "bce": 0.01}`.
public struct PipelineObjective: Sendable, Equatable {
    /// The terms, in the order given; the objective is Σ weight·loss.
    public var terms: [Term]

    /// One loss and its weight.
    public struct Term: Sendable, Equatable {
        /// The loss.
        public var loss: PipelineLoss
        /// Its weight: finite and non-zero (negative weights maximise).
        public var weight: Double
        /// A term; the weight is checked when the objective is made.
        public init(loss: PipelineLoss, weight: Double) {
            self.loss = loss
            self.weight = weight
        }
    }

    /// An objective of several terms.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when there are no terms or a weight is zero or not finite.
    public init(_ terms: [Term]) throws {
        guard !terms.isEmpty else { throw NeosError.invalidArgument("the objective needs at least one loss") }
        for term in terms {
            guard term.weight.isFinite, term.weight != 0 else {
                throw NeosError.invalidArgument(
                    "loss \(term.loss.rawValue) has weight \(term.weight); weights must be finite and non-zero")
            }
        }
        self.terms = terms
    }

    /// The single loss `loss` with weight 1.
    public init(_ loss: PipelineLoss) { terms = [Term(loss: loss, weight: 1)] }

    /// A name like "cls" or "1*cls+0.01*bce".
    public var name: String {
        if terms.count == 1 && terms[0].weight == 1 { return terms[0].loss.rawValue }
        return terms.map { "\($0.weight)*\($0.loss.rawValue)" }.joined(separator: "+")
    }
}

/// Binary cross-entropy from logits: mean over events (event weights when given) of max(z,0) − z·y +
/// log1p(e^{−|z|}), and its derivative with respect to each logit, (σ(z) − y)·w/Σw.
enum BinaryCrossEntropy {
    static func evaluate(logits: [[Double]], labels: [Double], weights: [[Double]?]) -> (
        value: Double, gradients: [[Double]]
    ) {
        var total = 0.0
        var weightSum = 0.0
        for (set, z) in logits.enumerated() {
            for k in 0..<z.count { weightSum += weights[set]?[k] ?? 1 }
        }
        var gradients: [[Double]] = []
        for (set, z) in logits.enumerated() {
            let y = labels[set]
            var g = [Double](repeating: 0, count: z.count)
            for k in 0..<z.count {
                let w = (weights[set]?[k] ?? 1) / weightSum
                total += w * (max(z[k], 0) - z[k] * y + log1p(exp(-abs(z[k]))))
                g[k] = w * (Activation.sigmoid(z[k]) - y)
            }
            gradients.append(g)
        }
        return (total, gradients)
    }
}
