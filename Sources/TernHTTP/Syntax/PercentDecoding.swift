/// Percent-decoding (https://www.rfc-editor.org/rfc/rfc3986#section-2.1) of a path segment,
/// or of a query name or value, where `+` also stands for a space
/// (https://url.spec.whatwg.org/#application/x-www-form-urlencoded).
package enum PercentDecoding {
    /// The decoded text, or nil when a `%` is not followed by two hex digits or the bytes are
    /// not UTF-8.
    package static func decode(_ segment: Substring, plusAsSpace: Bool = false) -> String? {
        let plus = UInt8(ascii: "+")
        guard segment.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == plus) }) else { return String(segment) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(plusAsSpace && byte == plus ? UInt8(ascii: " ") : byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
