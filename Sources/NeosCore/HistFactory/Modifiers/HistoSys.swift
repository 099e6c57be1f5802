/// histosys: a scalar α ~ N(0 | α, 1) (init 0, bounds [−5, 5]) adding Δ(α) interpolated between lo_data,
/// the nominal and hi_data (code0, code2 or code4p) to the nominal, before the multiplicative factors.
enum HistoSysModifier {
    static func requirement() -> ParamRequirement {
        NormSysModifier.requirement()
    }

    @inline(__always)
    static func delta(code: HistosysInterpolation, alpha: Double, lo: Double, nom: Double, hi: Double) -> Double {
        switch code {
        case .code0: return InterpolationCode0.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code2: return InterpolationCode2.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        case .code4p: return InterpolationCode4p.delta(alpha: alpha, lo: lo, nom: nom, hi: hi)
        }
    }

    @inline(__always)
    static func weights(code: HistosysInterpolation, alpha: Double) -> AdditiveWeights {
        switch code {
        case .code0: return InterpolationCode0.weights(alpha: alpha)
        case .code2: return InterpolationCode2.weights(alpha: alpha)
        case .code4p: return InterpolationCode4p.weights(alpha: alpha)
        }
    }
}
