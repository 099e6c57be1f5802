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

    /// The activation at z, in z's precision (the network's layers run in Double or Float).
    func apply<Scalar: NetworkScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .relu: return Activation.rectified(z)
        case .tanh: return Scalar.hyperbolicTangent(z)
        case .sigmoid: return Activation.sigmoid(z)
        case .identity: return z
        }
    }

    /// dA/dZ expressed through the activation's output a, so the backward pass needs only the stored outputs.
    func derivative<Scalar: NetworkScalar>(output a: Scalar) -> Scalar {
        switch self {
        case .relu: return Activation.rectifiedSlope(output: a)
        case .tanh: return 1 - a * a
        case .sigmoid: return a * (1 - a)
        case .identity: return 1
        }
    }

    /// relu's value, max(z, 0) (0 for NaN). The layers' loops use ``addBiasAndRectify(_:_:count:)``, the same
    /// values over a row.
    @inline(__always)
    static func rectified<Scalar: NetworkScalar>(_ z: Scalar) -> Scalar { z > 0 ? z : 0 }

    /// relu's derivative from its output: 1 where the output is positive, else 0 (also at z = 0). The backward
    /// pass's loop uses ``multiplyByRectifiedSlope(_:_:_:)``, the same values over a range.
    @inline(__always)
    static func rectifiedSlope<Scalar: NetworkScalar>(output a: Scalar) -> Scalar { a > 0 ? 1 : 0 }

    /// row[j] = rectified(row[j] + bias[j]) for j < count. The constant is held outside the loop: with a generic
    /// scalar's literal 0 inside it, the select compiled to a branch on each element's sign (1 ns per element,
    /// 3.3× this loop's time, 11% of the small demo step).
    @inline(__always)
    static func addBiasAndRectify<Scalar: NetworkScalar>(
        _ row: UnsafeMutablePointer<Scalar>, _ bias: UnsafePointer<Scalar>, count: Int
    ) {
        let zero = Scalar.zero
        for j in 0..<count {
            let v = row[j] + bias[j]
            row[j] = v > zero ? v : zero
        }
    }

    /// target[i] = source[i] · rectifiedSlope(output: target[i]) for i in `range` (relu's backward step over its
    /// own outputs), with the constants outside the loop for the reason of ``addBiasAndRectify(_:_:count:)``.
    @inline(__always)
    static func multiplyByRectifiedSlope<Scalar: NetworkScalar>(
        _ target: UnsafeMutablePointer<Scalar>, _ source: UnsafePointer<Scalar>, _ range: Range<Int>
    ) {
        let (zero, one) = (Scalar.zero, Scalar(1))
        for i in range { target[i] = source[i] * (target[i] > zero ? one : zero) }
    }

    /// 1/(1 + e^{−z}) without overflow for large |z|.
    static func sigmoid<Scalar: NetworkScalar>(_ z: Scalar) -> Scalar {
        if z >= 0 { return 1 / (1 + Scalar.exponential(-z)) }
        let e = Scalar.exponential(z)
        return e / (1 + e)
    }
}
