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
        let attrChars = Set("!#$&+-.^_`|~".utf8).union(UInt8(ascii: "0")...UInt8(ascii: "9"))
            .union(UInt8(ascii: "a")...UInt8(ascii: "z")).union(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            if attrChars.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
