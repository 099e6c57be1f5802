import ArgumentParser
import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// pyhf's workspace commands: `inspect`, `prune`, `rename`, `combine`, `digest`, `sort` and the `patchset` group.
let workspaceCommands: [any ParsableCommand.Type] = [
    Inspect.self, Prune.self, Rename.self, Combine.self, Digest.self, Sort.self, PatchsetCommand.self,
]

/// A workspace read from a file or standard input, with its text (whose numbers say which are floats).
struct WorkspaceSource {
    let text: String
    let workspace: Workspace

    init(_ path: String) throws { (text, workspace) = try readParsed(path) { try Workspace(json: $0) } }
}

/// The text of a file or standard input and what `parse` makes of it; a parse error names the file.
func readParsed<Value>(_ path: String, _ parse: (String) throws -> Value) throws -> (String, Value) {
    let text = try readInputText(path)
    do {
        return (text, try parse(text))
    } catch let error as NeosError {
        throw CommandFailure.failed("\(path == "-" ? "standard input" : path): \(error.message)")
    }
}

/// Prints a document made from `sources` (a pruned, renamed, combined or patched workspace, a patch) as pyhf does:
/// `json.dumps(indent=4, sort_keys=True)` with every integral number of the kind the sources gave it.
func writeDocument(_ json: String, madeFrom sources: [String], to path: String?) throws {
    let document = try JSON.parse(json)
    let kinds = try PythonJSONLayout.NumberKinds(sources: sources)
    try writeOutput(PythonJSONLayout.dumps(document, numbers: .asInSources(kinds)), to: path)
}

/// `neos inspect`: pyhf's `inspect`, its tables and its JSON summary.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Print a summary of the workspace: channels and bins, samples, parameters, measurements (pyhf inspect).")

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(help: "Also write the summary to this file as JSON.") var outputFile: String?
    @Option(help: "Accepted as pyhf does; the default measurement marked (*) is the first one, as in pyhf.")
    var measurement: String?

    func run() throws {
        let summary = try WorkspaceSummary(try WorkspaceSource(workspace).workspace)
        print(Self.tables(summary), terminator: "")
        if let outputFile {
            try writeOutput(PythonJSONLayout.dumps(Self.json(summary), numbers: .integralAsIntegers), to: outputFile)
        }
    }

    /// pyhf's tables: names right-aligned in a column as wide as the longest channel, sample, parameter or
    /// measurement name, cells joined by two spaces.
    static func tables(_ summary: WorkspaceSummary) -> String {
        let width =
            (summary.channels.map(\.name) + summary.samples + summary.parameters.map(\.name)
            + summary.measurements.map(\.name)).map(\.unicodeScalars.count).max() ?? 0
        var out = ""
        func row(_ cells: String...) { out += cells.joined(separator: "  ") + "\n" }
        func line(_ text: String) { out += text + "\n" }
        let dashes = String(repeating: "-", count: 10)
        row(right("     Summary     ", width + 7), "")
        row(right(String(repeating: "-", count: 18), width + 7), "")
        let modifierNames = Set(summary.modifiers.map(\.name)).count
        for (key, count) in [
            ("channels", summary.channels.count), ("samples", summary.samples.count),
            ("parameters", summary.parameters.count), ("modifiers", modifierNames),
        ] {
            row(right(key, width), String(count))
        }
        line("")
        row(right("channels", width), center("nbins", 5))
        row(right(dashes, width), center("-----", 5))
        for (name, bins) in summary.channels { row(right(name, width), center(String(bins), 5)) }
        line("")
        line(right("samples", width))
        line(right(dashes, width))
        for sample in summary.samples { line(right(sample, width)) }
        line("")
        row(right("parameters", width), left("constraint", 22), "modifiers")
        row(right(dashes, width), left(dashes, 22), dashes)
        for parameter in summary.parameters {
            let types = Set(parameter.modifierTypes).sorted {
                Array($0.unicodeScalars).lexicographicallyPrecedes(Array($1.unicodeScalars)) { $0.value < $1.value }
            }
            row(right(parameter.name, width), left(parameter.constraint, 22), types.joined(separator: ","))
        }
        line("")
        row(right("measurement", width), center("poi", 22), "parameters")
        row(right(dashes, width), center(dashes, 22), dashes)
        for (i, measurement) in summary.measurements.enumerated() {
            let label = (i == 0 ? "(*) " : "") + measurement.name
            let parameters =
                measurement.parameterNames.isEmpty ? "(none)" : measurement.parameterNames.joined(separator: ",")
            row(right(label, width), center(measurement.poi, 22), parameters)
        }
        line("")
        return out
    }

    /// The summary as pyhf writes it with --output-file.
    static func json(_ summary: WorkspaceSummary) -> JSON {
        func strings(_ values: [String]) -> JSON { .array(values.map { .string($0) }) }
        var modifiers: [JSON.Member] = []
        for (name, type) in summary.modifiers {  // a Python dict of the pairs: the last type of a name counts
            modifiers.removeAll { $0.key == name }
            modifiers.append(.init(key: name, value: .string(type)))
        }
        return .object([
            .init(key: "samples", value: strings(summary.samples)),
            .init(
                key: "channels",
                value: .array(summary.channels.map { .array([.string($0.name), .number(Double($0.bins))]) })),
            .init(key: "modifiers", value: .object(modifiers)),
            .init(
                key: "parameters",
                value: .array(summary.parameters.map { .array([.string($0.name), .string($0.constraint)]) })),
            .init(
                key: "systematics",
                value: .array(
                    summary.parameters.map {
                        .array([.string($0.name), .string($0.constraint), strings($0.modifierTypes)])
                    })),
            .init(
                key: "measurements",
                value: .array(
                    summary.measurements.map {
                        .array([.string($0.name), .string($0.poi), strings($0.parameterNames)])
                    })),
        ])
    }

    /// Python's format alignments (`>`, `<`, `^`), counting code points: `^` puts the odd space on the right.
    static func right(_ text: String, _ width: Int) -> String { spaces(width - text.unicodeScalars.count) + text }
    static func left(_ text: String, _ width: Int) -> String { text + spaces(width - text.unicodeScalars.count) }
    static func center(_ text: String, _ width: Int) -> String {
        let padding = max(0, width - text.unicodeScalars.count)
        return spaces(padding / 2) + text + spaces(padding - padding / 2)
    }
    static func spaces(_ count: Int) -> String { String(repeating: " ", count: max(0, count)) }
}

/// `neos prune`: pyhf's `prune`.
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Remove channels, samples, modifiers (by name or type) and measurements from the workspace (pyhf prune)."
    )

    static let modifierTypes = ["histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror"]

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?
    @Option(name: [.customShort("c"), .long], help: "A channel to remove; repeatable.") var channel: [String] = []
    @Option(name: [.customShort("s"), .long], help: "A sample to remove; repeatable.") var sample: [String] = []
    @Option(name: [.customShort("m"), .long], help: "A modifier to remove; repeatable.") var modifier: [String] = []
    @Option(
        name: [.customShort("t"), .long],
        help:
            "Remove every modifier of this type (histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror); repeatable."
    )
    var modifierType: [String] = []
    @Option(help: "A measurement to remove; repeatable.") var measurement: [String] = []

    func validate() throws {
        for type in modifierType where !Self.modifierTypes.contains(type) {
            throw ValidationError(
                "Invalid value for '-t' / '--modifier-type': '\(type)' is not one of \(quotedList(Self.modifierTypes))")
        }
    }

    func run() throws {
        let source = try WorkspaceSource(workspace)
        let pruned = try source.workspace.pruned(
            modifiers: modifier, modifierTypes: modifierType, samples: sample, channels: channel,
            measurements: measurement)
        try writeDocument(pruned.json, madeFrom: [source.text], to: outputFile)
    }
}

/// `neos rename`: pyhf's `rename`, each option taking an old and a new name.
struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rename channels, samples, modifiers and measurements of the workspace (pyhf rename).",
        discussion:
            "Each option takes two values, OLD NEW, and may be repeated: neos rename ws.json -c SR signal_region")

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?
    @Option(name: [.customShort("c"), .long], parsing: .upToNextOption, help: "OLD NEW: a channel's names.")
    var channel: [String] = []
    @Option(name: [.customShort("s"), .long], parsing: .upToNextOption, help: "OLD NEW: a sample's names.")
    var sample: [String] = []
    @Option(name: [.customShort("m"), .long], parsing: .upToNextOption, help: "OLD NEW: a modifier's names.")
    var modifier: [String] = []
    @Option(parsing: .upToNextOption, help: "OLD NEW: a measurement's names.") var measurement: [String] = []

    func validate() throws {
        for (option, values) in [("channel", channel), ("sample", sample), ("modifier", modifier)]
            + [("measurement", measurement)] where values.count % 2 != 0
        {
            throw ValidationError("Option '--\(option)' requires 2 arguments: OLD NEW (got \(values.count))")
        }
    }

    private static func pairs(_ values: [String]) -> [(old: String, new: String)] {
        stride(from: 0, to: values.count, by: 2).map { (values[$0], values[$0 + 1]) }
    }

    func run() throws {
        let source = try WorkspaceSource(workspace)
        let renamed = try source.workspace.renamed(
            modifiers: Self.pairs(modifier), samples: Self.pairs(sample), channels: Self.pairs(channel),
            measurements: Self.pairs(measurement))
        try writeDocument(renamed.json, madeFrom: [source.text], to: outputFile)
    }
}

/// `neos combine`: pyhf's `combine`.
struct Combine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Join two workspaces into one (pyhf combine).")

    @Argument(help: "The first workspace JSON file.") var workspaceOne = "-"
    @Argument(help: "The second workspace JSON file.") var workspaceTwo = "-"
    @Option(
        name: [.customShort("j"), .long],
        help: "How components in both are joined: none, inner, left outer, right outer or outer.")
    var join = "none"
    @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?
    @Flag(
        inversion: .prefixedNo,
        help: "Merge the samples of channels both workspaces have (left or right outer joins, or outer).")
    var mergeChannels = false

    func validate() throws {
        guard WorkspaceJoin(rawValue: join) != nil else {
            throw ValidationError(
                "Invalid value for '-j' / '--join': '\(join)' is not one of \(quotedList(WorkspaceJoin.allCases.map(\.rawValue)))"
            )
        }
    }

    func run() throws {
        let first = try WorkspaceSource(workspaceOne)
        let second = try WorkspaceSource(workspaceTwo)
        let combined = try Workspace.combine(
            first.workspace, second.workspace, join: WorkspaceJoin(rawValue: join)!, mergeChannels: mergeChannels)
        try writeDocument(combined.json, madeFrom: [first.text, second.text], to: outputFile)
    }
}

/// `neos digest`: pyhf's `digest`.
struct Digest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the digests of the workspace, the ones patchsets record (pyhf digest).",
        discussion: "sha256 is computed natively; other hashlib algorithms run in the Python package.")

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(name: [.customShort("a"), .long], help: "A hashlib algorithm; repeat for several digests.")
    var algorithm: [String] = ["sha256"]
    @Flag(help: "Print a JSON object (-j) or algorithm:digest lines (-p, the default).")
    var format: DigestFormat = .plaintext

    func run() throws {
        guard algorithm.allSatisfy({ $0 == "sha256" }) else { try forwardToPython() }
        let source = try WorkspaceSource(workspace)
        let digest = try SHA256.pyhfDigest(ofJSON: source.text)
        if format == .json {
            try writeOutput(PythonJSONLayout.dumps(.object([.init(key: "sha256", value: .string(digest))])), to: nil)
        } else {
            print("sha256:\(digest)")
        }
    }
}

/// `neos sort`: pyhf's `sort`.
struct Sort: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the workspace with channels, samples, modifiers and observations sorted by name (pyhf sort).")

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?

    func run() throws {
        let source = try WorkspaceSource(workspace)
        try writeDocument(try source.workspace.sorted().json, madeFrom: [source.text], to: outputFile)
    }
}

/// A patchset read from a file or standard input, with its text.
struct PatchsetSource {
    let text: String
    let patchset: Patchset

    init(_ path: String) throws { (text, patchset) = try readParsed(path) { try Patchset(json: $0) } }

    /// The patch `name`, or a failure naming what was asked for (pyhf's InvalidPatchLookup).
    func entry(_ name: String?) throws -> (patch: JSON, metadata: JSON, values: [Double]) {
        guard let name else { throw CommandFailure.failed("No patch associated with \"None\" is defined in patchset.") }
        return try patchset.entry(named: name)
    }

    /// Checks the background-only workspace's digest, or hands the command to the Python package when the patchset
    /// records digests of other algorithms only (hashlib's).
    func verify(_ background: WorkspaceSource) throws {
        let (checked, unchecked) = try patchset.verify(workspaceJSON: background.text)
        if checked.isEmpty && !unchecked.isEmpty { try forwardToPython() }
    }
}

/// `neos patchset`: pyhf's `patchset` group.
struct PatchsetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchset",
        abstract: "Read, check and apply patchsets (signal grids as JSON patches to a background-only workspace).",
        subcommands: [Extract.self, Apply.self, Verify.self, InspectPatchset.self])

    /// `neos patchset extract`.
    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON-patch operations of one patch of the patchset.")

        @Argument(help: "The patchset JSON file (- or nothing: standard input).") var patchset = "-"
        @Option(help: "The name of the patch.") var name: String?
        @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?
        @Flag(help: "Print the patch alone (the default) or with its and the patchset's metadata.")
        var metadata: MetadataChoice = .withoutMetadata

        func run() throws {
            let source = try PatchsetSource(patchset)
            let (patch, metadata, _) = try source.entry(name)
            var result = patch
            if self.metadata == .withMetadata {
                // the patch's metadata updated with the patchset's, as pyhf's dict.update
                var members: [JSON.Member] = []
                for member in objectMembers(metadata) + objectMembers(source.patchset.metadata) {
                    members.removeAll { $0.key == member.key }
                    members.append(member)
                }
                result = .object([.init(key: "metadata", value: .object(members)), .init(key: "patch", value: patch)])
            }
            try writeDocument(result.serialized(), madeFrom: [source.text], to: outputFile)
        }
    }

    /// `neos patchset apply`.
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the background-only workspace with one patch applied, after checking the digests.")

        @Argument(help: "The background-only workspace JSON file.") var backgroundOnly = "-"
        @Argument(help: "The patchset JSON file.") var patchset = "-"
        @Option(help: "The name of the patch.") var name: String?
        @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?

        func run() throws {
            let background = try WorkspaceSource(backgroundOnly)
            let source = try PatchsetSource(patchset)
            try source.verify(background)
            let patch = try source.entry(name).patch
            let patched = try JSONPatch.apply(patch, to: try JSON.parse(background.text), label: "patch")
            let workspace = try Workspace(json: patched.serialized())
            try writeDocument(workspace.json, madeFrom: [background.text, source.text], to: outputFile)
        }
    }

    /// `neos patchset verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the patchset was made for the background-only workspace (its digests).")

        @Argument(help: "The background-only workspace JSON file.") var backgroundOnly = "-"
        @Argument(help: "The patchset JSON file.") var patchset = "-"

        func run() throws {
            let background = try WorkspaceSource(backgroundOnly)
            try PatchsetSource(patchset).verify(background)
            print("All good.")
        }
    }

    /// `neos patchset inspect`.
    struct InspectPatchset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect", abstract: "List the names of the patches in the patchset.")

        @Argument(help: "The patchset JSON file (- or nothing: standard input).") var patchset = "-"

        func run() throws {
            let names = try PatchsetSource(patchset).patchset.patchNames
            print("\n    \(names.count) patches found in Patchset")
            print("---------------------------------\n")
            for name in names { print(name) }
        }
    }
}

/// `digest`'s output: pyhf's `-j/--json` and `-p/--plaintext`.
enum DigestFormat: EnumerableFlag {
    case json, plaintext

    static func name(for value: DigestFormat) -> NameSpecification {
        value == .json ? [.customShort("j"), .customLong("json")] : [.customShort("p"), .customLong("plaintext")]
    }
}

/// `patchset extract`'s `--with-metadata/--without-metadata`.
enum MetadataChoice: EnumerableFlag {
    case withMetadata, withoutMetadata
}

/// The members of a JSON object (none for any other value).
func objectMembers(_ value: JSON) -> [JSON.Member] {
    if case .object(let members) = value { return members }
    return []
}
