/// A pyhf patchset (schema 1.0.0): named jsonpatches for a background-only workspace.
public struct Patchset: Sendable {
    let patches: [(name: String, patch: JSON)]

    /// Parses a patchset document: schema version 1.x (SchemaVersion), a non-empty list of patches, each a jsonpatch with a unique
    /// metadata.name.
    public init(json: String) throws {
        let document = try JSON.parse(json)
        _ = try document.members(at: "", allowed: ["metadata", "patches", "version"])
        let version = try document.required("version", at: "").string(at: "version")
        try SchemaVersion.check(version, kind: "patchset")
        _ = try document.required("metadata", at: "").members(at: "metadata")
        var patches: [(name: String, patch: JSON)] = []
        for (i, item) in try document.required("patches", at: "").items(at: "patches", nonEmpty: true).enumerated() {
            let path = JSONPath.index("patches", i)
            _ = try item.members(at: path, allowed: ["metadata", "patch"])
            let metadata = try item.required("metadata", at: path)
            let name = try metadata.required("name", at: path + ".metadata").string(at: path + ".metadata.name")
            let patch = try item.required("patch", at: path)
            _ = try patch.items(at: path + ".patch")
            if patches.contains(where: { $0.name == name }) {
                throw NeosError(.model, "\(path).metadata.name: duplicate patch name \"\(name)\"")
            }
            patches.append((name, patch))
        }
        self.patches = patches
    }

    /// The patches' names (metadata.name), in document order.
    public var patchNames: [String] { patches.map(\.name) }

    /// The named patch as JSON text (a jsonpatch array), ready for `Workspace.model(patches:)`.
    public func patch(named name: String) throws -> String {
        guard let found = patches.first(where: { $0.name == name }) else {
            throw NeosError(
                .invalidArgument,
                "patch \"\(name)\" not found in the patchset (patches: \(patchNames.joined(separator: ", ")))")
        }
        return found.patch.serialized()
    }
}
