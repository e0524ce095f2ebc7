extension EntityTag {
    /// A strong tag for content: 16 hex digits of its 64-bit FNV-1a hash. Equal bytes give equal
    /// tags; it is a validator, not a security boundary.
    public static func strong(forContent bytes: some Sequence<UInt8>) -> EntityTag {
        // Contiguous bytes hash in a tight loop; a generic Sequence would cost a protocol call
        // per byte, since this function is not specialized in the caller's module.
        let hash = bytes.withContiguousStorageIfAvailable(fnv1a) ?? fnv1a(Array(bytes))
        return EntityTag(hex(hash, digits: 16))
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
        EntityTag("\(hex(inode, digits: 1))-\(hex(UInt64(bitPattern: size), digits: 1))-\(hex(UInt64(bitPattern: modifiedNanoseconds), digits: 1))")
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
