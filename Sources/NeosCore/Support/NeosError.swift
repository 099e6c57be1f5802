/// The one error type of the core. `kind` decides the status code at the C ABI and the exception class in
/// Python; `message` is complete on its own (it names the argument or the JSON path that is wrong); `reason`,
/// when set, names the specific situation within the kind, so that a caller can tell cases apart without
/// reading the message.
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

    /// A specific situation inside a kind, reported at the C ABI by `neos_last_error_reason()` as its stable
    /// `rawValue`. The identifiers never change meaning once released; new ones may be added.
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// A modifier that cannot be built: a type that does not exist, or bin-wise data (staterror, shapesys,
        /// histosys) whose length is not its sample's bin count (pyhf's `InvalidModifier`).
        case invalidModifier = "invalid_modifier"
        /// One parameter name used by modifiers whose parameter sets cannot be merged: different types, sizes,
        /// constraints or defaults (pyhf's `InvalidNameReuse`).
        case nameReuse = "name_reuse"
    }

    /// What went wrong, as a category.
    public let kind: Kind
    /// A complete sentence saying what went wrong, naming the argument or the JSON path at fault.
    public let message: String
    /// The specific situation, when the thrower names one; nil otherwise.
    public let reason: Reason?

    /// An error of `kind` described by `message`, naming the specific situation `reason` when there is one.
    public init(_ kind: Kind, _ message: String, reason: Reason? = nil) {
        self.kind = kind
        self.message = message
        self.reason = reason
    }

    /// The message, so that printing the error prints what went wrong.
    public var description: String { message }

    /// Shorthand for `NeosError(.invalidArgument, message)`, the error of every argument check.
    public static func invalidArgument(_ message: String) -> NeosError { NeosError(.invalidArgument, message) }
}
