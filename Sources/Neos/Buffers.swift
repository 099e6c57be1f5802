import NeosCore

/// Turns a caller's (pointer, length) pair into a buffer, refusing NULL. `name` is the C parameter name.
func input(_ pointer: UnsafePointer<Double>?, _ count: Int, _ name: String) throws -> UnsafeBufferPointer<Double> {
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    return UnsafeBufferPointer(start: pointer, count: count)
}

/// Like `input`, but NULL means "not given".
func optionalInput(_ pointer: UnsafePointer<Double>?, _ count: Int) -> UnsafeBufferPointer<Double>? {
    pointer.map { UnsafeBufferPointer(start: $0, count: count) }
}

/// A caller's output buffer, refusing NULL and checking its length.
func output(_ pointer: UnsafeMutablePointer<Double>?, _ count: Int, expected: Int, _ name: String) throws
    -> UnsafeMutableBufferPointer<Double>
{
    guard let pointer else { throw NeosError.invalidArgument("\(name) is NULL") }
    guard count == expected else {
        throw NeosError.invalidArgument("\(name) has length \(count), expected \(expected)")
    }
    return UnsafeMutableBufferPointer(start: pointer, count: count)
}

/// An optional output buffer: NULL means "not wanted"; otherwise its length must be `expected`.
func optionalOutput(_ pointer: UnsafeMutablePointer<Double>?, _ count: Int, expected: Int, _ name: String) throws
    -> UnsafeMutableBufferPointer<Double>?
{
    guard pointer != nil else { return nil }
    return try output(pointer, count, expected: expected, name)
}

/// A caller's length must be a real count: size_t arrives as Int, and a huge value would be negative here.
func count(_ value: Int, _ name: String) throws -> Int {
    guard value >= 0 else {
        throw NeosError.invalidArgument("\(name) = \(UInt(bitPattern: value)) is not a valid length")
    }
    return value
}

extension UnsafeMutableBufferPointer<Double> {
    /// Fills the buffer from `values`, whose count the caller's length check made equal to the buffer's.
    func write(_ values: [Double]) {
        for (index, value) in values.enumerated() { self[index] = value }
    }
}

/// The two optional Jacobian buffers of a derivative call, checked before any work: rows × n_inputs (with respect
/// to the model's inputs) and rows × n_data (with respect to the data). NULL means "not wanted".
struct JacobianOutputs {
    let inputs: UnsafeMutableBufferPointer<Double>?
    let data: UnsafeMutableBufferPointer<Double>?

    init(
        rows: Int, model: Model, dataCount: Int, _ inputs: UnsafeMutablePointer<Double>?, _ inputsLength: Int,
        _ data: UnsafeMutablePointer<Double>?, _ dataLength: Int
    ) throws {
        self.inputs = try optionalOutput(inputs, inputsLength, expected: rows * model.inputCount, "out_jacobian_inputs")
        self.data = try optionalOutput(data, dataLength, expected: rows * dataCount, "out_jacobian_data")
    }

    func write(inputs: [Double], data: [Double]) {
        self.inputs?.write(inputs)
        self.data?.write(data)
    }
}
