import ArgumentParser
import NeosCore

/// pyhf's `completions` and `contrib` groups.
let extraCommands: [any ParsableCommand.Type] = [Completions.self, Contrib.self]

/// `neos completions`: pyhf's `completions`, the shell completion script of `neos` (swift-argument-parser's, the
/// same as `neos --generate-completion-script SHELL`).
struct Completions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the completion script of neos for a shell: bash, zsh or fish.",
        discussion: "For example: neos completions bash > ~/.local/share/bash-completion/completions/neos")

    @Argument(help: "The shell: bash, zsh or fish.") var shell = "bash"

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("Invalid value for '[bash|fish|zsh]': '\(shell)' is not one of 'bash', 'fish', 'zsh'")
        }
    }

    func run() throws { print(NeosCommand.completionScript(for: CompletionShell(rawValue: shell)!)) }
}

/// `neos contrib`: pyhf's `contrib` group.
struct Contrib: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extra operations (the contrib extra: requests).", subcommands: [Download.self])

    /// `neos contrib download`, which runs in the Python package (neos_swift.contrib.utils.download).
    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a likelihood archive (HEPData, doi.org) and unpack it into a folder.",
            discussion: "Runs in the Python package: python -m neos_swift.cli contrib download.")

        @Argument(help: "The archive's URL.") var archiveURL: String
        @Argument(help: "The folder to unpack it into.") var outputDirectory: String
        @Flag(name: [.customShort("v"), .long], help: "List the files unpacked.") var verbose = false
        @Flag(name: [.customShort("f"), .long], help: "Download from a host that is not HEPData or doi.org.")
        var force = false
        @Flag(name: [.customShort("c"), .long], help: "Keep the archive as the downloaded tar.gz file.")
        var compress = false

        func run() throws { try forwardToPython() }
    }
}
