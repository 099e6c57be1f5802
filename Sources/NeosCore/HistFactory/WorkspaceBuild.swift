/// pyhf's `Workspace.build`.
extension Workspace {
    /// A workspace of a model and its data, as pyhf 0.7.6's `Workspace.build(model, data, name)`: the channels of
    /// the model's spec, one measurement `name` whose POI is the model's and whose parameter configs are the
    /// model's suggestions (`bounds`, `inits`, `fixed`, `name`, in the model's parameter order), and one
    /// observation per channel (channels in the model's order) cut from `data`.
    ///
    /// - Parameters:
    ///   - modelSpec: the JSON text of the spec the model was built from (the model itself keeps no JSON); only
    ///     its `channels` are used, and their names must be the model's channels.
    ///   - model: the model.
    ///   - data: the main bins in the model's channel order, optionally followed by the auxiliary data (which is
    ///     not stored): `model.mainBinCount` or `model.mainBinCount + model.auxdataCount` numbers, all finite.
    ///   - name: the measurement's name.
    /// - Throws: `.invalidArgument` for data of another length or with a non-finite number, or a spec whose
    ///   channels are not the model's; `.model` for a model without POI (a measurement needs one) or a parameter
    ///   whose components are neither all fixed nor all free (pyhf's "not compressible"); the errors of
    ///   `Workspace(json:)`.
    public static func build(modelSpec: String, model: Model, data: [Double], name: String = "measurement") throws
        -> Workspace
    {
        let spec = try JSON.parse(modelSpec)
        let channels = try spec.required("channels", at: "").items(at: "channels", nonEmpty: true)
        let specChannels = try channels.map(PythonJSON.name).sorted(by: codePointLess)
        guard specChannels == model.channels else {
            throw NeosError.invalidArgument(
                "model_spec has the channels \(PythonJSON.list(specChannels)), the model \(PythonJSON.list(model.channels))"
            )
        }
        let main = model.mainBinCount
        guard data.count == main || data.count == main + model.auxdataCount else {
            throw NeosError.invalidArgument(
                "data has \(data.count) numbers; the model has \(main) main bins (and \(model.auxdataCount) auxiliary data)"
            )
        }
        if let bad = data.firstIndex(where: { !$0.isFinite }) {
            throw NeosError.invalidArgument("data[\(bad)] is \(data[bad]), not a finite number")
        }
        guard let poi = model.poiName else {
            throw NeosError(.model, "the model has no parameter of interest: a measurement needs one (poi)")
        }
        var parameters: [JSON] = []
        for parameter in model.parameterOrder {
            guard let slice = model.parameterSlice(parameter) else {
                throw NeosError(.internal, "parameter \(parameter) of the parameter order has no slice")
            }
            let fixed = Array(model.suggestedFixed[slice])
            guard fixed.allSatisfy({ $0 == fixed[0] }) else {
                throw NeosError(
                    .model,
                    "parameter \(parameter): suggested_fixed \(fixed) is neither all-True nor all-False, so not compressible"
                )
            }
            parameters.append(
                .object([
                    JSON.Member(
                        key: "bounds",
                        value: .array(
                            model.suggestedBounds[slice].map { .array([.number($0.lower), .number($0.upper)]) })),
                    JSON.Member(key: "inits", value: .array(model.suggestedInit[slice].map(JSON.number))),
                    JSON.Member(key: "fixed", value: .bool(fixed[0])),
                    JSON.Member(key: "name", value: .string(parameter)),
                ]))
        }
        var observations: [JSON] = []
        var begin = 0
        for (channel, bins) in zip(model.channels, model.channelBinCounts) {
            observations.append(
                .object([
                    JSON.Member(key: "name", value: .string(channel)),
                    JSON.Member(key: "data", value: .array(data[begin..<begin + bins].map(JSON.number))),
                ]))
            begin += bins
        }
        return try checked(
            .object([
                JSON.Member(key: "channels", value: .array(channels)),
                JSON.Member(key: "version", value: .string("1.0.0")),
                JSON.Member(
                    key: "measurements",
                    value: .array([
                        .object([
                            JSON.Member(key: "name", value: .string(name)),
                            JSON.Member(
                                key: "config",
                                value: .object([
                                    JSON.Member(key: "poi", value: .string(poi)),
                                    JSON.Member(key: "parameters", value: .array(parameters)),
                                ])),
                        ])
                    ])),
                JSON.Member(key: "observations", value: .array(observations)),
            ]))
    }
}
