/// Interpolation code for normsys modifiers.
public enum NormsysInterpolation: String, Sendable, CaseIterable {
    case code1, code4
}

/// Interpolation code for histosys modifiers.
public enum HistosysInterpolation: String, Sendable, CaseIterable {
    case code0, code2, code4p
}

/// pyhf's `modifier_settings`. Passing `nil` where a `ModifierSettings?` is taken means pyhf's model defaults
/// (normsys code4, histosys code4p). A non-nil value replaces the defaults entirely: a type left `nil` in it
/// falls back to that applier's own default, normsys code1 / histosys code0 (pyhf quirk).
public struct ModifierSettings: Sendable, Equatable {
    /// The normsys interpolation code; nil means code1 (pyhf's applier default).
    public var normsys: NormsysInterpolation?
    /// The histosys interpolation code; nil means code0 (pyhf's applier default).
    public var histosys: HistosysInterpolation?

    /// Settings with the given codes (nil for a type: that applier's own default).
    public init(normsys: NormsysInterpolation? = nil, histosys: HistosysInterpolation? = nil) {
        self.normsys = normsys
        self.histosys = histosys
    }

    /// pyhf's form: `{"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}`; either key may
    /// be absent.
    public init(json: String) throws {
        let root = try JSON.parse(json)
        let members = try root.members(at: "", allowed: ["normsys", "histosys"])
        self.init()
        for member in members {
            let path = member.key
            _ = try member.value.members(at: path, allowed: ["interpcode"])
            let code = try member.value.required("interpcode", at: path).string(at: path + ".interpcode")
            if member.key == "normsys" {
                guard let value = NormsysInterpolation(rawValue: code) else {
                    throw NeosError(
                        .invalidArgument,
                        "normsys.interpcode: unknown normsys interpolation code \"\(code)\" (expected code1 or code4)")
                }
                normsys = value
            } else {
                guard let value = HistosysInterpolation(rawValue: code) else {
                    throw NeosError(
                        .invalidArgument,
                        "histosys.interpcode: unknown histosys interpolation code \"\(code)\" (expected code0, code2 or code4p)"
                    )
                }
                histosys = value
            }
        }
    }

    /// The codes actually used for `settings` (nil = pyhf model defaults).
    static func resolve(_ settings: ModifierSettings?) -> (
        normsys: NormsysInterpolation, histosys: HistosysInterpolation
    ) {
        guard let settings else { return (.code4, .code4p) }
        return (settings.normsys ?? .code1, settings.histosys ?? .code0)
    }
}
