/// The `Accept-Encoding` field: content codings with weights
/// (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3).
///
/// Codings are case-insensitive (`x-gzip` is `gzip`, section 8.4.1.3). `identity` is
/// acceptable unless excluded by `identity;q=0`, or by `*;q=0` without an `identity` entry;
/// an empty field value means identity only.
///
/// ```swift
/// AcceptEncoding("gzip;q=0.8, br").bestMatch(in: ["gzip", "identity"])   // "gzip"
/// ```
public struct AcceptEncoding: Sendable, Hashable, CustomStringConvertible {
    /// One content coding with its weight.
    public struct Element: Sendable, Hashable {
        /// Lowercased; `*` for any coding.
        public let coding: String
        /// The weight, `q` (section 12.4.2).
        public let quality: QualityValue

        /// A coding with its weight.
        public init(coding: String, quality: QualityValue = .one) {
            let lowered = coding.lowercased()
            self.coding = lowered == "x-gzip" ? "gzip" : lowered
            self.quality = quality
        }
    }

    /// The codings, in the order sent.
    public let elements: [Element]

    /// A field of these elements.
    public init(elements: [Element]) {
        self.elements = elements
    }

    /// Parses one field value; malformed elements are dropped.
    public init(_ value: some StringProtocol) {
        elements = HeaderScanner.parseList(value) { scanner in
            guard let coding = scanner.token(), let quality = QualityValue.scanWeight(&scanner) else { return nil }
            return Element(coding: coding, quality: quality)
        }
    }

    /// The request's `Accept-Encoding`, or nil when it has none (any coding is acceptable,
    /// though identity is the safe choice).
    public init?(fieldValues: [String]) {
        guard !fieldValues.isEmpty else { return nil }
        self.init(fieldValues.joined(separator: ", "))
    }

    public var description: String {
        elements.map { $0.quality == .one ? $0.coding : "\($0.coding);q=\($0.quality)" }.joined(separator: ", ")
    }

    /// The weight of `coding` (lowercase): its own entry, else `*`'s, else 1 for identity and
    /// 0 for anything else.
    public func quality(of coding: String) -> QualityValue {
        let coding = coding.lowercased() == "x-gzip" ? "gzip" : coding.lowercased()
        if let own = elements.first(where: { $0.coding == coding }) { return own.quality }
        if let any = elements.first(where: { $0.coding == "*" }) { return any.quality }
        return coding == "identity" ? .one : .zero
    }

    /// The acceptable coding of highest quality among `available` (server preference first
    /// among equals); nil when none is, identity included: answer 406 or send identity anyway.
    public func bestMatch(in available: [String]) -> String? {
        QualityValue.best(of: available, quality: quality(of:))
    }
}
