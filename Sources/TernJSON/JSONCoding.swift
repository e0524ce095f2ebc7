@_spi(Tern) import TernHTTP
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How Tern's JSON responders write and read JSON: sorted keys (so a body, and an ETag
/// hashed from it, is the same on every run and platform), no escaped slashes, and dates as
/// RFC 3339 in UTC (https://www.rfc-editor.org/rfc/rfc3339#section-5.6).
public enum JSONCoding {
    /// `value` as compact JSON text. Tern's own encoder: the same output as `encoder()` gives,
    /// at a fraction of its cost: it writes the text as the value encodes itself
    /// (`JSONTextEncoder`), or from a light tree when the value's encoding needs one (nested
    /// containers, super encoders), instead of going through Foundation's object graph.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        if let text = try JSONTextEncoder.text(of: value) { return text }
        var out = OutputBuffer(capacity: 256)
        try JSONTreeEncoder.write(value, to: &out)
        return out.array
    }

    /// JSON text in a canonical form, so two texts of the same JSON value compare equal: no
    /// white space, object members sorted by key (the last of a repeated key kept), numbers
    /// written as decimals without redundant digits (`1.50` → `1.5`, `1e2` → `100`).
    /// The bytes unchanged when they are not JSON. For `Idempotency`'s fingerprint.
    public static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        guard let tree = JSONTree(parsing: bytes) else { return bytes }
        var out: [UInt8] = []
        tree.canonical.write(to: &out)
        return out
    }

    /// `value`'s JSON form as a tree, for the renderers of other formats.
    static func tree(of value: some Encodable) throws -> JSONTree {
        try JSONTreeEncoder.tree(of: value)
    }

    /// Foundation's encoder, configured to match `encode(_:)`.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Foundation's decoder, reading dates as RFC 3339.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
