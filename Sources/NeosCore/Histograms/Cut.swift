#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which side of a cut an event must be on to be kept.
public enum CutSide: String, Sendable, CaseIterable {
    /// Keep events above the cut: weights go to 1 for x ≫ cut.
    case above
    /// Keep events below the cut: weights go to 1 for x ≪ cut.
    case below

    /// Parses relaxed's `keep` string.
    public init(keep: String) throws {
        guard let side = CutSide(rawValue: keep) else {
            throw NeosError.invalidArgument("keep must be one of 'above' or 'below', not '\(keep)'")
        }
        self = side
    }
}

/// Gradients of ⟨cotangent, weights⟩ for ``Cut``.
public struct CutGradients: Sendable, Equatable {
    /// ∂/∂data, one value per event.
    public var data: [Double]
    /// ∂/∂cutValue.
    public var cutValue: Double
    /// ∂/∂slope.
    public var slope: Double
}

/// A relaxed cut (relaxed's `cut`): instead of selecting events, give each one a sigmoid weight
/// w = σ(±slope·(x − cut)), + for `above`, − for `below`. As slope → ∞ it becomes the hard cut.
public enum Cut {
    /// The numerically stable logistic function (never forms exp of a large positive number).
    @inlinable public static func sigmoid(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }

    /// The weight σ(±slope·(x − cutValue)) of every event: in (0, 1), ½ at the cut, towards 1 on the kept side.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when a data value, the cut or the slope is not finite.
    public static func weights(data: [Double], cutValue: Double, slope: Double = 1, keep: CutSide = .above) throws
        -> [Double]
    {
        var out = [Double](repeating: 0, count: data.count)
        try data.withUnsafeBufferPointer { data in
            try out.withUnsafeMutableBufferPointer { out in
                try weights(data: data, cutValue: cutValue, slope: slope, keep: keep, into: out)
            }
        }
        return out
    }

    /// Buffer form of ``weights(data:cutValue:slope:keep:)``: `out` must have the length of `data`, and is written
    /// only after every input has been checked.
    public static func weights(
        data: UnsafeBufferPointer<Double>, cutValue: Double, slope: Double, keep: CutSide,
        into out: UnsafeMutableBufferPointer<Double>
    ) throws {
        try validate(data: data, cutValue: cutValue, slope: slope)
        try Validate.length(out.count, equals: data.count, "weights output")
        let sign: Double = keep == .above ? 1 : -1
        for k in 0..<data.count { out[k] = sigmoid(sign * slope * (data[k] - cutValue)) }
    }

    /// Vector-Jacobian product: the gradients of ⟨cotangent, weights⟩ with respect to the data, the cut value and
    /// the slope.
    ///
    /// - Throws: `NeosError` of kind `.invalidArgument` when an input is not finite or `cotangent` does not have
    ///   the length of `data`.
    public static func vjp(
        cotangent: [Double], data: [Double], cutValue: Double, slope: Double = 1, keep: CutSide = .above
    ) throws -> CutGradients {
        var gradients = CutGradients(data: [Double](repeating: 0, count: data.count), cutValue: 0, slope: 0)
        try cotangent.withUnsafeBufferPointer { cotangent in
            try data.withUnsafeBufferPointer { data in
                try gradients.data.withUnsafeMutableBufferPointer { gradData in
                    (gradients.cutValue, gradients.slope) = try vjp(
                        cotangent: cotangent, data: data, cutValue: cutValue, slope: slope, keep: keep,
                        gradData: gradData)
                }
            }
        }
        return gradients
    }

    /// Buffer form; `gradData` may be nil. Returns (∂/∂cutValue, ∂/∂slope).
    public static func vjp(
        cotangent: UnsafeBufferPointer<Double>, data: UnsafeBufferPointer<Double>, cutValue: Double, slope: Double,
        keep: CutSide, gradData: UnsafeMutableBufferPointer<Double>?
    ) throws -> (cutValue: Double, slope: Double) {
        try validate(data: data, cutValue: cutValue, slope: slope)
        try Validate.length(cotangent.count, equals: data.count, "cotangent")
        try Validate.finite(cotangent, "cotangent")
        if let gradData { try Validate.length(gradData.count, equals: data.count, "data gradient") }
        let sign: Double = keep == .above ? 1 : -1
        var cutGradient = 0.0
        var slopeGradient = 0.0
        for k in 0..<data.count {
            let offset = data[k] - cutValue
            let t = sign * slope * offset
            // dσ(t)/dt = σ(t)·σ(−t), which keeps its precision where σ(t) rounds to 1.
            let dt = cotangent[k] * sigmoid(t) * sigmoid(-t) * sign
            gradData?[k] = dt * slope
            cutGradient -= dt * slope
            slopeGradient += dt * offset
        }
        return (cutGradient, slopeGradient)
    }

    static func validate(data: UnsafeBufferPointer<Double>, cutValue: Double, slope: Double) throws {
        try Validate.finite(data, "data")
        try Validate.finite(cutValue, "cut_val")
        try Validate.finite(slope, "slope")
        // x − cut must be finite too: at slope 0 an overflowed difference would make 0·∞ = NaN weights, and the
        // slope gradient sums the differences themselves.
        for k in 0..<data.count where !(data[k] - cutValue).isFinite {
            throw NeosError.invalidArgument(
                "data[\(k)] − cut_val = \(data[k]) − \(cutValue) overflows double precision")
        }
    }
}
