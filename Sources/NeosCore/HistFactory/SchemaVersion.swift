/// The HistFactory JSON schema versions this library reads: major version 1 ("1.MINOR.PATCH").
///
/// pyhf checks a document against the schema of the version the document names, and users may select their own
/// schema folder (e.g. a "1.1.0" that tightens 1.0.0's rules). The structure this library parses is schema 1's,
/// so any 1.x document is read (its validation belongs to the schema the user selected: the Python layer runs it);
/// another major version is refused.
enum SchemaVersion {
    /// The major version understood here.
    static let major = 1

    /// Checks `version` (the document's "version" member) for a document of kind `kind` ("workspace",
    /// "patchset"); throws a parse error naming it otherwise.
    static func check(_ version: String, kind: String) throws {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
        guard numeric, Int(parts[0]) == major else {
            throw NeosError(
                .parse,
                "version: unsupported \(kind) version \"\(version)\" (this library reads schema \(major).x.y)")
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
