#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A likelihood given only as functions: log L(θ | data), optionally its gradient, and the expected data. This is
/// the core's view of a model it did not build (a C program's, or a Python object with pyhf's model interface,
/// through the ABI's callback models), so that the core's own fits (`MLE`) and asymptotic hypotest (`Hypotest`)
/// run on it unchanged.
///
/// Derivatives the functions do not give are taken numerically, always inside the model's bounds:
/// - Gradient (when `gradient` is nil): the fourth-order five-point central difference
///   g = [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / 12h with h = ε^(1/5) · max(|x|, 1) ≈ 7.4e-4 · max(|x|, 1)
///   (ε the double's machine epsilon), which balances the h⁴ truncation against rounding: each component is
///   accurate to about ε^(4/5) ≈ 3e-13 of the function's scale. Where x ± 2h would leave the bounds, the
///   fourth-order one-sided stencil (−25f₀ + 48f₁ − 36f₂ + 16f₃ − 3f₄)/12h towards the side with more room is used
///   instead (about ten times the rounding error; its base moves inward only where the bounds are narrower than
///   6h, then first-order accurate); where they are narrower than 4h, h shrinks to a quarter of their width;
///   a parameter whose bounds are one point has derivative 0. Four evaluations per parameter.
/// - Hessian with a gradient function: central differences of the gradient, h = ε^(1/3) · max(|x|, 1) ≈ 6e-6 ·
///   max(|x|, 1), accurate to about ε^(2/3) ≈ 4e-11 relative; without one: second differences of the function,
///   h = ε^(1/4) · max(|x|, 1) ≈ 1.2e-4 · max(|x|, 1), accurate to about ε^(1/2) ≈ 1.5e-8 relative. Either is
///   symmetrised. Near a bound the stencil's centre moves inside the bounds, which makes it first-order accurate
///   there (about h relative). The Hessian steers the Newton steps and gives uncertainties; the fit's convergence
///   is judged with the gradient, so the minimum is found to the gradient's accuracy.
///
/// Every value a function returns must be finite: a non-finite log-density, gradient or expected datum throws
/// `.numeric`, naming the function and the parameters. A function that fails throws its own error.
public struct CallbackLikelihood: LikelihoodModel {
    /// log L(pars | data).
    public typealias LogPDF = @Sendable (_ pars: [Double], _ data: [Double]) throws -> Double
    /// ∇_pars log L(pars | data), parameterCount values.
    public typealias LogPDFGradient = @Sendable (_ pars: [Double], _ data: [Double]) throws -> [Double]
    /// The expected data (main then auxiliary) at pars, dataCount values.
    public typealias ExpectedData = @Sendable (_ pars: [Double]) throws -> [Double]

    /// The number of parameters.
    public let parameterCount: Int
    /// The length of every data vector: main bins then auxiliary data, as the functions take them.
    public let dataCount: Int
    /// The parameter of interest, nil for none (fits work without one, test statistics need one).
    public let poiIndex: Int?
    /// pyhf's suggested_init: where fits start unless told otherwise.
    public let suggestedInit: [Double]
    /// pyhf's suggested_bounds, finite: the fits' box and the region the numerical derivatives stay in.
    public let suggestedBounds: [(lower: Double, upper: Double)]
    /// pyhf's suggested_fixed.
    public let suggestedFixed: [Bool]
    private let logpdfFunction: LogPDF
    private let gradientFunction: LogPDFGradient?
    private let expectedDataFunction: ExpectedData

    /// A model of `parameterCount` parameters and data of `dataCount` values. The suggested init must lie within
    /// the suggested bounds (finite, lower ≤ upper), which are also where the numerical derivatives stay.
    public init(
        parameterCount: Int, dataCount: Int, poiIndex: Int?, suggestedInit: [Double],
        suggestedBounds: [(lower: Double, upper: Double)], suggestedFixed: [Bool], logpdf: @escaping LogPDF,
        gradient: LogPDFGradient?, expectedData: @escaping ExpectedData
    ) throws {
        guard parameterCount >= 1 else {
            throw NeosError.invalidArgument("a callback model needs at least one parameter, not \(parameterCount)")
        }
        try Validate.length(suggestedInit.count, equals: parameterCount, "init")
        try Validate.length(suggestedBounds.count, equals: parameterCount, "bounds")
        try Validate.length(suggestedFixed.count, equals: parameterCount, "fixed")
        if let poiIndex, !(0..<parameterCount).contains(poiIndex) {
            throw NeosError.invalidArgument("poi_index = \(poiIndex) is not a parameter index (0..<\(parameterCount))")
        }
        for i in 0..<parameterCount {
            let (lower, upper) = suggestedBounds[i]
            guard lower.isFinite, upper.isFinite, lower <= upper else {
                throw NeosError.invalidArgument(
                    "bounds[\(i)] = [\(lower), \(upper)]: a callback model's bounds must be finite with lower <= upper")
            }
            guard suggestedInit[i] >= lower, suggestedInit[i] <= upper else {
                throw NeosError.invalidArgument(
                    "init[\(i)] = \(suggestedInit[i]) is outside its bounds [\(lower), \(upper)]")
            }
        }
        self.parameterCount = parameterCount
        self.dataCount = dataCount
        self.poiIndex = poiIndex
        self.suggestedInit = suggestedInit
        self.suggestedBounds = suggestedBounds
        self.suggestedFixed = suggestedFixed
        self.logpdfFunction = logpdf
        self.gradientFunction = gradient
        self.expectedDataFunction = expectedData
    }

    /// Whether the gradient comes from a function (otherwise it is taken numerically).
    public var hasGradientFunction: Bool { gradientFunction != nil }

    private func checkShapes(_ pars: [Double], _ data: [Double]) throws {
        try Validate.length(pars.count, equals: parameterCount, "pars")
        try Validate.length(data.count, equals: dataCount, "data")
    }

    private static func describe(_ pars: [Double]) -> String {
        "[" + pars.map { "\($0)" }.joined(separator: ", ") + "]"
    }

    /// The function's log L, refused (`.numeric`) when not finite.
    public func logpdf(_ pars: [Double], data: [Double]) throws -> Double {
        try checkShapes(pars, data)
        let value = try logpdfFunction(pars, data)
        guard value.isFinite else {
            throw NeosError(.numeric, "the logpdf callback returned \(value) at pars \(Self.describe(pars))")
        }
        return value
    }

    /// −∇ log L: the gradient function's (each component finite), else the five-point differences.
    public func nllGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        try checkShapes(pars, data)
        guard let gradientFunction else { return try numericalGradient(pars, data: data).map { -$0 } }
        let gradient = try gradientFunction(pars, data)
        try Validate.length(gradient.count, equals: parameterCount, "the gradient callback's output")
        if let index = gradient.firstIndex(where: { !$0.isFinite }) {
            throw NeosError(
                .numeric,
                "the gradient callback returned \(gradient[index]) for parameter \(index) at pars \(Self.describe(pars))"
            )
        }
        return gradient.map { -$0 }
    }

    /// ∇²NLL by differences of the gradient function, else second differences of log L (see the type).
    public func nllHessian(_ pars: [Double], data: [Double]) throws -> [Double] {
        try checkShapes(pars, data)
        let n = parameterCount
        var hessian = [Double](repeating: 0, count: n * n)
        if gradientFunction != nil {
            // Central differences of the exact gradient, one column per parameter.
            for j in 0..<n {
                guard let (minus, plus, h) = centredPair(pars, j, step: Self.gradientHessianStep) else { continue }
                let gPlus = try nllGradient(plus, data: data)
                let gMinus = try nllGradient(minus, data: data)
                for i in 0..<n { hessian[i * n + j] = (gPlus[i] - gMinus[i]) / (2 * h) }
            }
        } else {
            // Second differences of −log L on a stencil centred at `centre` (pars moved inside the bounds).
            var centre = pars
            var steps = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let (lower, upper) = suggestedBounds[i]
                var h = Self.valueHessianStep * max(abs(pars[i]), 1)
                if upper - lower < 2 * h { h = (upper - lower) / 2 }
                steps[i] = h
                if h > 0 { centre[i] = min(max(pars[i], lower + h), upper - h) }
            }
            let f0 = -(try logpdf(centre, data: data))
            func f(_ moves: [(Int, Double)]) throws -> Double {
                var point = centre
                for (index, sign) in moves { point[index] += sign * steps[index] }
                return -(try logpdf(point, data: data))
            }
            for i in 0..<n where steps[i] > 0 {
                let hi = steps[i]
                hessian[i * n + i] = (try f([(i, 1)]) - 2 * f0 + f([(i, -1)])) / (hi * hi)
                for j in 0..<i where steps[j] > 0 {
                    let value =
                        (try f([(i, 1), (j, 1)]) - f([(i, 1), (j, -1)]) - f([(i, -1), (j, 1)]) + f([(i, -1), (j, -1)]))
                        / (4 * hi * steps[j])
                    hessian[i * n + j] = value
                    hessian[j * n + i] = value
                }
            }
        }
        for i in 0..<n {
            for j in 0..<i {
                let mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i])
                hessian[i * n + j] = mean
                hessian[j * n + i] = mean
            }
        }
        return hessian
    }

    /// The whole expected data vector (main then auxiliary); a callback model does not know where its main data
    /// end, so `includeAuxdata: false` is refused.
    public func expectedData(_ pars: [Double], includeAuxdata: Bool) throws -> [Double] {
        try Validate.length(pars.count, equals: parameterCount, "pars")
        guard includeAuxdata else {
            throw NeosError.invalidArgument(
                "a callback model gives its expected data with the auxiliary data; it does not know which are main")
        }
        let expected = try expectedDataFunction(pars)
        try Validate.length(expected.count, equals: dataCount, "the expected_data callback's output")
        if let index = expected.firstIndex(where: { !$0.isFinite }) {
            throw NeosError(
                .numeric,
                "the expected_data callback returned \(expected[index]) for datum \(index) at pars \(Self.describe(pars))"
            )
        }
        return expected
    }

    /// ε^(1/5): the five-point gradient's step relative to max(|x|, 1).
    public static let gradientStep = pow(Double.ulpOfOne, 0.2)
    /// ε^(1/3): the step of the Hessian from central differences of a gradient function.
    public static let gradientHessianStep = pow(Double.ulpOfOne, 1.0 / 3)
    /// ε^(1/4): the step of the Hessian from second differences of the log-density.
    public static let valueHessianStep = pow(Double.ulpOfOne, 0.25)

    /// pars moved by ∓h along j, with h = `step` · max(|x_j|, 1) and both points inside the bounds (the centre
    /// moved inward when needed, h at most half the bounds' width); nil when the bounds are one point.
    private func centredPair(_ pars: [Double], _ j: Int, step: Double) -> ([Double], [Double], Double)? {
        let (lower, upper) = suggestedBounds[j]
        let h = min(step * max(abs(pars[j]), 1), (upper - lower) / 2)
        guard h > 0 else { return nil }
        let centre = min(max(pars[j], lower + h), upper - h)
        var minus = pars
        var plus = pars
        minus[j] = centre - h
        plus[j] = centre + h
        return (minus, plus, h)
    }

    /// ∇ log L by the five-point stencils described on the type.
    private func numericalGradient(_ pars: [Double], data: [Double]) throws -> [Double] {
        var gradient = [Double](repeating: 0, count: parameterCount)
        func f(_ j: Int, _ value: Double) throws -> Double {
            var point = pars
            point[j] = value
            return try logpdf(point, data: data)
        }
        for j in 0..<parameterCount {
            let (lower, upper) = suggestedBounds[j]
            let x = pars[j]
            let h = min(Self.gradientStep * max(abs(x), 1), (upper - lower) / 4)
            guard h > 0 else { continue }
            if x - 2 * h >= lower && x + 2 * h <= upper {
                let near = try f(j, x + h) - f(j, x - h)
                let far = try f(j, x + 2 * h) - f(j, x - 2 * h)
                gradient[j] = (8 * near - far) / (12 * h)
            } else {
                // One-sided, towards the side with more room; h ≤ width / 4 leaves room for 4h from a base that
                // moves inward only when even that side is shorter than 4h (bounds narrower than 6h).
                let side: Double = upper - x >= x - lower ? 1 : -1
                let base = side > 0 ? min(x, upper - 4 * h) : max(x, lower + 4 * h)
                let f0 = try f(j, base)
                let f1 = try f(j, base + side * h)
                let f2 = try f(j, base + side * 2 * h)
                let f3 = try f(j, base + side * 3 * h)
                let f4 = try f(j, base + side * 4 * h)
                gradient[j] = side * (-25 * f0 + 48 * f1 - 36 * f2 + 16 * f3 - 3 * f4) / (12 * h)
            }
        }
        return gradient
    }
}
