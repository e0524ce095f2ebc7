/// Text of a known length filled in place and appended in one copy: the dates of HTTP and
/// JSON, where a dozen single-byte appends would cost more than the date arithmetic.
package struct FixedWidthText {
    private let buffer: UnsafeMutableBufferPointer<UInt8>

    /// Text written into `buffer`, which has room for every byte the caller writes.
    @inline(__always)
    package init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// Runs `fill` on the next `count` bytes of `out`.
    @inline(__always)
    static func append<Output: ByteOutput & ~Copyable>(count: Int, to out: inout Output, _ fill: (FixedWidthText) -> Void) {
        out.write(upTo: count) { buffer in
            fill(FixedWidthText(buffer: buffer))
            return count
        }
    }

    /// `value` as `count` decimal digits (zero-padded, leading digits dropped) at `offset`.
    @inline(__always)
    package func digits(_ value: Int, at offset: Int, count: Int) {
        var rest = value
        for position in stride(from: offset + count - 1, through: offset, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// `hh:mm:ss` of the `secondOfDay`th second of a day, at `offset` (8 bytes).
    @inline(__always)
    package func time(secondOfDay: Int, at offset: Int) {
        digits(secondOfDay / 3600, at: offset, count: 2)
        byte(UInt8(ascii: ":"), at: offset + 2)
        digits(secondOfDay / 60 % 60, at: offset + 3, count: 2)
        byte(UInt8(ascii: ":"), at: offset + 5)
        digits(secondOfDay % 60, at: offset + 6, count: 2)
    }

    /// One ASCII byte at `offset`.
    @inline(__always)
    package func byte(_ byte: UInt8, at offset: Int) {
        buffer[offset] = byte
    }

    /// An ASCII word at `offset`.
    @inline(__always)
    package func word(_ text: String, at offset: Int) {
        var text = text
        text.withUTF8 { bytes in
            for index in bytes.indices { buffer[offset + index] = bytes[index] }
        }
    }
}
