/// pyhf.interpolators' batched evaluation: every (systematic, sample, alpha, bin) of a histogram set at once, each
/// entry computed by its code's per-entry function.
///
/// Layouts are pyhf's, flattened row-major:
///
///     histogramssets[s][h][k][b]   k = 0 lo, 1 nom, 2 hi        (systematics × samples × 3 × bins)
///     alphasets[s][a]                                           (systematics × alphas)
///     values[s][h][a][b]                                        (systematics × samples × alphas × bins)
///
/// Additive codes (0, 2, 4p) give Δ, multiplicative ones (1, 4) the factor f, as pyhf's classes return them.
public struct InterpolationBatch: Sendable, Equatable {
    /// An interpolation code as pyhf.interpolators names it.
    public enum Code: Sendable, Equatable {
        /// Code 0: additive, piecewise linear (`InterpolationCode0`).
        case code0
        /// Code 1: multiplicative, piecewise exponential (`InterpolationCode1`).
        case code1
        /// Code 2: additive, quadratic with linear extrapolation, as pyhf's tensorised `code2` (`InterpolationCode2`).
        case code2
        /// Code 2 as pyhf's per-entry reference implementation (`get(2, do_tensorized_calc=False)`): below α = −1
        /// it extrapolates with (b − 2a)(α + 1) (`InterpolationCode2.referenceDelta`).
        case code2Reference
        /// Code 4: multiplicative, polynomial inside ±α₀ with exponential extrapolation (`InterpolationCode4`).
        case code4(alpha0: Double)
        /// Code 4p: additive, polynomial inside ±1 with linear extrapolation (`InterpolationCode4p`).
        case code4p

        /// Whether the code returns factors (multiplied with the nominal) rather than additive deltas.
        public var isMultiplicative: Bool {
            switch self {
            case .code1, .code4: true
            case .code0, .code2, .code2Reference, .code4p: false
            }
        }

        /// The code's name in messages: "code 4 (alpha0 = 0.5)" and so on.
        public var name: String {
            switch self {
            case .code0: "code 0"
            case .code1: "code 1"
            case .code2: "code 2"
            case .code2Reference: "code 2 (reference)"
            case .code4(let alpha0): alpha0 == 1 ? "code 4" : "code 4 (alpha0 = \(alpha0))"
            case .code4p: "code 4p"
            }
        }
    }

    /// The values (Δ or f) and, when asked for, their derivatives ∂/∂α, both in the `values[s][h][a][b]` layout.
    public struct Result: Sendable, Equatable {
        /// Δ or f at each (systematic, sample, alpha, bin).
        public var values: [Double]
        /// ∂Δ/∂α or ∂f/∂α at each entry (on a kink, the one-sided derivative of the piece the value comes from), or
        /// nil when not asked for.
        public var dAlpha: [Double]?
    }

    /// The interpolation code.
    public let code: Code
    /// Number of systematics (pyhf's axis `s`).
    public let systematics: Int
    /// Number of samples per systematic (axis `h`).
    public let samples: Int
    /// Number of bins per histogram (axis `b`).
    public let bins: Int
    /// Number of alphas per systematic (axis `a`).
    public let alphas: Int
    /// The length of `histogramssets`: systematics × samples × 3 × bins.
    public let histogramCount: Int
    /// The length of `alphasets`: systematics × alphas.
    public let alphaCount: Int
    /// The length of the result: systematics × samples × alphas × bins.
    public let valueCount: Int

    /// A batch of the given shape. Throws `invalidArgument` for a negative count, for a product of counts that
    /// overflows, and for code 4's α₀ unless it is finite and positive (pyhf asserts α₀ > 0: at α₀ = 0 the
    /// matching conditions have no solution).
    public init(code: Code, systematics: Int, samples: Int, bins: Int, alphas: Int) throws {
        if case .code4(let alpha0) = code, !(alpha0.isFinite && alpha0 > 0) {
            throw NeosError.invalidArgument("alpha0 is \(alpha0); code 4 needs a finite alpha0 > 0")
        }
        for (value, name) in [(systematics, "systematics"), (samples, "samples"), (bins, "bins"), (alphas, "alphas")]
        where value < 0 {
            throw NeosError.invalidArgument("the number of \(name) is \(value); it must be >= 0")
        }
        func product(_ factors: [Int], _ what: String) throws -> Int {
            var result = 1
            for factor in factors {
                let (next, overflow) = result.multipliedReportingOverflow(by: factor)
                guard !overflow else {
                    throw NeosError.invalidArgument(
                        "\(what) = \(factors.map(String.init).joined(separator: " × ")) overflows")
                }
                result = next
            }
            return result
        }
        self.code = code
        self.systematics = systematics
        self.samples = samples
        self.bins = bins
        self.alphas = alphas
        histogramCount = try product([systematics, samples, 3, bins], "systematics × samples × 3 × bins")
        alphaCount = try product([systematics, alphas], "systematics × alphas")
        valueCount = try product([systematics, samples, alphas, bins], "systematics × samples × alphas × bins")
    }

    /// One entry's value: Δ(α) or f(α) of the code for one bin's (lo, nom, hi).
    @inline(__always)
    public func value(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        switch code {
        case .code0: InterpolationCode0.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code1: InterpolationCode1.value(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code2: InterpolationCode2.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code2Reference: InterpolationCode2.referenceDelta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code4(let alpha0): InterpolationCode4.value(alpha: alpha, lo: lo, nom: nom, hi: hi, alpha0: alpha0)
        case .code4p: InterpolationCode4p.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        }
    }

    /// One entry's ∂/∂α (the derivative of the piece `value` comes from).
    @inline(__always)
    public func dAlpha(alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        switch code {
        case .code0: InterpolationCode0.weights(alpha: alpha).dDelta(lo: lo, nom: nom, hi: hi)
        case .code1: InterpolationCode1.evaluate(alpha: alpha, lo: lo, nom: nom, hi: hi).dAlpha
        case .code2: InterpolationCode2.weights(alpha: alpha).dDelta(lo: lo, nom: nom, hi: hi)
        case .code2Reference:
            // below −1 the reference's piece (b − 2a)(α + 1) has the tensorised piece's slope b − 2a
            InterpolationCode2.weights(alpha: alpha).dDelta(lo: lo, nom: nom, hi: hi)
        case .code4(let alpha0): InterpolationCode4.dAlpha(alpha: alpha, lo: lo, nom: nom, hi: hi, alpha0: alpha0)
        case .code4p: InterpolationCode4p.weights(alpha: alpha).dDelta(lo: lo, nom: nom, hi: hi)
        }
    }

    /// Evaluates every entry. `histogramssets` and `alphasets` must have `histogramCount` and `alphaCount` values,
    /// all finite (`invalidArgument` names the first that is not). A non-finite result (a multiplicative code with
    /// a zero nominal, or a non-positive ratio lo/nom or hi/nom where a logarithm or fractional power needs it) is
    /// `numeric`, naming the entry; nothing is returned then.
    public func evaluate(
        histogramssets: UnsafeBufferPointer<Double>, alphasets: UnsafeBufferPointer<Double>, derivative: Bool
    ) throws -> Result {
        try Validate.length(histogramssets.count, equals: histogramCount, "histogramssets")
        try Validate.length(alphasets.count, equals: alphaCount, "alphasets")
        try Validate.finite(histogramssets, "histogramssets")
        try Validate.finite(alphasets, "alphasets")
        var values = [Double](repeating: 0, count: valueCount)
        var slopes = [Double](repeating: 0, count: derivative ? valueCount : 0)
        var index = 0
        for s in 0..<systematics {
            for h in 0..<samples {
                let base = (s * samples + h) * 3 * bins
                for a in 0..<alphas {
                    let alpha = alphasets[s * alphas + a]
                    for b in 0..<bins {
                        let lo = histogramssets[base + b]
                        let nom = histogramssets[base + bins + b]
                        let hi = histogramssets[base + 2 * bins + b]
                        let result = value(alpha: alpha, lo: lo, nom: nom, hi: hi)
                        let slope = derivative ? dAlpha(alpha: alpha, lo: lo, nom: nom, hi: hi) : 0
                        guard result.isFinite, slope.isFinite else {
                            throw NeosError(
                                .numeric,
                                "\(code.name) at systematic \(s), sample \(h), alpha \(a), bin \(b) "
                                    + "(lo \(lo), nom \(nom), hi \(hi), alpha \(alpha)) would be "
                                    + (result.isFinite ? "\(result) with derivative \(slope)" : "\(result)")
                                    + (code.isMultiplicative
                                        ? " (this code divides by nom and raises lo/nom and hi/nom to powers)"
                                        : ""))
                        }
                        values[index] = result
                        if derivative { slopes[index] = slope }
                        index += 1
                    }
                }
            }
        }
        return Result(values: values, dAlpha: derivative ? slopes : nil)
    }

    /// `evaluate` over arrays (as tests and Swift callers hold them).
    public func evaluate(histogramssets: [Double], alphasets: [Double], derivative: Bool = false) throws -> Result {
        try histogramssets.withUnsafeBufferPointer { histograms in
            try alphasets.withUnsafeBufferPointer { alphas in
                try evaluate(histogramssets: histograms, alphasets: alphas, derivative: derivative)
            }
        }
    }
}
