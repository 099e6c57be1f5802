#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread-local text behind `neos_last_error_message()`: one malloc'd C string per thread, replaced on each
/// failure and freed with the thread.
enum ErrorState {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { message in free(message) }
        precondition(created == 0, "neos: pthread_key_create failed")
        return key
    }()

    static var empty: UnsafePointer<CChar> { staticCString("") }

    static func set(_ message: String) {
        let previous = pthread_getspecific(key)
        let copy = message.withCString { strdup($0) }
        pthread_setspecific(key, copy.map { UnsafeRawPointer($0) })
        free(previous)
    }

    static var current: UnsafePointer<CChar> {
        guard let message = pthread_getspecific(key) else { return empty }
        return UnsafePointer(message.assumingMemoryBound(to: CChar.self))
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
