import ArgumentParser
import CNeos
import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The native `neos` command (swift-argument-parser: `--help` on every command, shell completion through
/// `--generate-completion-script`). Each group of subcommands lives in its own file and lists itself here.
struct NeosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neos",
        abstract: "neos-swift's native command: pyhf's commands, neos training and the build's description.",
        version: "neos, version \(NEOS_VERSION_STRING)",
        subcommands: inferenceCommands + workspaceCommands + conversionCommands + extraCommands + trainingCommands)

    @Flag(
        name: [.customLong("cite"), .customLong("citation")],
        help: "Print the BibTeX entries to cite (neos-swift and pyhf) and exit.")
    var cite = false

    func run() throws {
        // the citation text is the Python package's (neos_swift.utils.citation)
        if cite { try forwardToPython() }
        print(Self.helpMessage())
    }
}

/// Parses the arguments, runs the command and maps every failure to one line on standard error and an exit code
/// (`CommandExit`): 2 for a usage error, as click does for pyhf, and 1 for a file or a computation that failed.
func runNeosCommand() -> Never {
    do {
        var command = try NeosCommand.parseAsRoot()
        try command.run()
        exit(0)
    } catch let failure as CommandFailure {
        exitWithError(failure.message, code: failure.exitCode)
    } catch let error as NeosError {
        exitWithError(error.message, code: CommandExit.failed)
    } catch {
        let code = NeosCommand.exitCode(for: error)
        if code == .success {
            // --help and the completion scripts: ArgumentParser's full text, on standard output.
            print(NeosCommand.fullMessage(for: error))
            exit(0)
        }
        let message = NeosCommand.message(for: error)
        let isUsageError = code == .validationFailure
        exitWithError(
            message + (isUsageError ? " (see `neos --help`)" : ""),
            code: isUsageError ? CommandExit.usage : code.rawValue)
    }
}

runNeosCommand()
