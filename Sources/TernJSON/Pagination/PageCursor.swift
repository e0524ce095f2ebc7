#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import TernHTTP

/// An opaque pagination cursor: a position in a collection (what the store needs to resume,
/// e.g. the last id served) wrapped so clients treat it as a token. The text is base64url
/// (RFC 4648 section 5, no padding) of a version, the position and a checksum, so an edited,
/// truncated or made-up cursor is refused with 400 instead of being misread.
///
/// The checksum guards against mistakes, not against forgery: a position is not a secret
/// (anyone can reach any page by following `next` links), so it is not a MAC.
public struct PageCursor: Sendable, Hashable {
    /// Where the next page starts, in the store's terms.
    public let position: String

    /// A cursor for `position`.
    public init(position: String) {
        self.position = position
    }

    /// The cursor as it goes into a URL or a body.
    public var encoded: String {
        let payload = Self.version + position
        let bytes = Array(payload.utf8) + Self.checksum(payload)
        // base64url without padding (RFC 4648 section 5).
        let base64 = Data(bytes).base64EncodedString().utf8.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            case UInt8(ascii: "="): nil
            default: byte
            }
        }
        return String(decoding: base64, as: UTF8.self)
    }

    /// Decodes a cursor a client sent back.
    /// - Throws: 400 when it is not one this type produced.
    public init(decoding text: String) throws(HTTPError) {
        let invalid = HTTPError(.badRequest, detail: "the cursor is not valid; use the next_cursor of a previous page")
        guard !text.isEmpty, text.utf8.count <= 1024,
            text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { throw invalid }
        var base64 = String(decoding: text.utf8.map { byte in
            byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
        }, as: UTF8.self)
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), data.count > 8 else { throw invalid }
        let bytes = Array(data)
        guard let payload = String(validating: bytes[..<(bytes.count - 8)], as: UTF8.self),
            Array(bytes[(bytes.count - 8)...]) == Self.checksum(payload), payload.hasPrefix(Self.version)
        else { throw invalid }
        position = String(payload.dropFirst(Self.version.count))
        // Base64 ignores the spare low bits of the last character; only the canonical text counts.
        guard encoded == text else { throw invalid }
    }

    private static let version = "1:"

    /// FNV-1a, 64 bits, big-endian.
    private static func checksum(_ payload: String) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("tern-cursor|" + payload).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) }
    }
}
