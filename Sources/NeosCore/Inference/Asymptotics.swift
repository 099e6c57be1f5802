/// The asymptotic calculator of pyhf (`AsymptoticCalculator`, Cowan et al. 2011), with every tail probability
/// computed through erfc so that CLs of 1e-12 and below keep full precision.
public enum Asymptotics {
    /// The five expected-band points, in pyhf's order: +2σ, +1σ, 0, −1σ, −2σ of the background-only
    /// distribution, which gives CLs in ascending order (index 0 is the "−2σ" band edge, index 2 the median).
    public static let bandSigmas: [Double] = [2, 1, 0, -1, -2]

    /// Asimov data as pyhf builds them: the nuisance parameters profiled on the observed data with the POI fixed
    /// at `asimovPOI`, then the model's expected data there, auxiliary data included (replaced by their fitted
    /// expectations).
    public static func asimovData(
        asimovPOI: Double, data: [Double], model: some LikelihoodModel, configuration: FitConfiguration = .init()
    ) throws -> (data: [Double], fit: FitResult) {
        let fit = try MLE.fixedPOIFit(poi: asimovPOI, data: data, model: model, configuration: configuration)
        return (try model.expectedData(fit.parameters, includeAuxdata: true), fit)
    }

    /// The test statistic in √q space and the p-values that follow from it.
    public struct PValues: Sendable, Equatable {
        /// CL_{s+b} = Φ(−(t + √q_A)), the p-value of the signal-plus-background hypothesis.
        public var clsb: Double
        /// CL_b = Φ(−t), from the background-only hypothesis.
        public var clb: Double
        /// CL_s = CL_{s+b} / CL_b.
        public var cls: Double
    }

    /// t = √q_obs − √q_A (q, q0, and q̃ when √q_obs ≤ √q_A), otherwise (q_obs − q_A)/(2√q_A) for q̃. √q_A = 0 never
    /// divides (pyhf issues #1992 and #2722).
    public static func sqrtSpaceStatistic(qObserved: Double, qAsimov: Double, testStatistic: TestStatistic) -> Double {
        let sqrtObserved = qObserved.squareRoot()
        let sqrtAsimov = qAsimov.squareRoot()
        if testStatistic == .qmuTilde && sqrtObserved > sqrtAsimov && sqrtAsimov > 0 {
            return (qObserved - qAsimov) / (2 * sqrtAsimov)
        }
        return sqrtObserved - sqrtAsimov
    }

    /// CLsb = Φ(−(t + √q_A)), CLb = Φ(−t), CLs = CLsb / CLb.
    public static func pValues(statistic t: Double, qAsimov: Double) -> PValues {
        let clsb = Normal.survival(t + qAsimov.squareRoot())
        let clb = Normal.survival(t)
        return PValues(clsb: clsb, clb: clb, cls: clsb / clb)
    }

    /// The expected p-values at the five band points (see ``bandSigmas``).
    public static func expectedPValues(qAsimov: Double) -> [PValues] {
        bandSigmas.map { pValues(statistic: $0, qAsimov: qAsimov) }
    }
}
