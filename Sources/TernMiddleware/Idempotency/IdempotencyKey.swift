/// The value of an `Idempotency-Key` field (draft-ietf-httpapi-idempotency-key-header-07
/// section 2.1): 1 to 255 visible ASCII characters, sent either bare (`a1b2-c3`, as most
/// clients do) or as the draft's sf-string (`"a1b2-c3"`, RFC 9651 section 3.3.3, with `\"`
/// and `\\` escapes). Both forms of the same characters are the same key.
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    /// The key's characters, unquoted.
    public let value: String

    /// The longest key accepted.
    public static let maxLength = 255

    /// Parses the field's value; nil when it is neither form, empty, or too long.
    public init?(fieldValue: String) {
        let bytes = Array(fieldValue.utf8)
        var characters: [UInt8]
        if bytes.first == UInt8(ascii: "\"") {
            guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return nil }
            characters = []
            var index = 1
            while index < bytes.count - 1 {
                var byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count - 1, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") else { return nil }
                    byte = bytes[index]
                } else if byte == UInt8(ascii: "\"") {
                    return nil
                }
                guard (0x20...0x7E).contains(byte) else { return nil }
                characters.append(byte)
                index += 1
            }
        } else {
            characters = bytes
        }
        guard (1...Self.maxLength).contains(characters.count), characters.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        value = String(decoding: characters, as: UTF8.self)
    }

    public var description: String { value }
}
