import TernHTTP

/// `Content-Disposition` values (https://www.rfc-editor.org/rfc/rfc6266#section-4): the
/// name as a quoted ASCII `filename` (other characters replaced by `_`), and, when it is not
/// plain ASCII, also as `filename*` in UTF-8 with percent-encoding (RFC 8187).
enum ContentDisposition {
    static func value(_ disposition: FileResponder.Disposition, fileName: String) -> String {
        let type = disposition == .attachment ? "attachment" : "inline"
        let ascii = String(fileName.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        var value = "\(type); filename=\"\(ascii)\""
        if ascii != fileName {
            value += "; filename*=UTF-8''" + percentEncoded(fileName)
        }
        return value
    }

    /// RFC 8187 `value-chars`: attr-char kept, every other byte as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        PercentEncoding.encoded(text) { PercentEncoding.isUnreserved($0) || attrPunctuation.contains($0) }
    }

    /// The attr-chars that are not RFC 3986 unreserved.
    private static let attrPunctuation = Set("!#$&+^`|".utf8)
}
