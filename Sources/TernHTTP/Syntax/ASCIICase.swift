/// ASCII case folding, for the parts of HTTP compared case-insensitively: field names, range
/// units, connection options, expectations (RFC 9110 sections 5.1, 14.1, 7.6.1 and 10.1.1).
/// Only A–Z fold; other bytes, UTF-8 included, compare as they are.
package enum ASCIICase {
    /// `byte` with A–Z folded to a–z.
    @usableFromInline
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether `bytes` and `other` are the same ignoring ASCII case; no string is made.
    @inlinable
    package static func equal(_ bytes: some Collection<UInt8>, _ other: some Collection<UInt8>) -> Bool {
        bytes.count == other.count && zip(bytes, other).allSatisfy { lowercased($0) == lowercased($1) }
    }
}
