import ArgumentParser
import NeosCore

/// pyhf's conversions between a JSON workspace and HistFactory's XML and ROOT files. The XML and ROOT reader and
/// writer live in the Python package (neos_swift.readxml, writexml, with uproot), so these commands check their
/// arguments here and run there (``forwardToPython()``).
let conversionCommands: [any ParsableCommand.Type] = [XMLToJSON.self, JSONToXML.self]

/// `neos xml2json`: pyhf's `xml2json`.
struct XMLToJSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml2json",
        abstract: "Convert a HistFactory XML configuration and its ROOT files into a JSON workspace (pyhf xml2json).",
        discussion: "Runs in the Python package: python -m neos_swift.cli xml2json.")

    /// pyhf's `--track-progress/--hide-progress`.
    enum Progress: EnumerableFlag { case trackProgress, hideProgress }
    /// pyhf's `--validation-as-error/--validation-as-warning`.
    enum Validation: EnumerableFlag { case validationAsError, validationAsWarning }

    @Argument(help: "The top-level HistFactory XML file.") var entrypointXML: String
    @Option(help: "The folder the paths inside the XML files are relative to (default: the current folder).")
    var basedir: String?
    @Option(name: [.customShort("v"), .long], help: "LOCAL:MOUNTED: read files under MOUNTED from LOCAL; repeatable.")
    var mount: [String] = []
    @Option(help: "Write the JSON workspace to this file instead of standard output.") var outputFile: String?
    @Flag(help: "Show progress bars on standard error (default: hide them).") var progress: Progress = .hideProgress
    @Flag(help: "Whether an XML file that fails its DTD stops the conversion (the default) or only warns.")
    var validation: Validation = .validationAsError

    func validate() throws {
        for pair in mount where pair.split(separator: ":", omittingEmptySubsequences: false).count != 2 {
            throw ValidationError("Invalid value for '-v' / '--mount': \(pair) is not of the form LOCAL:MOUNTED")
        }
    }

    func run() throws { try forwardToPython() }
}

/// `neos json2xml`: pyhf's `json2xml`.
struct JSONToXML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json2xml",
        abstract: "Write a workspace as HistFactory XML files and a ROOT file of histograms (pyhf json2xml).",
        discussion: "Runs in the Python package: python -m neos_swift.cli json2xml.")

    @Argument(help: "The workspace JSON file (- or nothing: standard input).") var workspace = "-"
    @Option(help: "Where the files are written.") var outputDir: String?
    @Option(help: "The subfolder of the channel XML files.") var specroot: String?
    @Option(help: "The subfolder of the ROOT file of histograms.") var dataroot: String?
    @Option(help: "The name (without .xml) of the top-level XML file.") var resultprefix: String?
    @Option(name: [.customShort("p"), .customLong("patch")], help: "A JSON patch applied first; repeatable.")
    var patches: [String] = []

    func run() throws { try forwardToPython() }
}
