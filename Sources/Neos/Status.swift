import CNeos
import NeosCore

extension NeosError.Kind {
    /// The C status of a core error kind.
    var status: neos_status {
        switch self {
        case .invalidArgument: NEOS_ERR_INVALID_ARGUMENT
        case .parse: NEOS_ERR_PARSE
        case .model: NEOS_ERR_MODEL
        case .fitFailed: NEOS_ERR_FIT_FAILED
        case .numeric: NEOS_ERR_NUMERIC
        case .internal: NEOS_ERR_INTERNAL
        }
    }
}

/// Runs the body of an exported function: maps a thrown error to its status and records its message for
/// `neos_last_error_message()`. The body writes its outputs only after everything it can throw has run.
func abiCall(_ function: StaticString, _ body: () throws -> Void) -> neos_status {
    do {
        try body()
        return NEOS_OK
    } catch let error as NeosError {
        ErrorState.set("\(function): \(error.message)", reason: error.reason)
        return error.kind.status
    } catch let error as OutOfMemory {
        ErrorState.set("\(function): \(error.message)")
        return NEOS_ERR_OUT_OF_MEMORY
    } catch {
        ErrorState.set("\(function): unexpected error: \(error)")
        return NEOS_ERR_INTERNAL
    }
}

/// See include/neos.h.
@c @implementation
public func neos_last_error_message() -> UnsafePointer<CChar>! {
    ErrorState.current
}

/// See include/neos.h.
@c @implementation
public func neos_status_name(_ status: neos_status) -> UnsafePointer<CChar>! {
    switch status {
    case NEOS_OK: staticCString("NEOS_OK")
    case NEOS_ERR_INVALID_ARGUMENT: staticCString("NEOS_ERR_INVALID_ARGUMENT")
    case NEOS_ERR_PARSE: staticCString("NEOS_ERR_PARSE")
    case NEOS_ERR_MODEL: staticCString("NEOS_ERR_MODEL")
    case NEOS_ERR_FIT_FAILED: staticCString("NEOS_ERR_FIT_FAILED")
    case NEOS_ERR_NUMERIC: staticCString("NEOS_ERR_NUMERIC")
    case NEOS_ERR_OUT_OF_MEMORY: staticCString("NEOS_ERR_OUT_OF_MEMORY")
    case NEOS_ERR_INTERNAL: staticCString("NEOS_ERR_INTERNAL")
    default: nil
    }
}
