/// Percent-decoding (https://www.rfc-editor.org/rfc/rfc3986#section-2.1) of a path segment,
/// or of a query name or value, where `+` also stands for a space
/// (https://url.spec.whatwg.org/#application/x-www-form-urlencoded).
package enum PercentDecoding {
    /// The decoded text, or nil when a `%` is not followed by two hex digits or the bytes are
    /// not UTF-8.
    package static func decode(_ segment: Substring, plusAsSpace: Bool = false) -> String? {
        var segment = segment
        return segment.withUTF8 { decode($0, plusAsSpace: plusAsSpace) }
    }

    /// `decode` of a string's UTF-8 bytes (valid UTF-8: only what percent-decoding produces is
    /// checked).
    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool = false) -> String? {
        let plus = UInt8(ascii: "+")
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == plus) }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                decoded.append(plusAsSpace && byte == plus ? UInt8(ascii: " ") : byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            decoded.append(high << 4 | low)
        }
        return String(validating: decoded, as: UTF8.self)
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
