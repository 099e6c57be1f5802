import XCTest

@testable import NeosCore

/// pyhf's modifier_settings: defaults, fallbacks and the JSON form.
final class ModifierSettingsTests: XCTestCase {
    func testModifierSettingsDefaultsAndFallbacks() throws {
        XCTAssertTrue(ModifierSettings.resolve(nil) == (.code4, .code4p))
        XCTAssertTrue(ModifierSettings.resolve(ModifierSettings(normsys: .code4)) == (.code4, .code0))
        XCTAssertTrue(ModifierSettings.resolve(ModifierSettings(histosys: .code2)) == (.code1, .code2))
        let parsed = try ModifierSettings(
            json: #"{"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}"#)
        XCTAssertEqual(parsed, ModifierSettings(normsys: .code1, histosys: .code0))
        XCTAssertEqual(
            try ModifierSettings(json: #"{"histosys": {"interpcode": "code4p"}}"#), ModifierSettings(histosys: .code4p))
        XCTAssertThrowsError(try ModifierSettings(json: #"{"normsys": {"interpcode": "code0"}}"#)) { error in
            XCTAssertEqual((error as? NeosError)?.kind, .invalidArgument)
            XCTAssertTrue("\(error)".contains("normsys.interpcode"), "\(error)")
        }
    }
}
