import ArgumentParser
import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// pyhf's inference commands, `fit` and `cls`, with pyhf's options and JSON output, and `upper-limit`.
let inferenceCommands: [any ParsableCommand.Type] = [Fit.self, CLs.self, UpperLimit.self]

/// The input every pyhf inference command takes: a workspace (a file or standard input), a measurement, patches.
struct WorkspaceInput: ParsableArguments {
    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace: String = "-"
    @Option(help: "Write the JSON result to this file instead of standard output.") var outputFile: String?
    @Option(help: "The measurement to use (default: the first one).") var measurement: String?
    @Option(
        name: [.customShort("p"), .customLong("patch")], help: "A JSON patch file (- for standard input); repeatable.")
    var patches: [String] = []

    /// The workspace and the JSON texts of the patches, read in pyhf's order (workspace first).
    func read() throws -> (workspace: Workspace, patches: [String]) {
        (try WorkspaceSource(workspace).workspace, try patches.map { try readInputText($0) })
    }
}

/// The engine options of pyhf's inference commands. The backend changes only the type of pyhf's results, which the
/// JSON output does not show; the optimizer and its options are the Python package's mapping onto the native fit, so
/// a command given either runs there (``forwardToPython()``).
struct EngineOptions: ParsableArguments {
    @Option(help: "The tensor backend of the results: numpy, pytorch, tensorflow, jax, np, torch or tf.")
    var backend = "numpy"
    @Option(help: "The minimiser: scipy or minuit.") var optimizer = "scipy"
    @Option(help: "An option of the minimiser as key=value (e.g. maxiter=1000); repeatable.") var optconf: [String] =
        []

    func validate() throws {
        let backends = ["numpy", "pytorch", "tensorflow", "jax", "np", "torch", "tf"]
        guard backends.contains(backend) else {
            throw ValidationError("Invalid value for '--backend': '\(backend)' is not one of \(quotedList(backends))")
        }
        guard ["scipy", "minuit"].contains(optimizer) else {
            throw ValidationError("Invalid value for '--optimizer': '\(optimizer)' is not one of 'scipy', 'minuit'")
        }
        for pair in optconf where !pair.contains("=") {
            throw ValidationError(
                "Invalid value for '--optconf': \(pair) is not a valid string of the form key=value; expected key=value"
            )
        }
    }

    /// True when the native defaults apply: scipy's mapping with no options of its own.
    var isNativeDefault: Bool { optimizer == "scipy" && optconf.isEmpty }
}

/// Runs this invocation of `neos` as `$NEOS_PYTHON -m MODULE …` with the same arguments and ends with its exit code:
/// for what the Python package owns (the toy calculator, the optimizers' option mappings, ROOT's XML, Dask).
func forwardToPython(module: String = "neos_swift.cli") throws -> Never {
    let code = runPythonModule([module] + CommandLine.arguments.dropFirst())
    guard code >= 0 else {
        throw CommandFailure.failed(
            "this command runs in the Python package (python -m \(module)), and no Python could be started: set NEOS_PYTHON to a Python with neos-swift installed"
        )
    }
    exit(code)
}

/// Refuses a test statistic that pyhf's commands do not take (click's choice of q and qtilde).
func checkTestStatistic(_ name: String) throws {
    guard ["q", "qtilde"].contains(name) else {
        throw ValidationError("Invalid value for '--test-stat': '\(name)' is not one of 'q', 'qtilde'")
    }
}

/// Draws a fit plot of `input`'s workspace (and patches) into `path` with `python -m neos_swift.plots KIND`, whose
/// messages go to standard error; `what` names the printed result in the error.
func drawPlot(_ kind: String, of input: WorkspaceInput, into path: String, extra: [String] = [], what: String) throws {
    var arguments = ["neos_swift.plots", kind, input.workspace, "--output", path]
    if let measurement = input.measurement { arguments += ["--measurement", measurement] }
    for patch in input.patches { arguments += ["--patch", patch] }
    guard runPythonModule(arguments + extra, outputToStandardError: true) == 0 else {
        throw CommandFailure.failed(
            "\(what) printed, but drawing \(path) failed: install neos-swift[plot] (matplotlib) for the Python that NEOS_PYTHON names"
        )
    }
}

/// pyhf's `cls` output of a hypotest: CLs_obs and the five CLs_exp.
func clsMembers(_ result: HypotestResult) -> [JSON.Member] {
    [
        .init(key: "CLs_obs", value: .number(result.observed.cls)),
        .init(key: "CLs_exp", value: .array(result.expected.map { .number($0.cls) })),
    ]
}

/// `upper-limit`'s output: the observed limit and the five expected ones (pyhf's `obs_limit`, `exp_limits`).
func limitMembers(_ result: UpperLimitResult) -> [JSON.Member] {
    [
        .init(key: "obs_limit", value: .number(result.observed)),
        .init(key: "exp_limits", value: .array(result.expected.map { .number($0) })),
    ]
}

/// `neos fit`: pyhf's `fit` command.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit every parameter of the workspace's model to its observed data (pyhf fit).",
        discussion: """
            Prints {"mle_parameters": {name: [values]}} (with --value also "twice_nll") as pyhf does: JSON with \
            sorted keys and an indent of 4. --plot FILE.png also draws the pulls and constraints of the fit.
            """)

    @OptionGroup var input: WorkspaceInput
    @Flag(help: "Also print twice the NLL at the best fit (twice_nll).") var value = false
    @OptionGroup var engine: EngineOptions
    @Option(help: "Draw the pulls and constraints of the fit into this PNG file (needs neos-swift[plot]).")
    var plot: String?

    func validate() throws {
        if plot != nil && input.workspace == "-" {
            throw ValidationError("--plot needs the workspace as a file, not standard input")
        }
        if plot != nil && !engine.isNativeDefault {
            throw ValidationError(
                "--plot draws the native fit's pulls: it does not combine with --optimizer minuit or --optconf")
        }
    }

    func run() throws {
        guard engine.isNativeDefault else { try forwardToPython() }
        let (workspace, patches) = try input.read()
        let model = try workspace.model(measurementName: input.measurement, patches: patches)
        let fit = try MLE.fit(data: try workspace.data(model: model), model: model)
        var parameters: [JSON.Member] = []
        for name in model.parameterOrder {
            guard let slice = model.parameterSlice(name) else { continue }
            parameters.append(.init(key: name, value: .array(fit.parameters[slice].map { JSON.number($0) })))
        }
        var result: [JSON.Member] = [.init(key: "mle_parameters", value: .object(parameters))]
        if value { result.append(.init(key: "twice_nll", value: .number(fit.twiceNLL))) }
        try writeOutput(PythonJSONLayout.dumps(.object(result)), to: input.outputFile)
        if let plot { try drawPlot("pulls", of: input, into: plot, what: "the fit is") }
    }
}

/// `neos cls`: pyhf's `cls` command.
struct CLs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cls",
        abstract: "Test a value of the parameter of interest against the observed data (pyhf cls).",
        discussion: """
            Prints {"CLs_obs": …, "CLs_exp": [five values, -2 to +2 sigma]} as pyhf does, with pyhf's command-line \
            interpolation codes (normsys code4, histosys code4p). The asymptotic calculator runs natively; \
            --calctype toybased, --optimizer minuit and --optconf run in the Python package.
            """)

    @OptionGroup var input: WorkspaceInput
    @Option(help: "The value of the parameter of interest to test.") var testPoi: Double = 1.0
    @Option(help: "The test statistic: q or qtilde.") var testStat = "qtilde"
    @Option(help: "The calculator: asymptotics or toybased.") var calctype = "asymptotics"
    @OptionGroup var engine: EngineOptions
    @OptionGroup var grid: GridOptions

    func validate() throws {
        try checkTestStatistic(testStat)
        guard ["asymptotics", "toybased"].contains(calctype) else {
            throw ValidationError(
                "Invalid value for '--calctype': '\(calctype)' is not one of 'asymptotics', 'toybased'")
        }
        try grid.validate(input, nativeOnly: isNative)
    }

    private var isNative: Bool { engine.isNativeDefault && calctype == "asymptotics" }

    /// pyhf's command line's interpolation codes.
    private static let settings = ModifierSettings(normsys: .code4, histosys: .code4p)

    func run() throws {
        if grid.patchset != nil {
            let statistic = try TestStatistic(name: testStat)
            return try grid.run(
                input, csvColumns: ["CLs_obs"] + ["-2", "-1", "0", "1", "2"].map { "CLs_exp_\($0)" },
                compute: { background, patchset, names, jobs in
                    try SignalGrid.hypotests(
                        background: background, patchset: patchset, names: names, poi: testPoi,
                        testStatistic: statistic, measurementName: input.measurement, modifierSettings: Self.settings,
                        threads: jobs)
                },
                row: clsMembers)
        }
        guard isNative else { try forwardToPython() }
        let (workspace, patches) = try input.read()
        let model = try workspace.model(
            measurementName: input.measurement, modifierSettings: Self.settings, patches: patches)
        let result = try Hypotest.run(
            poi: testPoi, data: try workspace.data(model: model), model: model,
            testStatistic: try TestStatistic(name: testStat))
        try writeOutput(PythonJSONLayout.dumps(.object(clsMembers(result))), to: input.outputFile)
    }
}

/// `neos upper-limit`: the observed and expected upper limits on the POI (`pyhf.infer.intervals.upper_limits
/// .upper_limit`), which pyhf has as a function only.
struct UpperLimit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upper-limit",
        abstract: "The observed and expected upper limits on the POI at CLs = --level (pyhf's upper_limit).",
        discussion: """
            Prints {"obs_limit": …, "exp_limits": [five values, -2 to +2 sigma]} as JSON. With --poi-range LO HI \
            (and --points N) CLs is interpolated over that scan (pyhf's linear_grid_scan); without it the limits are \
            found by root finding inside the POI's bounds (pyhf's toms748_scan). --plot FILE.png draws the Brazil \
            band over the scan (default 0 to 5, 21 points).
            """)

    @OptionGroup var input: WorkspaceInput
    @Option(help: "The CLs level of the limits.") var level = 0.05
    @Option(help: "The test statistic: q or qtilde.") var testStat = "qtilde"
    @Option(parsing: .upToNextOption, help: "LO HI: scan the POI from LO to HI instead of root finding.")
    var poiRange: [Double] = []
    @Option(help: "The number of scan points of --poi-range.") var points = 21
    @Option(help: "Draw the Brazil band of a scan into this PNG file (needs neos-swift[plot]).") var plot: String?
    @OptionGroup var grid: GridOptions

    func validate() throws {
        try checkTestStatistic(testStat)
        guard poiRange.isEmpty || poiRange.count == 2 else {
            throw ValidationError("Option '--poi-range' requires 2 arguments: LO HI (got \(poiRange.count))")
        }
        guard poiRange.isEmpty || (poiRange[0] < poiRange[1] && poiRange.allSatisfy(\.isFinite)) else {
            throw ValidationError("--poi-range needs finite LO < HI, got \(poiRange[0]) \(poiRange[1])")
        }
        guard points >= 2 else { throw ValidationError("--points needs at least 2 scan points, got \(points)") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie in (0, 1), got \(level)") }
        if plot != nil && input.workspace == "-" {
            throw ValidationError("--plot needs the workspace as a file, not standard input")
        }
        try grid.validate(input, nativeOnly: true)
        if plot != nil && grid.patchset != nil { throw ValidationError("--plot draws one workspace, not a grid") }
    }

    /// The scan of --poi-range: numpy.linspace's values, low + i * step with the last one exactly high (nil: root
    /// finding).
    private var scan: [Double]? {
        guard poiRange.count == 2 else { return nil }
        let (low, high) = (poiRange[0], poiRange[1])
        return (0..<points).map { $0 == points - 1 ? high : low + Double($0) * (high - low) / Double(points - 1) }
    }

    func run() throws {
        let statistic = try TestStatistic(name: testStat)
        if grid.patchset != nil {
            return try grid.run(
                input, csvColumns: ["obs_limit"] + ["-2", "-1", "0", "1", "2"].map { "exp_limit_\($0)" },
                compute: { background, patchset, names, jobs in
                    try SignalGrid.upperLimits(
                        background: background, patchset: patchset, names: names, scan: scan, level: level,
                        testStatistic: statistic, measurementName: input.measurement, threads: jobs)
                },
                row: limitMembers)
        }
        let (workspace, patches) = try input.read()
        let model = try workspace.model(measurementName: input.measurement, patches: patches)
        let result = try UpperLimits.upperLimit(
            data: try workspace.data(model: model), model: model, scan: scan, level: level, testStatistic: statistic)
        try writeOutput(PythonJSONLayout.dumps(.object(limitMembers(result))), to: input.outputFile)
        if let plot {
            let range = poiRange.isEmpty ? [0, 5] : poiRange
            let scanOptions = ["--poi-range", String(range[0]), String(range[1]), "--points", String(points)]
            try drawPlot("brazil", of: input, into: plot, extra: scanOptions, what: "the limits are")
        }
    }
}

/// The choices as click lists them in a usage error: `'a', 'b', 'c'`.
func quotedList(_ choices: [String]) -> String { choices.map { "'\($0)'" }.joined(separator: ", ") }
