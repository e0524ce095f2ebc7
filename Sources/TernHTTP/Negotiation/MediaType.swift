/// A media type or media range: `type/subtype` and parameters
/// (https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1).
///
/// Type, subtype and parameter names are case-insensitive and kept lowercased; parameter
/// values are case-sensitive, except `charset`'s (section 8.3.2), which is lowercased.
/// `*/*` and `type/*` are media ranges, for `Accept`.
///
/// ```swift
/// MediaType("Text/HTML; Charset=UTF-8")   // text/html;charset=utf-8
/// ```
public struct MediaType: Sendable, Hashable, CustomStringConvertible {
    /// The top-level type, lowercased (`text`, or `*` in a range).
    public let type: String
    /// The subtype, lowercased (`html`, or `*` in a range).
    public let subtype: String
    /// Name and value pairs in order, names lowercased.
    public let parameters: [Parameter]

    /// One `name=value` parameter.
    public struct Parameter: Sendable, Hashable {
        /// The name, lowercased.
        public let name: String
        /// The value, unquoted; lowercased for `charset`.
        public let value: String

        /// A parameter; `name` is lowercased, and `value` too for `charset`.
        public init(name: String, value: String) {
            self.name = name.lowercased()
            self.value = self.name == "charset" ? value.lowercased() : value
        }
    }

    /// - Precondition: `type` and `subtype` are tokens, or `*` (`*/*`, `type/*`); parameter
    ///   names are tokens.
    public init(type: String, subtype: String, parameters: [Parameter] = []) {
        precondition(HeaderScanner.isToken(type) && HeaderScanner.isToken(subtype), "a media type is token/token")
        precondition(type != "*" || subtype == "*", "a media range with a wildcard type has a wildcard subtype")
        precondition(parameters.allSatisfy { HeaderScanner.isToken($0.name) }, "parameter names are tokens")
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// Parses `type/subtype *( OWS ";" OWS name=value )`; nil when it is not exactly that.
    public init?(_ text: some StringProtocol) {
        var scanner = HeaderScanner(text)
        scanner.skipWhitespace()
        guard let parsed = Self.scan(&scanner, isRange: false) else { return nil }
        scanner.skipWhitespace()
        guard scanner.atEnd else { return nil }
        self = parsed
    }

    /// `type/subtype;name=value` with values quoted where they are not tokens.
    public var description: String {
        "\(type)/\(subtype)" + parameters.map { ";\($0.name)=\(HeaderScanner.tokenOrQuoted($0.value))" }.joined()
    }

    /// The same type without parameters.
    public var withoutParameters: MediaType {
        MediaType(type: type, subtype: subtype)
    }

    /// Whether this media range covers `other`: the same or a wildcard type and subtype, and
    /// every parameter of the range present in `other` with the same value.
    public func covers(_ other: MediaType) -> Bool {
        (type == "*" || type == other.type) && (subtype == "*" || subtype == other.subtype)
            && parameters.allSatisfy { other.parameters.contains($0) }
    }

    /// How specific a media range is (section 12.5.1): `*/*` < `type/*` < `type/subtype` <
    /// `type/subtype;parameters`.
    var specificity: Int {
        if type == "*" { return 0 }
        if subtype == "*" { return 1 }
        return 2 + parameters.count
    }

    /// Scans a media type (or, for `Accept`, a range), stopping before a `q` parameter when
    /// `isRange`, which is left for the caller.
    static func scan(_ scanner: inout HeaderScanner, isRange: Bool) -> MediaType? {
        guard let type = scanner.token(), scanner.take(UInt8(ascii: "/")), let subtype = scanner.token() else { return nil }
        if !isRange, type == "*" || subtype == "*" { return nil }
        if type == "*", subtype != "*" { return nil }
        var parameters: [Parameter] = []
        while true {
            let before = scanner.index
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ";")) else {
                scanner.index = before
                break
            }
            scanner.skipWhitespace()
            guard let name = scanner.token() else { return nil }
            if isRange, name.lowercased() == "q" {
                scanner.index = before
                break
            }
            guard scanner.take(UInt8(ascii: "=")), let value = scanner.tokenOrQuotedString() else { return nil }
            parameters.append(Parameter(name: name, value: value))
        }
        return MediaType(uncheckedType: type.lowercased(), subtype: subtype.lowercased(), parameters: parameters)
    }

    private init(uncheckedType type: String, subtype: String, parameters: [Parameter]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }
}
