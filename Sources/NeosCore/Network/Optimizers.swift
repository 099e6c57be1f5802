#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A first-order optimiser over a flat parameter vector (optax semantics: `update` moves the parameters by
/// the step computed from one gradient).
public protocol Optimizer: Sendable {
    mutating func update(parameters: inout [Double], gradient: [Double]) throws
    /// Number of updates applied so far.
    var stepCount: Int { get }
}

/// optax.adam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε) with the bias-corrected
/// m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Defaults are optax's (β1 0.9, β2 0.999, ε 1e-8, ε_root 0).
public struct Adam: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public private(set) var stepCount = 0
    var firstMoment: [Double] = []
    var secondMoment: [Double] = []

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
    public var learningRate: Double
    public var momentum: Double
    public private(set) var stepCount = 0
    var velocity: [Double] = []

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
