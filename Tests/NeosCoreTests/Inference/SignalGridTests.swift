import XCTest

@testable import NeosCore

/// Signal grids: every point as it is alone, whatever the thread count, and a broken point reported on its own.
final class SignalGridTests: XCTestCase {
    /// Four signal strengths of the example's signal sample as patches, the third one broken (a path the workspace
    /// does not have).
    static func patchset() -> Patchset {
        func patch(_ name: String, _ value: Double, path: String = "/channels/0/samples/0/data") -> String {
            #"{"metadata": {"name": "\#(name)", "values": [\#(value), 60]}, "patch": [{"op": "replace", "path": "\#(path)", "value": [\#(20 * value), \#(10 * value)]}]}"#
        }
        let patches = [
            patch("s1", 1), patch("s2", 2), patch("broken", 3, path: "/channels/7/samples/0/data"), patch("s4", 0.5),
        ]
        return try! Patchset(
            json:
                #"{"metadata": {"references": {}, "description": "test", "digests": {}, "labels": ["m", "n"]}, "patches": [\#(patches.joined(separator: ", "))], "version": "1.0.0"}"#
        )
    }

    func testHypotestsEqualEachPointAloneOnOneAndTwoThreads() throws {
        let background = try Workspace(
            json: try PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json"))
        let patchset = Self.patchset()
        let serial = try SignalGrid.hypotests(background: background, patchset: patchset, poi: 1, threads: 1)
        let threaded = try SignalGrid.hypotests(background: background, patchset: patchset, poi: 1, threads: 2)
        XCTAssertEqual(serial.map(\.name), ["s1", "s2", "broken", "s4"])
        XCTAssertEqual(serial.map(\.values), [[1, 60], [2, 60], [3, 60], [0.5, 60]])
        for (index, (one, two)) in zip(serial, threaded).enumerated() {
            if index == 2 {
                guard case .failure(let error) = one.outcome, case .failure(let same) = two.outcome else {
                    return XCTFail("the broken patch must fail on its own")
                }
                XCTAssertEqual(error, same)
                XCTAssertTrue(error.message.contains("/channels/7"), error.message)
                continue
            }
            let alone = try background.model(patches: [try patchset.patch(named: one.name)])
            let expected = try Hypotest.run(poi: 1, data: try background.data(model: alone), model: alone)
            for result in [try one.outcome.get(), try two.outcome.get()] {
                // bit for bit: the same computation
                XCTAssertEqual(result.observed.cls, expected.observed.cls, one.name)
                XCTAssertEqual(result.expected.map(\.cls), expected.expected.map(\.cls), one.name)
            }
        }
        // a stronger signal is excluded more strongly
        let cls = try [0, 1, 3].map { try serial[$0].outcome.get().observed.cls }
        XCTAssertLessThan(cls[1], cls[0])
        XCTAssertLessThan(cls[0], cls[2])
    }

    func testUpperLimitsAndChosenPoints() throws {
        let background = try Workspace(
            json: try PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json"))
        let patchset = Self.patchset()
        let points = try SignalGrid.upperLimits(
            background: background, patchset: patchset, names: ["s4", "s1"], scan: [0, 0.5, 1, 1.5, 2, 2.5, 3],
            threads: 2)
        XCTAssertEqual(points.map(\.name), ["s4", "s1"])
        let alone = try background.model(patches: [try patchset.patch(named: "s1")])
        let expected = try UpperLimits.scan(
            [0, 0.5, 1, 1.5, 2, 2.5, 3], data: try background.data(model: alone), model: alone)
        XCTAssertEqual(try points[1].outcome.get().observed, expected.observed)
        XCTAssertEqual(try points[1].outcome.get().expected, expected.expected)
        XCTAssertGreaterThan(try points[0].outcome.get().observed, try points[1].outcome.get().observed)
        InvalidWorkspaces.assertError(.invalidArgument, ["No patch associated with \"nope\""]) {
            _ = try SignalGrid.hypotests(background: background, patchset: patchset, names: ["nope"])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["threads is 0"]) {
            _ = try SignalGrid.hypotests(background: background, patchset: patchset, threads: 0)
        }
    }

    func testToyHypotestsEqualEachPointAloneOnOneAndTwoThreads() throws {
        let background = try Workspace(
            json: try PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json"))
        let patchset = Self.patchset()
        let serial = try SignalGrid.toyHypotests(
            background: background, patchset: patchset, poi: 1, count: 25, seed: 7, threads: 1)
        let threaded = try SignalGrid.toyHypotests(
            background: background, patchset: patchset, poi: 1, count: 25, seed: 7, threads: 2)
        XCTAssertEqual(serial.map(\.name), ["s1", "s2", "broken", "s4"])
        for (index, (one, two)) in zip(serial, threaded).enumerated() {
            if index == 2 {
                guard case .failure(let error) = one.outcome, case .failure(let same) = two.outcome else {
                    return XCTFail("the broken patch must fail on its own")
                }
                XCTAssertEqual(error, same)
                continue
            }
            let alone = try background.model(patches: [try patchset.patch(named: one.name)])
            let expected = try ToyCalculator.hypotest(
                poi: 1, data: try background.data(model: alone), model: alone, count: 25, seed: 7, threads: 1)
            for result in [try one.outcome.get(), try two.outcome.get()] {
                XCTAssertEqual(result.signal.samples, expected.signal.samples, one.name)
                XCTAssertEqual(result.background.samples, expected.background.samples, one.name)
                XCTAssertEqual(result.observed, expected.observed, one.name)
                XCTAssertEqual(result.expected, expected.expected, one.name)
            }
        }
        // one point alone may use both threads for its toys: the same numbers
        let single = try SignalGrid.toyHypotests(
            background: background, patchset: patchset, names: ["s4"], poi: 1, count: 25, seed: 7, threads: 2)
        XCTAssertEqual(try single[0].outcome.get().expected, try serial[3].outcome.get().expected)
    }

    func testGridArgumentsNoPointCouldUseAreRefusedFirst() throws {
        let background = try Workspace(
            json: try PyhfReferenceTests.refText("tests_data/test_patchset__example_bkgonly.json"))
        let patchset = Self.patchset()
        InvalidWorkspaces.assertError(.invalidArgument, ["level is 0"]) {
            _ = try SignalGrid.upperLimits(background: background, patchset: patchset, level: 0)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["1 distinct"]) {
            _ = try SignalGrid.upperLimits(background: background, patchset: patchset, scan: [1, 1])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["scan[1] is nan"]) {
            _ = try SignalGrid.upperLimits(background: background, patchset: patchset, scan: [1, .nan])
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["asymptotic calculator", "tmu"]) {
            _ = try SignalGrid.hypotests(background: background, patchset: patchset, testStatistic: .tmu)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["number of toys is 0"]) {
            _ = try SignalGrid.toyHypotests(background: background, patchset: patchset, count: 0, seed: 1)
        }
        InvalidWorkspaces.assertError(.invalidArgument, ["poi is nan"]) {
            _ = try SignalGrid.toyHypotests(background: background, patchset: patchset, poi: .nan, count: 1, seed: 1)
        }
        // root finding: each point's limits are those of UpperLimits.rootFinding on its model alone
        let points = try SignalGrid.upperLimits(
            background: background, patchset: patchset, names: ["s2", "broken"], threads: 2)
        let alone = try background.model(patches: [try patchset.patch(named: "s2")])
        let expected = try UpperLimits.rootFinding(data: try background.data(model: alone), model: alone)
        XCTAssertEqual(try points[0].outcome.get().observed, expected.observed)
        XCTAssertEqual(try points[0].outcome.get().expected, expected.expected)
        XCTAssertThrowsError(try points[1].outcome.get())
    }
}
