import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exit codes of `neos`, pyhf's (click's) where pyhf has them.
enum CommandExit {
    /// A bad option or argument (click's usage error).
    static let usage: Int32 = 2
    /// A file that cannot be read or parsed, or a computation that failed.
    static let failed: Int32 = 1
}

/// A failure a command reports itself: one line of text and the exit code it ends with.
struct CommandFailure: Error {
    /// What went wrong, for the user, on one line.
    let message: String
    /// The process's exit code (``CommandExit``).
    let exitCode: Int32

    /// A failure of the input or the computation (exit 1).
    static func failed(_ message: String) -> CommandFailure {
        CommandFailure(message: message, exitCode: CommandExit.failed)
    }

    /// A bad option or argument (exit 2).
    static func usage(_ message: String) -> CommandFailure {
        CommandFailure(message: message, exitCode: CommandExit.usage)
    }
}

/// The message with its line breaks folded into spaces, so an error is always one line on standard error.
func oneLine(_ message: String) -> String {
    message.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        .joined(separator: " ")
}

/// Writes `neos: message` to standard error (after flushing what standard output holds) and exits.
func exitWithError(_ message: String, code: Int32) -> Never {
    fflush(nil)
    let bytes = Array("neos: \(oneLine(message))\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(code)
}

/// The text of a file, or of standard input when the path is `-` or absent (pyhf's commands read either).
func readInputText(_ path: String?) throws -> String {
    let source = (path == nil || path == "-") ? "/dev/stdin" : path!
    do {
        return try FileBytes.readText(source)
    } catch let error as NeosError {
        throw CommandFailure.failed("cannot read \(path ?? "standard input"): \(error.message)")
    }
}

/// A JSON document from a file or standard input (``readInputText(_:)``), with the file named in a parse error.
func readJSONDocument(_ path: String?) throws -> JSON {
    let text = try readInputText(path)
    do {
        return try JSON.parse(text)
    } catch let error as NeosError {
        throw CommandFailure.failed("\(path ?? "standard input") is not valid JSON: \(error.message)")
    }
}

/// Writes a command's result as pyhf's commands do: to standard output with click.echo's new line, or to `path`
/// as `json.dump` writes a file (no new line at the end).
func writeOutput(_ text: String, to path: String?) throws {
    guard let path else {
        print(text)
        return
    }
    do {
        try FileBytes.writeText(text, to: path)
    } catch let error as NeosError {
        throw CommandFailure.failed("cannot write \(path): \(error.message)")
    }
}

/// Runs `$NEOS_PYTHON -m MODULE ARGUMENTS…` (default python3) and waits for it: the Python side draws the plots,
/// reads ROOT's XML and owns the toy calculator. Returns its exit code, or −1 when no Python could be started.
/// With `outputToStandardError`, what it prints goes to standard error, keeping a command's JSON alone on
/// standard output.
func runPythonModule(_ moduleAndArguments: [String], outputToStandardError: Bool = false) -> Int32 {
    let python = getenv("NEOS_PYTHON").map { String(cString: $0) } ?? "python3"
    let arguments = [python, "-m"] + moduleAndArguments
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for p in cArguments { free(p) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if outputToStandardError { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
    var pid: pid_t = 0
    fflush(nil)  // our buffered output first, then the child's
    guard posix_spawnp(&pid, python, &actions, nil, &cArguments, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, which Swift does not import: a signal ends it as the shell reports it, 128 + signal.
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var view = self[...]
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}

extension String {
    /// The text right-aligned in `width` columns (padded with spaces on the left).
    func padding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
