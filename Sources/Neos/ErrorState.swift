import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread-local text behind `neos_last_error_message()`: one malloc'd C string per thread, replaced on each
/// failure and freed with the thread; and beside it the failure's reason for `neos_last_error_reason()`, a
/// pointer into `reasonNames` (process lifetime, so nothing to free).
enum ErrorState {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { message in free(message) }
        precondition(created == 0, "neos: pthread_key_create failed")
        return key
    }()

    static var empty: UnsafePointer<CChar> { staticCString("") }

    static let reasonKey: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key, nil)
        precondition(created == 0, "neos: pthread_key_create failed")
        return key
    }()

    /// Each reason's stable identifier as a C string that lives for the whole process (written once, then only
    /// read, so sharing it between threads is safe).
    nonisolated(unsafe) static let reasonNames: [NeosError.Reason: UnsafePointer<CChar>] = Dictionary(
        uniqueKeysWithValues: NeosError.Reason.allCases.map { ($0, processLifetimeCString($0.rawValue)) })

    /// Records a failure: its message, and its reason (nil clears the previous failure's reason).
    static func set(_ message: String, reason: NeosError.Reason? = nil) {
        let previous = pthread_getspecific(key)
        let copy = message.withCString { strdup($0) }
        pthread_setspecific(key, copy.map { UnsafeRawPointer($0) })
        free(previous)
        pthread_setspecific(reasonKey, reason.flatMap { reasonNames[$0] }.map { UnsafeRawPointer($0) })
    }

    static var current: UnsafePointer<CChar> {
        guard let message = pthread_getspecific(key) else { return empty }
        return UnsafePointer(message.assumingMemoryBound(to: CChar.self))
    }

    /// The last failure's reason identifier on this thread, or "" when it had none (or nothing has failed).
    static var currentReason: UnsafePointer<CChar> {
        guard let reason = pthread_getspecific(reasonKey) else { return empty }
        return UnsafePointer(reason.assumingMemoryBound(to: CChar.self))
    }
}

/// A pointer to a NUL-terminated literal that lives for the whole process.
func staticCString(_ literal: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// A copy of `text` as a NUL-terminated C string that lives for the whole process (for constant tables).
func processLifetimeCString(_ text: String) -> UnsafePointer<CChar> {
    guard let copy = strdup(text) else { fatalError("neos: out of memory copying a constant string") }
    return UnsafePointer(copy)
}
