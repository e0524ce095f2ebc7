extension EntityTag {
    /// A strong tag for content: 16 hex digits of its 64-bit FNV-1a hash. Equal bytes give equal
    /// tags; it is a validator, not a security boundary.
    public static func strong(forContent bytes: some Sequence<UInt8>) -> EntityTag {
        // Contiguous bytes hash in a tight loop; a generic Sequence would cost a protocol call
        // per byte, since this function is not specialized in the caller's module.
        let hash = bytes.withContiguousStorageIfAvailable(fnv1a) ?? fnv1a(Array(bytes))
        return EntityTag(uncheckedOpaqueTag: hex(hash, digits: 16), weak: false)
    }

    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer(fnv1a)
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A strong tag for a file from its metadata: inode, size and modification time in
    /// nanoseconds, so a file replaced or rewritten within the same second gets a new tag.
    public static func strong(inode: UInt64, size: Int64, modifiedNanoseconds: Int64) -> EntityTag {
        let opaque = hex([inode, UInt64(bitPattern: size), UInt64(bitPattern: modifiedNanoseconds)], digits: 1)
        return EntityTag(uncheckedOpaqueTag: opaque, weak: false)
    }

    /// `value` in lowercase hex, zero-padded to at least `digits` digits.
    private static func hex(_ value: UInt64, digits: Int) -> String {
        hex(CollectionOfOne(value), digits: digits)
    }

    /// Each value in lowercase hex, zero-padded to at least `digits` digits, joined by `-`;
    /// written straight into the string's storage.
    private static func hex(_ values: some Collection<UInt64>, digits: Int) -> String {
        func width(_ value: UInt64) -> Int { max(digits, (64 - value.leadingZeroBitCount + 3) / 4, 1) }
        let total = values.reduce(values.count - 1) { $0 + width($1) }
        return String(unsafeUninitializedCapacity: total) { text in
            var position = 0
            for value in values {
                if position > 0 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                for shift in (0..<width(value)).reversed() {
                    text[position] = hexDigits[Int(value >> UInt64(4 * shift) & 0xF)]
                    position += 1
                }
            }
            return total
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
