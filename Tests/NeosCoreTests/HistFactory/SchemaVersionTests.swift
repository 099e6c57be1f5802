import XCTest

@testable import NeosCore

final class SchemaVersionTests: XCTestCase {
    func testEveryVersionOfSchemaOneIsRead() throws {
        for version in ["1.0.0", "1.1.0", "1.0.12", "1.20.3"] {
            XCTAssertNoThrow(try SchemaVersion.check(version, kind: "workspace"), version)
        }
    }

    func testOtherMajorVersionsAndMalformedVersionsAreRefused() {
        for version in ["2.0.0", "0.9.0", "1.0", "1.0.0.0", "1..0", "1.0.x", "", "v1.0.0", "1.0.0 "] {
            XCTAssertThrowsError(try SchemaVersion.check(version, kind: "patchset"), version) { error in
                let neosError = error as? NeosError
                XCTAssertEqual(neosError?.kind, .parse)
                XCTAssertTrue(
                    neosError?.message.hasPrefix("version: unsupported patchset version \"\(version)\"") ?? false)
            }
        }
    }

    func testWorkspaceOfSchemaOnePointOneParses() throws {
        let json = """
            {"channels": [{"name": "c", "samples": [{"name": "s", "data": [1.0],
              "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]}]}],
             "observations": [{"name": "c", "data": [2.0]}],
             "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.1.0"}
            """
        XCTAssertNoThrow(try Workspace(json: json))
    }
}
