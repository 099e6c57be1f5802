#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A first-order optimiser over a flat parameter vector (optax semantics: `update` moves the parameters by
/// the step computed from one gradient).
public protocol Optimizer: Sendable {
    /// Moves `parameters` by one step computed from `gradient` and counts the step.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when `gradient` does not have the parameters' length or
    ///   holds a non-finite value; the parameters and the optimiser's state are then unchanged.
    mutating func update(parameters: inout [Double], gradient: [Double]) throws
    /// Number of updates applied so far.
    var stepCount: Int { get }
}

/// optax.adam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε) with the bias-corrected
/// m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Defaults are optax's (β1 0.9, β2 0.999, ε 1e-8, ε_root 0).
public struct Adam: Optimizer {
    /// The step size lr (positive).
    public var learningRate: Double
    /// The decay rate β1 ∈ [0, 1) of the first-moment (mean) estimate.
    public var beta1: Double
    /// The decay rate β2 ∈ [0, 1) of the second-moment (uncentred variance) estimate.
    public var beta2: Double
    /// ε ≥ 0, added to √v̂ so that a vanishing gradient history still gives a bounded step.
    public var epsilon: Double
    /// The number of updates applied so far: t in the bias corrections.
    public private(set) var stepCount = 0
    var firstMoment: [Double] = []
    var secondMoment: [Double] = []

    /// An Adam optimiser with no history; its moments start at zero on the first update.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` unless the learning rate is positive and finite, β1 and β2
    ///   lie in [0, 1) and ε is non-negative and finite.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) throws
    {
        guard learningRate > 0, learningRate.isFinite else {
            throw NeosError.invalidArgument("learning rate must be positive and finite, got \(learningRate)")
        }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw NeosError.invalidArgument("Adam's β1 and β2 must lie in [0, 1), got \(beta1) and \(beta2)")
        }
        guard epsilon >= 0, epsilon.isFinite else {
            throw NeosError.invalidArgument("Adam's ε must be non-negative and finite, got \(epsilon)")
        }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// One Adam step. The moment buffers are made (zero) on the first call and remade whenever the parameter
    /// count changes.
    public mutating func update(parameters: inout [Double], gradient: [Double]) throws {
        try checkUpdate(parameters: parameters, gradient: gradient)
        if firstMoment.count != parameters.count {
            firstMoment = [Double](repeating: 0, count: parameters.count)
            secondMoment = firstMoment
        }
        stepCount += 1
        let correction1 = 1 - pow(beta1, Double(stepCount))
        let correction2 = 1 - pow(beta2, Double(stepCount))
        for i in 0..<parameters.count {
            let g = gradient[i]
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g
            let mHat = firstMoment[i] / correction1
            let vHat = secondMoment[i] / correction2
            parameters[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}

/// Plain gradient descent, optionally with (heavy-ball) momentum as optax.sgd: v ← μ·v + g, θ ← θ − lr·v.
public struct StochasticGradientDescent: Optimizer {
    /// The step size lr (positive).
    public var learningRate: Double
    /// The momentum μ ∈ [0, 1); 0 is plain gradient descent.
    public var momentum: Double
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    var velocity: [Double] = []

    /// Gradient descent with no history; the velocity starts at zero.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` unless the learning rate is positive and finite and the
    ///   momentum lies in [0, 1).
    public init(learningRate: Double = 1e-3, momentum: Double = 0) throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw NeosError.invalidArgument("learning rate must be positive and finite, got \(learningRate)")
        }
        guard (0..<1).contains(momentum) else {
            throw NeosError.invalidArgument("momentum must lie in [0, 1), got \(momentum)")
        }
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// One step v ← μ·v + g, θ ← θ − lr·v.
    public mutating func update(parameters: inout [Double], gradient: [Double]) throws {
        try checkUpdate(parameters: parameters, gradient: gradient)
        if velocity.count != parameters.count { velocity = [Double](repeating: 0, count: parameters.count) }
        stepCount += 1
        for i in 0..<parameters.count {
            velocity[i] = momentum * velocity[i] + gradient[i]
            parameters[i] -= learningRate * velocity[i]
        }
    }
}

extension Optimizer {
    func checkUpdate(parameters: [Double], gradient: [Double]) throws {
        try Validate.length(gradient.count, equals: parameters.count, "gradient")
        try gradient.withUnsafeBufferPointer { try Validate.finite($0, "gradient") }
    }
}
