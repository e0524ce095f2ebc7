/// JSON string literals (https://www.rfc-editor.org/rfc/rfc8259#section-7).
package enum JSONString {
    /// Appends `string` as a quoted JSON string, escaping `"`, `\` and control characters.
    package static func append(_ string: String, to out: inout [UInt8]) {
        put(string, into: &out)
    }

    static func put<Output: ByteOutput & ~Copyable>(_ string: String, into out: inout Output) {
        var string = string
        string.withUTF8 { bytes in put(bytes, into: &out) }
    }

    /// Appends the UTF-8 `bytes` as a quoted JSON string.
    static func put<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        out.append(UInt8(ascii: "\""))
        putEscaped(bytes, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 `bytes` as the inside of a JSON string: escaped, without the quotes.
    static func putEscaped<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        // Most strings need no escape: copy them whole instead of byte by byte.
        var plain = true
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out.append(bytes: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(literal: "\\\"")
            case UInt8(ascii: "\\"): out.append(literal: "\\\\")
            case UInt8(ascii: "\n"): out.append(literal: "\\n")
            case UInt8(ascii: "\r"): out.append(literal: "\\r")
            case UInt8(ascii: "\t"): out.append(literal: "\\t")
            case 0..<0x20:
                out.append(literal: "\\u00")
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0xF))
            default: out.append(byte)
            }
        }
    }

    /// The lowercase hex digit of `value` (0...15).
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
