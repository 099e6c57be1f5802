#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The element-wise nonlinearities of a dense layer (jax.example_libraries.stax names in lower case).
public enum Activation: String, Sendable, CaseIterable {
    /// max(z, 0); its derivative is taken as 0 at z = 0.
    case relu
    /// The hyperbolic tangent, output in (−1, 1).
    case tanh
    /// The logistic function 1/(1 + e^{−z}), output in (0, 1): the output layer of a classifier.
    case sigmoid
    /// z unchanged (a linear layer).
    case identity

    func apply(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .tanh: return Glibc.tanh(z)
        case .sigmoid: return Activation.sigmoid(z)
        case .identity: return z
        }
    }

    /// dA/dZ expressed through the activation's output a, so the backward pass needs only the stored outputs.
    func derivative(output a: Double) -> Double {
        switch self {
        case .relu: return a > 0 ? 1 : 0
        case .tanh: return 1 - a * a
        case .sigmoid: return a * (1 - a)
        case .identity: return 1
        }
    }

    /// 1/(1 + e^{−z}) without overflow for large |z|.
    static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }
}
