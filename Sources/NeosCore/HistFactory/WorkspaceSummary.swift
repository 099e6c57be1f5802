/// What `pyhf inspect` reports of a workspace: its channels with their bins, samples, modifiers, the parameters of
/// its default model with their constraints, and the measurements.
public struct WorkspaceSummary: Sendable {
    /// A parameter of the model and how it is constrained, in pyhf's paramset class names.
    public struct Parameter: Sendable, Equatable {
        /// The parameter set's name.
        public var name: String
        /// `unconstrained`, `constrained_by_normal` or `constrained_by_poisson`.
        public var constraint: String
        /// The types of the modifiers of this name (in the order of ``WorkspaceSummary/modifiers``).
        public var modifierTypes: [String]
    }

    /// A measurement: its name, POI and the names of its parameter configs (document order).
    public struct Measurement: Sendable, Equatable {
        /// The measurement's name.
        public var name: String
        /// Its parameter of interest.
        public var poi: String
        /// The names in its `config.parameters`.
        public var parameterNames: [String]
    }

    /// Channel names (sorted by code point) with their bin counts (a channel's first sample's).
    public var channels: [(name: String, bins: Int)]
    /// Sample names of every channel, each once, sorted by code point.
    public var samples: [String]
    /// Every (modifier name, modifier type) pair, each once, sorted by name then type.
    public var modifiers: [(name: String, type: String)]
    /// The default model's parameters (first measurement, default interpolation codes), sorted by name.
    public var parameters: [Parameter]
    /// The measurements, in document order; the first is the default one.
    public var measurements: [Measurement]

    /// The summary of `workspace`.
    public init(_ workspace: Workspace) throws {
        let byName = Dictionary(grouping: workspace.spec.channels, by: \.name)
        channels = workspace.channelNames.map { ($0, byName[$0]![0].binCount) }
        let sampleSpecs = workspace.spec.channels.flatMap(\.samples)
        samples = Set(sampleSpecs.map(\.name)).sorted(by: codePointLess)
        var pairs: [(name: String, type: String)] = []
        var seen = Set<[String]>()
        for modifier in sampleSpecs.flatMap(\.modifiers)
        where seen.insert([modifier.name, modifier.type.rawValue]).inserted {
            pairs.append((modifier.name, modifier.type.rawValue))
        }
        modifiers = pairs.sorted {
            $0.name != $1.name ? codePointLess($0.name, $1.name) : codePointLess($0.type, $1.type)
        }
        let model = try workspace.model()
        let types = modifiers
        parameters = model.structure.paramSets.map { set in
            let constraint: String
            switch set.constraint {
            case .none: constraint = "unconstrained"
            case .normal: constraint = "constrained_by_normal"
            case .poisson: constraint = "constrained_by_poisson"
            }
            return Parameter(
                name: set.name, constraint: constraint, modifierTypes: types.filter { $0.name == set.name }.map(\.type))
        }.sorted { codePointLess($0.name, $1.name) }
        measurements = try workspace.measurements.map { measurement in
            let names = try measurement.parametersJSON.items(at: measurement.path + ".config.parameters").map {
                try $0.required("name", at: measurement.path).string(at: measurement.path + ".config.parameters")
            }
            return Measurement(name: measurement.name, poi: measurement.poi, parameterNames: names)
        }
    }
}
