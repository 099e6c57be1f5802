/// The one error type of the core. `kind` decides the status code at the C ABI and the exception class in
/// Python; `message` is complete on its own (it names the argument or the JSON path that is wrong).
public struct NeosError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// A caller passed something outside the function's domain (lengths, NaN, order, enum values).
        case invalidArgument
        /// Text that should be JSON (or a JSON patch) is not, or does not have the expected shape.
        case parse
        /// The input parses but does not describe a model we can build (unknown modifier, missing POI, ...).
        case model
        /// A minimisation did not converge.
        case fitFailed
        /// A computation produced a non-finite or otherwise unusable number.
        case numeric
        /// A broken invariant inside neos-swift: a bug.
        case `internal`
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func invalidArgument(_ message: String) -> NeosError { NeosError(.invalidArgument, message) }
}
