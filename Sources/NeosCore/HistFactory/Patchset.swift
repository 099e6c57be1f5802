/// A pyhf patchset (schema 1.0.0): named jsonpatches for a background-only workspace.
public struct Patchset: Sendable {
    let patches: [(name: String, patch: JSON, metadata: JSON)]
    /// The patchset's own metadata (`references`, `description`, `digests`, `labels`).
    public let metadata: JSON

    /// Parses a patchset document: schema version 1.x (SchemaVersion), a non-empty list of patches, each a jsonpatch with a unique
    /// metadata.name.
    public init(json: String) throws {
        let document = try JSON.parse(json)
        _ = try document.members(at: "", allowed: ["metadata", "patches", "version"])
        let version = try document.required("version", at: "").string(at: "version")
        try SchemaVersion.check(version, kind: "patchset")
        metadata = try document.required("metadata", at: "")
        _ = try metadata.members(at: "metadata")
        var patches: [(name: String, patch: JSON, metadata: JSON)] = []
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
            patches.append((name, patch, metadata))
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

    /// The named patch's operations, its own metadata (`name`, `values`) and its `metadata.values` as numbers
    /// (the signal hypothesis' parameters, e.g. its masses).
    public func entry(named name: String) throws -> (patch: JSON, metadata: JSON, values: [Double]) {
        guard let found = patches.first(where: { $0.name == name }) else {
            throw NeosError(.invalidArgument, "No patch associated with \"\(name)\" is defined in patchset.")
        }
        var values: [Double] = []
        if case .array(let items)? = found.metadata["values"] {
            for case .number(let x) in items { values.append(x) }
        }
        return (found.patch, found.metadata, values)
    }

    /// The names of the patches' values (`metadata.labels`, e.g. the masses' names), in document order.
    public var labels: [String] {
        guard case .array(let items)? = metadata["labels"] else { return [] }
        var names: [String] = []
        for case .string(let label) in items { names.append(label) }
        return names
    }

    /// The digests of the background-only workspace the patches were made for (`metadata.digests`), by algorithm,
    /// in document order.
    public var digests: [(algorithm: String, digest: String)] {
        guard case .object(let members)? = metadata["digests"] else { return [] }
        return members.compactMap { member in
            guard case .string(let digest) = member.value else { return nil }
            return (member.key, digest)
        }
    }

    /// Checks that `workspaceJSON` is the background-only workspace of this patchset: its SHA-256 digest as pyhf
    /// computes it (``SHA256/pyhfDigest(ofJSON:)``) is the one recorded. Digests of other algorithms are the Python
    /// package's (hashlib); `unchecked` lists them.
    ///
    /// - Throws: `.invalidArgument` with the two digests when they differ.
    public func verify(workspaceJSON: String) throws -> (checked: [String], unchecked: [String]) {
        var checked: [String] = []
        var unchecked: [String] = []
        for (algorithm, recorded) in digests {
            guard algorithm == "sha256" else {
                unchecked.append(algorithm)
                continue
            }
            let actual = try SHA256.pyhfDigest(ofJSON: workspaceJSON)
            guard actual == recorded else {
                throw NeosError(
                    .invalidArgument,
                    "this workspace is not the one the patchset was made for: its sha256 digest is \(actual), the patchset records \(recorded)"
                )
            }
            checked.append(algorithm)
        }
        return (checked, unchecked)
    }
}
