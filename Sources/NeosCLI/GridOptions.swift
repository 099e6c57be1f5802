import ArgumentParser
import NeosCore

/// The options that turn `cls` and `upper-limit` into a signal grid: every patch (or the named ones) of a patchset
/// on the background-only workspace, on `--jobs` threads, printed as one table.
struct GridOptions: ParsableArguments {
    @Option(help: "Run every patch of this patchset on the workspace (the background-only one) and print a table.")
    var patchset: String?
    @Option(help: "With --patchset: only this patch; repeatable (default: every patch, in the patchset's order).")
    var patchName: [String] = []
    @Option(help: "With --patchset: the threads the points run on (default: every core).") var jobs: Int?
    @Option(help: "With --patchset: the table's format, json or csv.") var format = "json"
    @Option(
        help:
            "With --patchset: run the points on this Dask scheduler (tcp://host:8786) through the Python package's neos_swift.distributed."
    )
    var scheduler: String?

    func validate(_ input: WorkspaceInput, nativeOnly: Bool) throws {
        guard patchset != nil else {
            if !patchName.isEmpty || jobs != nil || format != "json" || scheduler != nil {
                throw ValidationError("--patch-name, --jobs, --format and --scheduler need --patchset")
            }
            return
        }
        guard ["json", "csv"].contains(format) else {
            throw ValidationError("Invalid value for '--format': '\(format)' is not one of 'json', 'csv'")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs needs a positive integer, got \(jobs)") }
        if !input.patches.isEmpty { throw ValidationError("--patchset does not combine with -p/--patch") }
        if scheduler != nil && (input.workspace == "-" || patchset == "-") {
            throw ValidationError("--scheduler needs the workspace and the patchset as files")
        }
        if !nativeOnly {
            throw ValidationError(
                "a grid runs natively: the asymptotic calculator with the default fit (no --calctype toybased, --optimizer minuit or --optconf)"
            )
        }
    }

    /// Reads the workspace and the patchset, runs `compute` and prints the table of its points: one object (or CSV
    /// row) per point with its name, values (named by the patchset's labels in CSV) and the members `row` makes of
    /// its result (as the command prints them for one workspace), or its error. A grid with failed points is still printed whole, then the command fails naming them.
    func run<Value>(
        _ input: WorkspaceInput, csvColumns: [String],
        compute: (Workspace, Patchset, [String]?, Int?) throws -> [GridPoint<Value>],
        row: (Value) -> [JSON.Member]
    ) throws {
        if scheduler != nil { try forwardToPython(module: "neos_swift.distributed") }
        let background = try WorkspaceSource(input.workspace).workspace
        let source = try PatchsetSource(patchset!)
        let points = try compute(background, source.patchset, patchName.isEmpty ? nil : patchName, jobs)
        let text: String
        if format == "csv" {
            let labels = source.patchset.labels
            let width = points.map(\.values.count).max() ?? 0
            let valueNames = (0..<width).map { $0 < labels.count ? labels[$0] : "value\($0)" }
            var lines = [(["name"] + valueNames + csvColumns + ["error"]).map(csvField).joined(separator: ",")]
            for point in points {
                var fields =
                    [point.name]
                    + (0..<width).map { $0 < point.values.count ? PythonJSONLayout.floatRepr(point.values[$0]) : "" }
                switch point.outcome {
                case .success(let value):
                    fields += row(value).map(\.value).flatMap(csvCells) + [""]
                case .failure(let error):
                    fields += [String](repeating: "", count: csvColumns.count) + [oneLine(error.message)]
                }
                lines.append(fields.map(csvField).joined(separator: ","))
            }
            text = lines.joined(separator: "\n")
        } else {
            text = PythonJSONLayout.dumps(
                .array(
                    points.map { point in
                        var members: [JSON.Member] = [
                            .init(key: "name", value: .string(point.name)),
                            .init(key: "values", value: .array(point.values.map { .number($0) })),
                        ]
                        switch point.outcome {
                        case .success(let value):
                            members += row(value)
                        case .failure(let error):
                            members.append(.init(key: "error", value: .string(error.message)))
                        }
                        return .object(members)
                    }))
        }
        try writeOutput(text, to: input.outputFile)
        let failed = points.filter { if case .failure = $0.outcome { return true } else { return false } }
        if !failed.isEmpty {
            throw CommandFailure.failed(
                "\(failed.count) of \(points.count) points failed (\(failed.map(\.name).joined(separator: ", "))); the table gives each one's error"
            )
        }
    }
}

/// The CSV cells of one result column: a number, or a list spread over its cells.
private func csvCells(_ value: JSON) -> [String] {
    switch value {
    case .number(let x): return [PythonJSONLayout.floatRepr(x)]
    case .array(let items): return items.flatMap(csvCells)
    default: return [value.serialized()]
    }
}

/// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
