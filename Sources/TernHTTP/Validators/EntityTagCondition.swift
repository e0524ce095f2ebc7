/// The value of `If-Match` or `If-None-Match`: `*`, or a list of entity tags
/// (https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1).
///
/// A value that is not valid syntax parses as an empty list, which matches nothing: an
/// `If-Match` that cannot be understood fails (nothing is changed on a guess), an
/// `If-None-Match` that cannot be understood passes.
public enum EntityTagCondition: Sendable, Hashable, CustomStringConvertible {
    /// `*`: any current representation.
    case any
    /// The tags listed, in order.
    case tags([EntityTag])

    /// Parses the field's values (one per field line), combined as one list.
    public init(fieldValues: [String]) {
        var scanner = HeaderScanner(fieldValues.count == 1 ? fieldValues[0] : fieldValues.joined(separator: ", "))
        scanner.skipEmptyElements()
        if scanner.take(UInt8(ascii: "*")) {
            self = scanner.listSeparator() && scanner.atEnd ? .any : .tags([])
            return
        }
        var tags: [EntityTag] = []
        while !scanner.atEnd {
            guard let tag = EntityTag.scan(&scanner), scanner.listSeparator() else {
                self = .tags([])
                return
            }
            tags.append(tag)
        }
        self = .tags(tags)
    }

    /// Whether the field's values hold no list element at all: empty, or only commas and
    /// white space (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1.2). Such a field
    /// states no condition and is treated as absent, as Go's net/http treats it.
    public static func isEmptyList(_ fieldValues: [String]) -> Bool {
        fieldValues.allSatisfy { value in
            var scanner = HeaderScanner(value)
            scanner.skipEmptyElements()
            return scanner.atEnd
        }
    }

    /// `*` or the tags joined with `, `.
    public var description: String {
        switch self {
        case .any: "*"
        case .tags(let tags): tags.map(\.description).joined(separator: ", ")
        }
    }

    /// Whether `current` (nil: no current representation) matches, by strong comparison
    /// (`If-Match`, RFC 9110 section 13.1.1) or weak comparison (`If-None-Match`, section 13.1.2).
    public func matches(_ current: EntityTag?, strongly: Bool) -> Bool {
        guard let current else { return false }
        switch self {
        case .any:
            return true
        case .tags(let tags):
            return tags.contains { strongly ? $0.matchesStrongly(current) : $0.matchesWeakly(current) }
        }
    }
}
