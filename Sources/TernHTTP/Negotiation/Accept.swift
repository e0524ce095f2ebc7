/// The `Accept` field: media ranges with weights (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1).
///
/// Malformed elements are dropped; the rest still count. A type's quality is the weight of
/// the most specific range that covers it (parameters count; equal specificity: the first);
/// `q=0` makes a type unacceptable.
///
/// ```swift
/// let accept = Accept("application/xml;q=0.9, */*;q=0.1")
/// accept.bestMatch(in: [.json, .xml])   // application/xml
/// ```
public struct Accept: Sendable, Hashable, CustomStringConvertible {
    /// One media range with its weight.
    public struct Element: Sendable, Hashable {
        /// `type/subtype`, `type/*` or `*/*`, with parameters.
        public let range: MediaType
        /// The weight, `q` (section 12.4.2).
        public let quality: QualityValue

        /// A range with its weight.
        public init(range: MediaType, quality: QualityValue = .one) {
            self.range = range
            self.quality = quality
        }
    }

    /// The ranges, in the order sent.
    public let elements: [Element]

    /// A field of these elements.
    public init(elements: [Element]) {
        self.elements = elements
    }

    /// Parses one field value (join several field lines with `, ` first).
    public init(_ value: some StringProtocol) {
        elements = HeaderScanner.parseList(value) { scanner in
            guard let range = MediaType.scan(&scanner, isRange: true), let quality = QualityValue.scanWeight(&scanner) else { return nil }
            return Element(range: range, quality: quality)
        }
    }

    /// The request's `Accept`, or nil when it has none or names no media range in it (an
    /// empty value, only commas, only malformed elements): then any type is acceptable, as
    /// when the field is absent (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1).
    public init?(fieldValues: [String]) {
        guard !fieldValues.isEmpty else { return nil }
        self.init(fieldValues.joined(separator: ", "))
        if elements.isEmpty { return nil }
    }

    /// Elements joined with `, `, weights other than 1 written out.
    public var description: String {
        elements.map { element in
            element.quality == .one ? element.range.description : "\(element.range);q=\(element.quality)"
        }.joined(separator: ", ")
    }

    /// The weight `type` gets: that of the most specific range covering it, 0 when none does.
    public func quality(of type: MediaType) -> QualityValue {
        var best: Element?
        for element in elements where element.range.covers(type) {
            if best == nil || element.range.specificity > best!.range.specificity { best = element }
        }
        return best?.quality ?? .zero
    }

    /// The acceptable type of highest quality among `available`; among equals, the one listed
    /// first (the server's preference). Nil when none is acceptable: answer 406.
    public func bestMatch(in available: [MediaType]) -> MediaType? {
        QualityValue.best(of: available, quality: quality(of:))
    }
}

extension MediaType {
    /// `application/json`.
    public static let json = MediaType(type: "application", subtype: "json")
    /// `application/xml`.
    public static let xml = MediaType(type: "application", subtype: "xml")
    /// `text/csv` (RFC 4180).
    public static let csv = MediaType(type: "text", subtype: "csv")
    /// `text/plain`.
    public static let plainText = MediaType(type: "text", subtype: "plain")
    /// `text/html`.
    public static let html = MediaType(type: "text", subtype: "html")
}
