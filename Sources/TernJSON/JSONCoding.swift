public import Foundation

/// The encoder and decoder Tern's JSON responders use: sorted keys (so a body, and an ETag
/// hashed from it, is the same on every run and platform), no escaped slashes, and dates as
/// RFC 3339 in UTC (https://www.rfc-editor.org/rfc/rfc3339#section-5.6).
public enum JSONCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
