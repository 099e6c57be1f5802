import CNeos

/// The header's NEOS_VERSION_STRING as a C string that lives for the whole process.
nonisolated(unsafe) let versionString: UnsafePointer<CChar> = processLifetimeCString(NEOS_VERSION_STRING)

/// See include/neos.h: the header's NEOS_VERSION_NUMBER, compiled in.
@c @implementation
public func neos_version_number() -> Int32 {
    NEOS_VERSION_NUMBER
}

/// See include/neos.h: the header's NEOS_VERSION_STRING, compiled in.
@c @implementation
public func neos_version() -> UnsafePointer<CChar>! {
    versionString
}
