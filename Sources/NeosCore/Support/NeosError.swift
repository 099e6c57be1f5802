/// The one error type of the core. `kind` decides the status code at the C ABI and the exception class in
/// Python; `message` is complete on its own (it names the argument or the JSON path that is wrong).
public struct NeosError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The category of a failure: each maps to one C status code and one Python exception class.
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

    /// What went wrong, as a category.
    public let kind: Kind
    /// A complete sentence saying what went wrong, naming the argument or the JSON path at fault.
    public let message: String

    /// An error of `kind` described by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, so that printing the error prints what went wrong.
    public var description: String { message }

    /// Shorthand for `NeosError(.invalidArgument, message)`, the error of every argument check.
    public static func invalidArgument(_ message: String) -> NeosError { NeosError(.invalidArgument, message) }
}
