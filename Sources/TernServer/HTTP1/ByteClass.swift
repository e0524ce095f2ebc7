/// The character classes of RFC 9110's and RFC 9112's grammars, as 256-entry tables.
enum ByteClass {
    /// tchar (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2).
    static let token: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }

    /// field-vchar, SP and HTAB: what may stand inside a field value
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-5.5). CR, LF, NUL and other controls may not.
    static let fieldContent: [Bool] = (0..<256).map { byte in
        byte == 0x09 || byte == 0x20 || (0x21...0x7E).contains(byte) || byte >= 0x80
    }

    /// What a request target may contain (https://www.rfc-editor.org/rfc/rfc3986#section-2):
    /// unreserved, sub-delims, `%` of pct-encoded, and the gen-delims other than `#`
    /// (`:`, `/`, `?`, `@`, and `[` `]` of an IP-literal). Not `\`, `"`, `<`, `>`, `^`,
    /// backquote, `{`, `|`, `}`, spaces or controls.
    static let target: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=%:/?@[]".utf8.contains(UInt8(byte))
        }
    }

    /// uri-host and port characters of a `Host` value: unreserved, sub-delims, pct-encoded's
    /// `%`, `:` and the brackets of an IP-literal (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2).
    static let host: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=%:[]".utf8.contains(UInt8(byte))
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool { hexValue(byte) != nil }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
