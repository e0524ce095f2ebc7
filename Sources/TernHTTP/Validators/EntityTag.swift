#if canImport(Glibc)
import Glibc
#endif

/// An entity tag: an opaque validator of a representation, strong or weak
/// (https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3).
///
/// ```swift
/// let tag = EntityTag("xyzzy")                  // "xyzzy"
/// EntityTag(parsing: #"W/"xyzzy""#)?.isWeak     // true
/// tag.matchesWeakly(EntityTag("xyzzy", weak: true))   // true
/// tag.matchesStrongly(EntityTag("xyzzy", weak: true)) // false
/// ```
public struct EntityTag: Sendable, Hashable, CustomStringConvertible {
    /// The characters between the quotes.
    public let opaqueTag: String
    /// `W/`: the representation is only semantically equivalent between equal tags.
    public let isWeak: Bool

    /// A tag with `opaqueTag` between its quotes.
    /// - Precondition: every byte is an etagc (`!`, `#`-`~`, or obs-text): no `"`, no
    ///   space, no control character.
    public init(_ opaqueTag: String, weak: Bool = false) {
        precondition(EntityTag.isValidOpaqueTag(opaqueTag), "an entity tag holds etagc characters only")
        self.opaqueTag = opaqueTag
        self.isWeak = weak
    }

    /// Parses one `entity-tag`: `"..."` or `W/"..."`, nothing around it.
    public init?(parsing text: some StringProtocol) {
        var scanner = HeaderScanner(text)
        guard let tag = EntityTag.scan(&scanner), scanner.atEnd else { return nil }
        self = tag
    }

    /// `"opaque"` or `W/"opaque"`.
    public var description: String {
        // Written into the string's one allocation: this runs for every ETag a response carries.
        var opaque = opaqueTag
        let prefix = isWeak ? 3 : 1
        return opaque.withUTF8 { tag in
            String(unsafeUninitializedCapacity: tag.count + prefix + 1) { text in
                if isWeak {
                    text[0] = UInt8(ascii: "W")
                    text[1] = UInt8(ascii: "/")
                }
                text[prefix - 1] = UInt8(ascii: "\"")
                _ = UnsafeMutableBufferPointer(rebasing: text[prefix...]).initialize(from: tag)
                text[prefix + tag.count] = UInt8(ascii: "\"")
                return tag.count + prefix + 1
            }
        }
    }

    /// Whether `text` is this tag's opaque part in quotes, strong or weak (`"x"` or `W/"x"`):
    /// a weak match (RFC 9110 section 8.8.3.2) found without parsing.
    func isSpelled(by text: String) -> Bool {
        var text = text
        var opaque = opaqueTag
        return text.withUTF8 { text in
            opaque.withUTF8 { opaque in
                let start = text.count >= 2 && text[0] == UInt8(ascii: "W") && text[1] == UInt8(ascii: "/") ? 2 : 0
                guard text.count - start == opaque.count + 2, text[start] == UInt8(ascii: "\""),
                    text[text.count - 1] == UInt8(ascii: "\"")
                else { return false }
                return opaque.isEmpty || memcmp(text.baseAddress! + start + 1, opaque.baseAddress!, opaque.count) == 0
            }
        }
    }

    /// Strong comparison: both strong and the same characters (RFC 9110 section 8.8.3.2).
    public func matchesStrongly(_ other: EntityTag) -> Bool {
        !isWeak && !other.isWeak && opaqueTag == other.opaqueTag
    }

    /// Weak comparison: the same characters, either or both weak (RFC 9110 section 8.8.3.2).
    public func matchesWeakly(_ other: EntityTag) -> Bool {
        opaqueTag == other.opaqueTag
    }

    static func scan(_ scanner: inout HeaderScanner) -> EntityTag? {
        let start = scanner.index
        let weak = scanner.take(UInt8(ascii: "W"))
        if weak, !scanner.take(UInt8(ascii: "/")) {
            scanner.index = start
            return nil
        }
        guard scanner.take(UInt8(ascii: "\"")) else {
            scanner.index = start
            return nil
        }
        let open = scanner.index
        while let byte = scanner.current, isEntityTagCharacter(byte) { scanner.index += 1 }
        let close = scanner.index
        guard scanner.take(UInt8(ascii: "\"")) else {
            scanner.index = start
            return nil
        }
        return EntityTag(uncheckedOpaqueTag: String(decoding: scanner.bytes[open..<close], as: UTF8.self), weak: weak)
    }

    init(uncheckedOpaqueTag: String, weak: Bool) {
        self.opaqueTag = uncheckedOpaqueTag
        self.isWeak = weak
    }

    /// etagc = `!` / `#`-`~` / obs-text.
    static func isEntityTagCharacter(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x7E).contains(byte) || byte >= 0x80
    }

    /// Whether every byte of `text` is an etagc (`!`, `#`-`~`, obs-text).
    public static func isValidOpaqueTag(_ text: String) -> Bool {
        // Over the contiguous bytes: a tag is checked each time one is made, often per request.
        var text = text
        return text.withUTF8 { $0.allSatisfy(isEntityTagCharacter) }
    }
}
