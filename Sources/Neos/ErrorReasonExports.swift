import CNeos
import NeosCore

/// See include/neos.h.
@c @implementation
public func neos_last_error_reason() -> UnsafePointer<CChar>! {
    ErrorState.currentReason
}
