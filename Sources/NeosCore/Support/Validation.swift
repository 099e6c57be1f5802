/// Argument checks shared by every public entry point, so each failure reads the same way everywhere.
public enum Validate {
    static func finite(_ values: UnsafeBufferPointer<Double>, _ name: String) throws {
        for (index, value) in values.enumerated() where !value.isFinite {
            throw NeosError.invalidArgument("\(name)[\(index)] is \(value); every value must be finite")
        }
    }

    static func finite(_ value: Double, _ name: String) throws {
        guard value.isFinite else { throw NeosError.invalidArgument("\(name) is \(value); it must be finite") }
    }

    static func length(_ count: Int, equals expected: Int, _ name: String) throws {
        guard count == expected else {
            throw NeosError.invalidArgument("\(name) has length \(count), expected \(expected)")
        }
    }

    /// A caller-supplied count (a C size_t) that must equal what the model needs.
    public static func count(_ value: Int, equals expected: Int, _ name: String) throws {
        guard value == expected else {
            throw NeosError.invalidArgument("\(name) is \(UInt(bitPattern: value)), expected \(expected)")
        }
    }

    static func strictlyIncreasing(_ edges: UnsafeBufferPointer<Double>, _ name: String) throws {
        guard edges.count >= 2 else {
            throw NeosError.invalidArgument("\(name) needs at least 2 edges, got \(edges.count)")
        }
        try finite(edges, name)
        for index in 1..<edges.count where !(edges[index] > edges[index - 1]) {
            throw NeosError.invalidArgument(
                "\(name) must be strictly increasing: \(name)[\(index)] = \(edges[index]) "
                    + "is not above \(name)[\(index - 1)] = \(edges[index - 1])")
        }
    }
}
