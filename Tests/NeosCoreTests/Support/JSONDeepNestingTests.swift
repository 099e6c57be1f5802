import Foundation
import XCTest

@testable import NeosCore

/// Deeply nested documents on threads with small stacks: the library runs on its callers' threads, and some C,
/// C++ and Python hosts run their workers on stacks of 128 KiB or less.
///
/// glibc takes a thread's static TLS block (the thread-local variables of every loaded library) out of the stack
/// it allocates for the thread. In this XCTest process, with Foundation loaded, that is about 65 KiB, so a thread
/// created with a 128 KiB stack has only about 64 KiB to run in. The tests therefore use two kinds of thread:
///
/// - one with 128 KiB usable (created with 128 KiB plus what glibc takes here), on which every document up to the
///   parser's limit of 512 levels must parse, serialise to the same text, compare equal to the same value built
///   in code (and unequal to one differing only at the innermost level) and be dropped; and
/// - one created with a 128 KiB stack as the C library gives it, on which parsing, serialising and comparing
///   such documents must use no more stack at 512 levels than at one, and 513 levels must be refused with the
///   limit's message and position.
///
/// Dropping a value is left to the Swift runtime, which recurses through nested arrays and objects (200 to 220
/// bytes of stack per level); that is why the values parsed on the second kind of thread are dropped by the
/// test's own thread.
final class JSONDeepNestingTests: XCTestCase {
    /// The stack size of the test threads.
    static let stackSize = 128 * 1024

    /// Holds a closure for the C entry point of a thread.
    final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// What a run on a small stack found, read by the test's own thread after the join.
    final class Findings: @unchecked Sendable {
        var failures: [String] = []
        var checks = 0
        /// The stack left to the thread's code when it starts, in bytes.
        var usableStack = 0
        /// Values to be dropped by the test's own thread.
        var keep: [JSON] = []

        func check(_ condition: Bool, _ what: @autoclosure () -> String) {
            checks += 1
            if !condition { failures.append(what()) }
        }
    }

    /// Runs `body` on a new thread created with a stack of `stackSize` bytes, and waits for it.
    static func runOnThread(stackSize: Int, _ body: @escaping () -> Void) {
        var attributes = pthread_attr_t()
        precondition(pthread_attr_init(&attributes) == 0)
        defer { pthread_attr_destroy(&attributes) }
        precondition(pthread_attr_setstacksize(&attributes, stackSize) == 0, "stack size \(stackSize)")
        let job = Unmanaged.passRetained(Job(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, job)
        precondition(created == 0, "pthread_create: \(created)")
        precondition(pthread_join(thread, nil) == 0)
    }

    /// The lowest address of the calling thread's stack and the address of a variable of the caller's frame's
    /// callee (about where the caller's stack pointer is), from `pthread_getattr_np` (a GNU extension the Glibc
    /// module does not import, looked up by name).
    @inline(never)
    static func stackPosition() -> (low: Int, current: Int) {
        typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(nil, "pthread_getattr_np") else { return (0, 0) }
        let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
        var attributes = pthread_attr_t()
        guard getAttributes(pthread_self(), &attributes) == 0 else { return (0, 0) }
        defer { pthread_attr_destroy(&attributes) }
        var low: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &low, &size) == 0, let low else { return (0, 0) }
        var marker = 0
        let current = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
        return (Int(bitPattern: low), current)
    }

    /// How much of a thread's stack glibc keeps for itself in this process (static TLS and thread descriptor):
    /// the stack size asked for minus what the thread's code finds left when it starts.
    static let reservedByTheCLibrary: Int = {
        let findings = Findings()
        runOnThread(stackSize: stackSize) {
            let position = stackPosition()
            findings.usableStack = position.current - position.low
        }
        return stackSize - findings.usableStack
    }()

    /// Runs `body` on a new thread that has `usable` bytes of stack for its own code, and waits for it.
    static func runWithUsableStack(_ usable: Int, _ body: @escaping () -> Void) {
        let page = 4096
        runOnThread(stackSize: (usable + reservedByTheCLibrary + page - 1) / page * page, body)
    }

    /// The most stack `body` uses, in bytes, found by filling the free stack below the caller with a pattern
    /// and looking for the lowest byte `body` changed. Leaves 8 KiB at the bottom of the stack alone.
    @inline(never)
    static func peakStackUse(_ body: () -> Void) -> Int {
        let position = stackPosition()
        let bottom = position.low + 8192
        let top = position.current - 4096
        guard position.low != 0, top > bottom, let start = UnsafeMutableRawPointer(bitPattern: bottom) else {
            return -1
        }
        let pattern: UInt8 = 0xA5
        memset(start, Int32(pattern), top - bottom)
        body()
        var lowest = bottom
        let bytes = start.assumingMemoryBound(to: UInt8.self)
        while lowest < top && bytes[lowest - bottom] == pattern { lowest += 1 }
        return position.current - lowest
    }

    /// A document of `depth` nested arrays: each level `[level,<child>,"s<level>"]`, the innermost `[]`; its
    /// value built in code with `innermost` in place of that `[]`.
    static func arrays(depth: Int, innermost: JSON = .array([])) -> (text: String, value: JSON) {
        var text = ""
        for level in 1..<depth { text += "[\(level)," }
        text += "[]"
        for level in (1..<depth).reversed() { text += ",\"s\(level)\"]" }
        var value = innermost
        for level in (1..<depth).reversed() { value = .array([.number(Double(level)), value, .string("s\(level)")]) }
        return (text, value)
    }

    /// A document of `depth` nested objects: each level `{"z":level,"k<level>":<child>,"a":null}` (keys out of
    /// alphabetical order, so member order is checked), the innermost `{}`; its value built in code with
    /// `innermost` in place of that `{}`.
    static func objects(depth: Int, innermost: JSON = .object([])) -> (text: String, value: JSON) {
        var text = ""
        for level in 1..<depth { text += "{\"z\":\(level),\"k\(level)\":" }
        text += "{}"
        for _ in 1..<depth { text += ",\"a\":null}" }
        var value = innermost
        for level in (1..<depth).reversed() {
            value = .object([
                .init(key: "z", value: .number(Double(level))), .init(key: "k\(level)", value: value),
                .init(key: "a", value: .null),
            ])
        }
        return (text, value)
    }

    /// The nesting depth of `value`, counted without recursion.
    static func depth(of value: JSON) -> Int {
        var deepest = 0
        var pending: [(JSON, Int)] = [(value, 0)]
        while let (next, above) = pending.popLast() {
            switch next {
            case .array(let items):
                deepest = max(deepest, above + 1)
                pending += items.map { ($0, above + 1) }
            case .object(let members):
                deepest = max(deepest, above + 1)
                pending += members.map { ($0.value, above + 1) }
            default: break
            }
        }
        return deepest
    }

    /// Parses, serialises, compares and drops the documents of `depth` levels on the calling thread.
    static func exercise(depth: Int, _ findings: Findings) {
        for (kind, make) in [("arrays", arrays), ("objects", objects)] {
            let name = "\(depth) \(kind)"
            let (text, expected) = make(depth, kind == "arrays" ? .array([]) : .object([]))
            let (_, different) = make(
                depth, kind == "arrays" ? .array([.null]) : .object([.init(key: "", value: .null)]))
            do {
                let parsed = try JSON.parse(text)
                findings.check(Self.depth(of: parsed) == depth, "\(name): depth \(Self.depth(of: parsed))")
                findings.check(parsed == expected, "\(name): parsed != built in code")
                findings.check(expected == parsed, "\(name): built in code != parsed")
                findings.check(parsed != different, "\(name): equal to a value differing at the innermost level")
                findings.check(different != parsed, "\(name): a value differing at the innermost level is equal")
                let written = parsed.serialized()
                findings.check(written == text, "\(name): serialized() differs from the document")
                findings.check(String(describing: parsed) == text, "\(name): its description differs from the document")
                findings.check(different.serialized() != text, "\(name): serialized() of a different value")
                let again = try JSON.parse(written)
                findings.check(again == parsed, "\(name): parse(serialized()) != parsed")
            } catch {
                findings.check(false, "\(name): \(error)")
            }
        }
    }

    /// What parsing `text` on the calling thread throws: the message of a `.parse` error, or a description of
    /// what happened instead.
    static func refusal(_ text: String) -> String {
        do {
            _ = try JSON.parse(text)
            return "parsed"
        } catch let error as NeosError {
            return error.kind == .parse ? error.message : "kind \(error.kind): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    func testDocumentsUpToTheLimitWith128KiBOfStack() {
        let findings = Findings()
        Self.runWithUsableStack(Self.stackSize) {
            let position = Self.stackPosition()
            findings.usableStack = position.current - position.low
            for depth in [1, 2, 300, 511, 512] { Self.exercise(depth: depth, findings) }
        }
        XCTAssertGreaterThanOrEqual(findings.usableStack, Self.stackSize - 4096)
        XCTAssertLessThanOrEqual(findings.usableStack, Self.stackSize + 8192, "the thread's stack is larger than asked")
        XCTAssertEqual(findings.checks, 5 * 2 * 9)
        XCTAssertEqual(findings.failures, [])
    }

    func testParsingSerialisingAndComparingUseNoStackPerLevel() {
        let findings = Findings()
        var uses: [String: Int] = [:]
        Self.runOnThread(stackSize: Self.stackSize) {
            let position = Self.stackPosition()
            findings.usableStack = position.current - position.low
            // The first pass warms up what runs once per thread (the allocator's first calls); the second is
            // measured.
            for (pass, depth) in [(0, 1), (0, 512), (1, 1), (1, 512)] {
                for (kind, document) in [
                    ("arrays", Self.arrays(depth: depth)), ("objects", Self.objects(depth: depth)),
                ] {
                    var parsed = JSON.null
                    let parsing = Self.peakStackUse { parsed = (try? JSON.parse(document.text)) ?? .null }
                    var written = ""
                    let serializing = Self.peakStackUse { written = parsed.serialized() }
                    var equal = false
                    let comparing = Self.peakStackUse { equal = parsed == document.value }
                    if pass == 1 {
                        uses["parse \(depth) \(kind)"] = parsing
                        uses["serialize \(depth) \(kind)"] = serializing
                        uses["compare \(depth) \(kind)"] = comparing
                    }
                    findings.check(written == document.text, "\(depth) \(kind): serialized() differs from the document")
                    findings.check(equal, "\(depth) \(kind): parsed != built in code")
                    findings.keep += [parsed, document.value]
                }
            }
        }
        XCTAssertLessThan(findings.usableStack, Self.stackSize)
        XCTAssertEqual(findings.failures, [])
        XCTAssertEqual(findings.checks, 4 * 2 * 2)
        XCTAssertEqual(uses.count, 12)
        for operation in ["parse", "serialize", "compare"] {
            for kind in ["arrays", "objects"] {
                guard let shallow = uses["\(operation) 1 \(kind)"], let deep = uses["\(operation) 512 \(kind)"] else {
                    continue
                }
                XCTAssertGreaterThan(shallow, 0, "\(operation) \(kind): stack use not measured")
                // Even 8 bytes a level would add 4 KiB at 512 levels; a recursive parser adds hundreds.
                XCTAssertLessThanOrEqual(deep, shallow + 4096, "\(operation) \(kind): stack use grows with the depth")
                XCTAssertLessThan(deep, 16 * 1024, "\(operation) \(kind)")
            }
        }
        // The deep values go here, on the test's own thread.
        findings.keep = []
    }

    func testDepth513IsRefusedOnA128KiBStack() {
        var messages: [String] = []
        let documents = [
            String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
            String(repeating: "{\"a\":", count: 512) + "{}" + String(repeating: "}", count: 512),
            Self.arrays(depth: 513).text, Self.objects(depth: 513).text,
            // Refused when the 513th level opens, before the parser looks at what follows.
            String(repeating: "[", count: 513), String(repeating: "[", count: 513) + "x",
        ]
        Self.runOnThread(stackSize: Self.stackSize) { messages = documents.map(Self.refusal) }
        // The position is that of the 513th opening bracket or brace.
        func opening(_ text: String) -> Int {
            var count = 0
            for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                count += 1
                if count == 513 { return offset }
            }
            return -1
        }
        let expected = documents.map {
            "malformed JSON at line 1, column \(opening($0) + 1) (byte \(opening($0))): nesting deeper than 512 levels"
        }
        XCTAssertEqual(messages, expected)
        XCTAssertEqual(
            messages.first, "malformed JSON at line 1, column 513 (byte 512): nesting deeper than 512 levels")
    }
}
