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
    /// there; returns the index after them. The length is found by comparison and the digits
    /// written two at a time from a table, one division by 100 for each pair.
    package static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        var digits = 1
        var bound: UInt64 = 10
        while value >= bound, digits < maxLength {
            digits += 1
            bound &*= 10
        }
        let end = index + digits
        let pairs = pairDigits.utf8Start
        var magnitude = value
        var position = end
        while magnitude >= 10 {
            let pair = Int(magnitude % 100) * 2
            magnitude /= 100
            position -= 2
            buffer[position] = pairs[pair]
            buffer[position + 1] = pairs[pair + 1]
        }
        if position > index { buffer[index] = UInt8(ascii: "0") + UInt8(magnitude) }
        return end
    }

    /// `00` to `99`, each two-digit number's digits at twice its value.
    private static var pairDigits: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    }
}
