import NeosCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The types of object a C handle can name.
enum HandleKind: Sendable {
    case workspace
    case model
    case patchset
    case trainer
    /// A model given as C callbacks (CallbackLikelihoodExports.swift).
    case callbackModel

    /// The C type's name, for messages.
    var name: String {
        switch self {
        case .workspace: "neos_workspace"
        case .model: "neos_model"
        case .patchset: "neos_patchset"
        case .trainer: "neos_trainer"
        case .callbackModel: "neos_callback_model"
        }
    }
}

/// Every live handle, by its value. A handle is not an address: it is a serial number that is never reused, times 16
/// (aligned, like a pointer) above a fixed base ("ne" in the top 16 bits on 64-bit machines, outside any user-space
/// address; 2^44 handles fit below it), so a freed
/// handle stays unknown forever, no pointer to real memory or small integer is ever mistaken for a handle, and a
/// handle is checked without reading any memory it points to. The registry holds the only strong reference to each object;
/// a call borrows a strong reference under the lock, so a concurrent free only ends the object after that call.
final class HandleRegistry: @unchecked Sendable {
    /// One object and its type.
    private struct Entry {
        let kind: HandleKind
        let value: Any
    }

    /// Heap-allocated so the mutex never moves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var entries: [UInt: Entry] = [:]
    private var lastSerial: UInt = 0

    /// The bits every handle has: 0x6e65 ("ne") in the top 16 bits of a 64-bit word.
    static let base: UInt = 0x6e65 << UInt(UInt.bitWidth - 16)

    /// The registry of the library.
    static let shared = HandleRegistry()

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "neos: pthread_mutex_init failed")
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Registers `value` and returns its new handle.
    func insert(_ kind: HandleKind, _ value: Any) -> OpaquePointer {
        locked {
            lastSerial += 1
            precondition(lastSerial < 1 << (UInt.bitWidth - 20), "neos: handle serial numbers exhausted")
            let handle = Self.base | (lastSerial << 4)
            entries[handle] = Entry(kind: kind, value: value)
            return OpaquePointer(bitPattern: handle)!
        }
    }

    /// The object behind a live handle of `kind`, or a message saying why there is none.
    func lookup<Value>(_ handle: OpaquePointer, _ kind: HandleKind, as type: Value.Type) -> Result<Value, NeosError> {
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        return locked {
            guard let entry = entries[key] else {
                return .failure(.invalidArgument("is not a live handle (already freed, or not made by libneos)"))
            }
            guard entry.kind == kind, let value = entry.value as? Value else {
                return .failure(.invalidArgument("is a \(entry.kind.name) handle, not a \(kind.name)"))
            }
            return .success(value)
        }
    }

    /// Removes a live handle of `kind`; anything else is ignored (the free functions cannot report errors).
    func remove(_ handle: OpaquePointer, _ kind: HandleKind) {
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        // The object is released after the lock is dropped: its deinit must not run under the lock.
        let removed: Entry? = locked {
            guard entries[key]?.kind == kind else { return nil }
            return entries.removeValue(forKey: key)
        }
        _ = removed
    }

    /// The number of live handles of `kind` (for tests of leaks).
    func count(_ kind: HandleKind) -> Int {
        locked { entries.values.filter { $0.kind == kind }.count }
    }
}

/// A new handle owning `value`; release it with `releaseHandle`.
func makeHandle(_ kind: HandleKind, _ value: Any) -> OpaquePointer {
    HandleRegistry.shared.insert(kind, value)
}

/// The value behind a caller's handle, checking NULL, liveness and type. `name` is the C parameter name.
func borrowHandle<Value>(_ pointer: OpaquePointer?, _ kind: HandleKind, as type: Value.Type, _ name: String) throws
    -> Value
{
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    switch HandleRegistry.shared.lookup(pointer, kind, as: type) {
    case .success(let value): return value
    case .failure(let error): throw NeosError.invalidArgument("\(name) \(error.message)")
    }
}

/// Releases a handle made by `makeHandle`; NULL, freed handles and handles of another kind are ignored.
func releaseHandle(_ pointer: OpaquePointer?, _ kind: HandleKind) {
    guard let pointer else { return }
    HandleRegistry.shared.remove(pointer, kind)
}

/// Checks the caller's out-pointer for a new handle before any work.
func handleOutput(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ name: String) throws
    -> UnsafeMutablePointer<OpaquePointer?>
{
    guard let out else { throw NeosError.invalidArgument("\(name) is NULL") }
    return out
}
