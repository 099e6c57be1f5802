import XCTest

@testable import NeosCore

final class SplitMix64Tests: XCTestCase {
    /// The first outputs for seeds 0 and 1234567, from an independent Python transcription of the published
    /// algorithm (Steele, Lea & Flood 2014; Vigna's splitmix64.c): any change to the constants or the mixing
    /// changes every seeded result of neos-swift, so they are pinned bit for bit.
    func testKnownOutputs() {
        var zero = SplitMix64(seed: 0)
        XCTAssertEqual(
            (0..<5).map { _ in zero.next() },
            [
                0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC,
                0x1B39_896A_51A8_749B,
            ])
        var other = SplitMix64(seed: 1_234_567)
        XCTAssertEqual(
            (0..<5).map { _ in other.next() },
            [
                0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5, 0x883E_BCE5_A3F2_7C77, 0x3FBE_F740_E917_7B3F,
                0xE3B8_3467_08CB_5ECD,
            ])
    }

    /// The state is the whole generator: a copy seeded with it continues the stream.
    func testStateContinuesTheStream() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<3 { _ = generator.next() }
        var resumed = SplitMix64(seed: generator.state)
        XCTAssertEqual((0..<4).map { _ in resumed.next() }, (0..<4).map { _ in generator.next() })
    }

    /// Uniforms are the top 53 bits scaled by 2⁻⁵³: in [0, 1), and the first for seed 0 is exactly
    /// 0xE220A8397B1DCDAF >> 11 · 2⁻⁵³.
    func testUniformsUseTheTop53Bits() {
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.nextUniform(), Double(0xE220_A839_7B1D_CDAF as UInt64 >> 11) * 0x1.0p-53)
        var sum = 0.0
        for _ in 0..<100_000 {
            let u = generator.nextUniform()
            XCTAssertTrue(u >= 0 && u < 1)
            sum += u
        }
        // Mean of 1e5 uniforms: standard error 1/√(12·1e5) ≈ 9.1e-4; 5 standard errors.
        XCTAssertEqual(sum / 100_000, 0.5, accuracy: 4.6e-3)
    }
}
