/// Where TernHTTP's text writers (`DecimalText`, `JSONString`, `RFC3339`, `FixedWidthText`)
/// put bytes: a `[UInt8]`, or an `OutputBuffer` written through a pointer, which spares each
/// append an array's uniqueness check and generic copy. The writers are generic over it inside
/// this module, where each is specialized for both; other modules call their concrete entry
/// points (the `[UInt8]` functions, `OutputBuffer`'s methods).
protocol ByteOutput: ~Copyable {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends `bytes`.
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
    /// Lets `fill` write up to `maximum` bytes in place and keeps the count it returns.
    mutating func write(upTo maximum: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Int)
}

extension Array: ByteOutput where Element == UInt8 {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }

    mutating func write(upTo maximum: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximum) { scratch in
            let count = fill(scratch)
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }
}

extension ByteOutput where Self: ~Copyable {
    /// Appends the bytes of an ASCII literal.
    mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append(bytes: $0) }
    }
}
