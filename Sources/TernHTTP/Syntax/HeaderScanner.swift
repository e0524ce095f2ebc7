/// A cursor over a field value, with the pieces of RFC 9110's grammar its parsers share:
/// OWS, tokens, quoted-strings and list commas (https://www.rfc-editor.org/rfc/rfc9110#section-5.6).
struct HeaderScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ text: some StringProtocol) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { atEnd ? nil : bytes[index] }

    /// OWS: spaces and horizontal tabs.
    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Consumes the token `lowercase` when the token at the cursor is it, ignoring ASCII case
    /// (units and parameter names are case-insensitive); no string is made.
    mutating func takeToken(caseInsensitive lowercase: StaticString) -> Bool {
        let end = index + lowercase.utf8CodeUnitCount
        guard end <= bytes.count, end == bytes.count || !Self.isTokenCharacter(bytes[end]) else { return false }
        let matches = lowercase.withUTF8Buffer { ASCIICase.equal(bytes[index..<end], $0) }
        if matches { index = end }
        return matches
    }

    /// A token (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2), or nil.
    mutating func token() -> String? {
        let start = index
        while let byte = current, Self.isTokenCharacter(byte) { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// A quoted-string, unescaped (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4), or nil.
    mutating func quotedString() -> String? {
        let start = index
        guard take(UInt8(ascii: "\"")) else { return nil }
        var value: [UInt8] = []
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current, Self.isQuotedPairCharacter(escaped) else {
                    index = start
                    return nil
                }
                value.append(escaped)
                index += 1
            default:
                guard Self.isQuotedTextCharacter(byte) else {
                    index = start
                    return nil
                }
                value.append(byte)
            }
        }
        index = start
        return nil
    }

    /// A token or a quoted-string.
    mutating func tokenOrQuotedString() -> String? {
        current == UInt8(ascii: "\"") ? quotedString() : token()
    }

    /// Between list elements: OWS, a comma, OWS, and any empty elements
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1). False when neither a comma nor
    /// the end follows.
    mutating func listSeparator() -> Bool {
        skipWhitespace()
        if atEnd { return true }
        guard take(UInt8(ascii: ",")) else { return false }
        while true {
            skipWhitespace()
            guard take(UInt8(ascii: ",")) else { return true }
        }
    }

    /// The elements of a `#rule` list (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1):
    /// `element` reads one at the cursor; an element it cannot read, or one not followed by a
    /// comma or the end, is skipped up to the next comma outside a quoted-string, and the rest
    /// still count.
    static func parseList<Element>(_ value: some StringProtocol, element: (inout HeaderScanner) -> Element?) -> [Element] {
        var scanner = HeaderScanner(value)
        var elements: [Element] = []
        scanner.skipEmptyElements()
        while !scanner.atEnd {
            if let parsed = element(&scanner), scanner.listSeparator() {
                elements.append(parsed)
            } else {
                scanner.skipElement()
            }
        }
        return elements
    }

    /// Skips a malformed element up to the next comma outside a quoted-string.
    mutating func skipElement() {
        var quoted = false
        while let byte = current {
            if byte == UInt8(ascii: "\\"), quoted {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ","), !quoted { break }
            index += 1
        }
        _ = listSeparator()
    }

    /// Leading empty list elements.
    mutating func skipEmptyElements() {
        while true {
            skipWhitespace()
            guard take(UInt8(ascii: ",")) else { return }
        }
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// qdtext: HTAB, SP, `!`, `#`-`[`, `]`-`~`, obs-text.
    static func isQuotedTextCharacter(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x20 || byte == 0x21 || (0x23...0x5B).contains(byte) || (0x5D...0x7E).contains(byte) || byte >= 0x80
    }

    /// What may follow a backslash: HTAB, SP, VCHAR, obs-text.
    static func isQuotedPairCharacter(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x20 || (0x21...0x7E).contains(byte) || byte >= 0x80
    }

    /// `value` as a token when it is one, else as a quoted-string.
    static func tokenOrQuoted(_ value: String) -> String {
        isToken(value) ? value : quoted(value)
    }

    /// `value` as a quoted-string, `"` and `\` escaped.
    static func quoted(_ value: String) -> String {
        // Scalars, not Characters: a backslash followed by a combining mark is one Character.
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.append("\\") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
    }
}
