import NeosCore

/// What a C handle points to: a retained box whose first stored field is a tag naming its type, so a handle of
/// the wrong kind (a workspace passed as a model) is refused instead of reinterpreted.
final class Handle<Value> {
    let tag: UInt64
    let value: Value

    init(tag: UInt64, _ value: Value) {
        self.tag = tag
        self.value = value
    }
}

enum HandleKind: UInt64 {
    case workspace = 0x6e656f73_77730001
    case model = 0x6e656f73_6d640002
    case patchset = 0x6e656f73_70730003
    case trainer = 0x6e656f73_74720004

    var name: String {
        switch self {
        case .workspace: "neos_workspace"
        case .model: "neos_model"
        case .patchset: "neos_patchset"
        case .trainer: "neos_trainer"
        }
    }
}

/// A new handle owning `value`; release it with `releaseHandle`.
func makeHandle<Value>(_ kind: HandleKind, _ value: Value) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(Handle(tag: kind.rawValue, value)).toOpaque())
}

/// The value behind a caller's handle, checking NULL and the type tag.
func borrowHandle<Value>(_ pointer: OpaquePointer?, _ kind: HandleKind, as type: Value.Type, _ name: String) throws
    -> Value
{
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    let raw = UnsafeRawPointer(pointer)
    // Every Handle<T> has the same layout: the object header, then the tag.
    let tag = raw.load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.size * 2, as: UInt64.self)
    guard tag == kind.rawValue else { throw NeosError.invalidArgument("\(name) is not a \(kind.name) handle") }
    return Unmanaged<Handle<Value>>.fromOpaque(raw).takeUnretainedValue().value
}

/// Releases a handle made by `makeHandle`; NULL and handles of another kind are ignored.
func releaseHandle<Value>(_ pointer: OpaquePointer?, _ kind: HandleKind, as type: Value.Type) {
    guard let pointer else { return }
    let raw = UnsafeRawPointer(pointer)
    guard raw.load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.size * 2, as: UInt64.self) == kind.rawValue else {
        return
    }
    Unmanaged<Handle<Value>>.fromOpaque(raw).release()
}

/// Writes a handle into the caller's out-pointer.
func store(_ handle: OpaquePointer, into out: UnsafeMutablePointer<OpaquePointer?>?, _ name: String) throws {
    guard let out else { throw NeosError.invalidArgument("\(name) is NULL") }
    out.pointee = handle
}
