/// Integers as decimal digits, written straight into bytes: no `String` made on the way.
package enum DecimalText {
    /// The most bytes an `Int64` takes: a sign and 19 digits (20 digits for a `UInt64`).
    package static let maxLength = 20

    /// Appends `value`'s digits, with `-` when negative.
    package static func append(_ value: Int64, to out: inout [UInt8]) {
        put(value, into: &out)
    }

    /// Appends `value`'s digits.
    package static func append(_ value: UInt64, to out: inout [UInt8]) {
        put(value, into: &out)
    }

    static func put<Output: ByteOutput & ~Copyable>(_ value: Int64, into out: inout Output) {
        out.write(upTo: maxLength) { write(value, into: $0, at: 0) }
    }

    static func put<Output: ByteOutput & ~Copyable>(_ value: UInt64, into out: inout Output) {
        out.write(upTo: maxLength) { write(value, into: $0, at: 0) }
    }

    /// Writes `value`'s digits, with `-` when negative, at `index` of `buffer`, which has room
    /// for `maxLength` bytes there; returns the index after them.
    package static func write(_ value: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        guard value < 0 else { return write(value.magnitude, into: buffer, at: index) }
        buffer[index] = UInt8(ascii: "-")
        return write(value.magnitude, into: buffer, at: index + 1)
    }

    /// Writes `value`'s digits at `index` of `buffer`, which has room for `maxLength` bytes
    /// there; returns the index after them.
    package static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        var end = index + 1
        var rest = value / 10
        while rest > 0 {
            end += 1
            rest /= 10
        }
        var magnitude = value
        var position = end
        repeat {
            position -= 1
            buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        return end
    }
}
