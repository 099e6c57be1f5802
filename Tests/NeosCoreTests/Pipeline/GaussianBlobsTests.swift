import XCTest

@testable import NeosCore

final class GaussianBlobsTests: XCTestCase {
    /// Blob means within 4 standard errors (1/√N) of neos's, unit variance within 5%; shared draws are exact
    /// translations of one another.
    func testGaussianBlobs() throws {
        let n = 10000
        let blobs = try GaussianBlobs.generate(pointsPerBlob: n, seed: 0)
        for (set, mean) in zip(blobs, GaussianBlobs.means) {
            XCTAssertEqual(set.count, n)
            let xs = stride(from: 0, to: 2 * n, by: 2).map { set.points[$0] }
            let ys = stride(from: 1, to: 2 * n, by: 2).map { set.points[$0] }
            let mx = xs.reduce(0, +) / Double(n)
            let my = ys.reduce(0, +) / Double(n)
            XCTAssertEqual(mx, mean.0, accuracy: 4 / Double(n).squareRoot())
            XCTAssertEqual(my, mean.1, accuracy: 4 / Double(n).squareRoot())
            let vx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) } / Double(n)
            XCTAssertEqual(vx, 1, accuracy: 0.05)
        }
        XCTAssertNotEqual(blobs[0].points[0] + 1, blobs[1].points[0] - 1, "independent draws by default")
        let shared = try GaussianBlobs.generate(pointsPerBlob: 100, seed: 0, sharedDraws: true)
        for k in 0..<100 {
            XCTAssertEqual(shared[0].points[2 * k] + 1, shared[1].points[2 * k] - 1, accuracy: 1e-12)
            XCTAssertEqual(shared[2].points[2 * k + 1] - 2, shared[3].points[2 * k + 1] + 1.5, accuracy: 1e-12)
        }
    }

    /// A seed reproduces the blobs exactly; another seed, or the same seed through a different stream, does not.
    func testBlobsAreReproducible() throws {
        let a = try GaussianBlobs.generate(pointsPerBlob: 50, seed: 4)
        let b = try GaussianBlobs.generate(pointsPerBlob: 50, seed: 4)
        let c = try GaussianBlobs.generate(pointsPerBlob: 50, seed: 5)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a[0], c[0])
        XCTAssertEqual(a.map(\.dimension), [2, 2, 2, 2])
        XCTAssertEqual(GaussianBlobs.names.count, GaussianBlobs.means.count)
    }

    func testTooFewPointsAreRefused() {
        XCTAssertThrowsError(try GaussianBlobs.generate(pointsPerBlob: 1)) {
            XCTAssertEqual(($0 as? NeosError)?.kind, .invalidArgument)
        }
    }
}
