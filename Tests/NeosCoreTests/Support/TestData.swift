import Foundation

/// The one way XCTest finds files: the repository's `Tests/Data` folder (reference data the tests read) and the
/// `Resources` folder beside a test file. Nothing outside the repository is read.
enum TestData {
    /// `Tests/` of this repository (this file is `Tests/NeosCoreTests/Support/TestData.swift`).
    static let testsRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Data/pyhf`: pyhf workspaces and their pyhf 0.7.6 / ROOT answers (see its README).
    static let pyhf = testsRoot.appendingPathComponent("Data/pyhf")

    /// A file of `Tests/Data/pyhf` as text.
    static func pyhfText(_ relativePath: String) throws -> String {
        try String(contentsOf: pyhf.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The `Resources` folder beside the calling test file.
    static func resources(besides file: StaticString = #filePath) -> URL {
        URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Resources")
    }
}
