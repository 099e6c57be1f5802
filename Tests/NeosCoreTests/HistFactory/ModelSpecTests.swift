import XCTest

@testable import NeosCore

/// Model specifications with missing, unknown, duplicate or wrongly sized entries.
final class ModelSpecTests: XCTestCase {
    func testMissingChannels() {
        InvalidWorkspaces.assertError(.parse, ["missing required key \"channels\""]) {
            _ = try Model(spec: "{\"parameters\": []}")
        }
    }

    func testMissingSamples() {
        InvalidWorkspaces.assertError(.parse, ["channels[1]: missing required key \"samples\""]) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/channels/1/samples"}]"#)
        }
    }

    func testMissingName() {
        InvalidWorkspaces.assertError(.parse, ["channels[0].samples[1]: missing required key \"name\""]) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/channels/0/samples/1/name"}]"#)
        }
    }

    func testMissingData() {
        InvalidWorkspaces.assertError(.parse, ["channels[0].samples[0]: missing required key \"data\""]) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/channels/0/samples/0/data"}]"#)
        }
    }

    func testMissingModifiers() {
        InvalidWorkspaces.assertError(.parse, ["channels[1].samples[0]: missing required key \"modifiers\""]) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/channels/1/samples/0/modifiers"}]"#)
        }
    }

    func testWrongLengthSampleData() {
        InvalidWorkspaces.assertError(.model, ["channels[0].samples[1].data: expected 2 numbers, got 3"]) {
            _ = try InvalidWorkspaces.model(#"[{"op": "add", "path": "/channels/0/samples/1/data/-", "value": 7}]"#)
        }
    }

    func testWrongLengthHiData() {
        assertModifierError(
            .model, ["channels[0].samples[1].modifiers[0].data.hi_data: expected 2 numbers, got 3"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/0/data/hi_data", "value": [1, 2, 3]}]"#)
        }
    }

    func testWrongLengthLoData() {
        assertModifierError(
            .model, ["channels[0].samples[1].modifiers[0].data.lo_data: expected 2 numbers, got 1"]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/0/data/lo_data", "value": [1]}]"#)
        }
    }

    func testWrongLengthShapesysData() {
        assertModifierError(.model, ["channels[1].samples[0].modifiers[0].data: expected 1 numbers, got 2"]) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/channels/1/samples/0/modifiers/0/data", "value": [1, 2]}]"#)
        }
    }

    func testWrongLengthStaterrorData() {
        assertModifierError(.model, ["channels[0].samples[1].modifiers[2].data: expected 2 numbers, got 1"]) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/channels/0/samples/1/modifiers/2/data", "value": [1]}]"#)
        }
    }

    /// An unknown type is outside pyhf's schema (a parse error) and a modifier that cannot be built (the reason).
    func testUnknownModifierType() {
        assertModifierError(
            .parse, ["channels[0].samples[0].modifiers[0].type: unknown modifier type \"normfactr\""]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "replace", "path": "/channels/0/samples/0/modifiers/0/type", "value": "normfactr"}]"#)
        }
    }

    /// Empty bin-wise data: pyhf's schema wants at least one number (a parse error), and the count is not the
    /// sample's bin count (the reason), for each of staterror, shapesys and histosys.
    func testEmptyBinWiseModifierData() {
        for (pointer, path, bins) in [
            ("/channels/0/samples/1/modifiers/2/data", "channels[0].samples[1].modifiers[2].data", 2),
            ("/channels/1/samples/0/modifiers/0/data", "channels[1].samples[0].modifiers[0].data", 1),
            ("/channels/0/samples/1/modifiers/0/data/hi_data", "channels[0].samples[1].modifiers[0].data.hi_data", 2),
        ] {
            assertModifierError(.parse, ["\(path): expected \(bins) numbers, got 0"]) {
                _ = try InvalidWorkspaces.model(#"[{"op": "replace", "path": "\#(pointer)", "value": []}]"#)
            }
        }
    }

    /// Errors that are not about one modifier carry no reason.
    func testOtherErrorsHaveNoReason() {
        do {
            _ = try InvalidWorkspaces.model(#"[{"op": "add", "path": "/channels/0/samples/1/data/-", "value": 7}]"#)
            XCTFail("a sample of the wrong length was accepted")
        } catch let error as NeosError {
            XCTAssertEqual(error.kind, .model)
            XCTAssertNil(error.reason, error.message)
        } catch {
            XCTFail("unexpected error \(error)")
        }
    }

    /// Asserts an error of `kind` with every message fragment and the reason `.invalidModifier`.
    private func assertModifierError(
        _ kind: NeosError.Kind, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        InvalidWorkspaces.assertError(kind, fragments, file: file, line: line, body)
        do {
            try body()
        } catch let error as NeosError {
            XCTAssertEqual(error.reason, .invalidModifier, error.message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testNormsysDataMissingHiOrLo() {
        InvalidWorkspaces.assertError(
            .parse, ["channels[0].samples[1].modifiers[1].data: a normsys modifier needs both \"hi\" and \"lo\""]
        ) {
            _ = try InvalidWorkspaces.model(#"[{"op": "remove", "path": "/channels/0/samples/1/modifiers/1/data/lo"}]"#)
        }
    }

    func testDuplicateChannel() {
        InvalidWorkspaces.assertError(.model, ["channels[2].name: duplicate channel \"SR\""]) {
            _ = try Workspace(
                json: try InvalidWorkspaces.variant(#"[{"op": "copy", "from": "/channels/0", "path": "/channels/-"}]"#))
        }
    }

    func testDuplicateSampleInChannel() {
        InvalidWorkspaces.assertError(
            .model, ["channels[0].samples[2].name: duplicate sample \"bkg\" in channel \"SR\""]
        ) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "copy", "from": "/channels/0/samples/1", "path": "/channels/0/samples/-"}]"#)
        }
    }

    func testUnknownKeyIsRefused() {
        InvalidWorkspaces.assertError(.parse, ["channels[0].samples[0].weights: unknown key \"weights\""]) {
            _ = try InvalidWorkspaces.model(
                #"[{"op": "add", "path": "/channels/0/samples/0/weights", "value": [1, 1]}]"#)
        }
    }
}
