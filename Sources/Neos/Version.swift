import CNeos

/// Bumped with every release; the ABI number in include/neos.h is bumped with every added function.
let libraryVersion: StaticString = "0.1.0"

@c @implementation
public func neos_version() -> UnsafePointer<CChar>! {
    staticCString(libraryVersion)
}

@c @implementation
public func neos_abi_version() -> Int32 {
    NEOS_ABI_VERSION
}
