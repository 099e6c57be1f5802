/// pyhf's `Workspace.rename`.
extension Workspace {
    /// A new workspace with modifiers (and the parameter configs and POI that name them), samples, channels (and
    /// their observations) and measurements renamed by `(old, new)` pairs, as pyhf 0.7.6's `Workspace.rename`.
    /// Of repeated old names the last pair counts, as in the Python dict pyhf takes.
    ///
    /// - Throws: `.invalidArgument` with pyhf's message ("x is not one of the samples in this workspace.") for an
    ///   old name the workspace does not have; the errors of `Workspace(json:)` when the renamed document is not a
    ///   workspace (two channels renamed to one name).
    public func renamed(
        modifiers: [(old: String, new: String)] = [], samples: [(old: String, new: String)] = [],
        channels: [(old: String, new: String)] = [], measurements: [(old: String, new: String)] = []
    ) throws -> Workspace {
        try edited(
            Edit(
                renameModifiers: modifiers, renameSamples: samples, renameChannels: channels,
                renameMeasurements: measurements))
    }
}
