/// The `Cache-Control` field (https://www.rfc-editor.org/rfc/rfc9111#section-5.2): the request
/// and response directives of RFC 9111, and any others as extensions.
///
/// Parsing is lenient, as a cache's must be: a known directive with a malformed argument is
/// dropped, names are case-insensitive, and delta-seconds past 2^31 are 2147483648
/// (section 1.2.2). Serializing writes the directives in a fixed order.
///
/// ```swift
/// var cache = CacheControl()
/// cache.maxAge = 60
/// cache.noCache = []
/// cache.description   // "max-age=60, no-cache"
/// ```
public struct CacheControl: Sendable, Hashable, CustomStringConvertible {
    /// `max-stale` with or without a limit.
    public enum MaxStale: Sendable, Hashable {
        case any
        case seconds(Int)
    }

    /// A directive RFC 9111 does not define.
    public struct Extension: Sendable, Hashable {
        /// Lowercased.
        public let name: String
        /// The argument, unquoted; nil for a bare directive.
        public let value: String?

        /// A directive `name` with an optional argument.
        public init(name: String, value: String? = nil) {
            self.name = name.lowercased()
            self.value = value
        }
    }

    /// `max-age` in seconds (section 5.2.1.1, 5.2.2.1).
    public var maxAge: Int?
    /// `s-maxage` in seconds (section 5.2.2.10).
    public var sMaxAge: Int?
    /// `max-stale`, with or without a limit (section 5.2.1.2).
    public var maxStale: MaxStale?
    /// `min-fresh` in seconds (section 5.2.1.3).
    public var minFresh: Int?
    /// nil: absent; empty: `no-cache`; names: `no-cache="a, b"`.
    public var noCache: [String]?
    /// nil: absent; empty: `private`; names: `private="a, b"`.
    public var `private`: [String]?
    /// `no-store` (sections 5.2.1.5, 5.2.2.5).
    public var noStore = false
    /// `no-transform`: no intermediary may change the content, gzip included (5.2.1.6, 5.2.2.6).
    public var noTransform = false
    /// `only-if-cached` (section 5.2.1.7).
    public var onlyIfCached = false
    /// `must-revalidate` (section 5.2.2.2).
    public var mustRevalidate = false
    /// `must-understand` (section 5.2.2.3).
    public var mustUnderstand = false
    /// `proxy-revalidate` (section 5.2.2.8).
    public var proxyRevalidate = false
    /// `public` (section 5.2.2.9).
    public var `public` = false
    /// Directives this type does not model, in order (section 5.2.3).
    public var extensions: [Extension] = []

    /// No directives.
    public init() {}

    /// Parses the field's values (one per field line), combined as one list.
    public init(fieldValues: [String]) {
        self.init(fieldValues.joined(separator: ", "))
    }

    /// Parses one field value.
    public init(_ value: some StringProtocol) {
        let directives = HeaderScanner.parseList(value) { scanner -> (String, String?)? in
            guard let name = scanner.token() else { return nil }
            guard scanner.take(UInt8(ascii: "=")) else { return (name, nil) }
            guard let argument = scanner.tokenOrQuotedString() else { return nil }
            return (name, argument)
        }
        for (name, argument) in directives { apply(name.lowercased(), argument) }
    }

    private mutating func apply(_ name: String, _ argument: String?) {
        switch name {
        case "max-age": if let seconds = Self.deltaSeconds(argument) { maxAge = seconds }
        case "s-maxage": if let seconds = Self.deltaSeconds(argument) { sMaxAge = seconds }
        case "min-fresh": if let seconds = Self.deltaSeconds(argument) { minFresh = seconds }
        case "max-stale":
            if argument == nil {
                maxStale = .any
            } else if let seconds = Self.deltaSeconds(argument) {
                maxStale = .seconds(seconds)
            }
        case "no-cache": noCache = Self.fieldNames(argument)
        case "private": `private` = Self.fieldNames(argument)
        case "no-store": noStore = true
        case "no-transform": noTransform = true
        case "only-if-cached": onlyIfCached = true
        case "must-revalidate": mustRevalidate = true
        case "must-understand": mustUnderstand = true
        case "proxy-revalidate": proxyRevalidate = true
        case "public": `public` = true
        default: extensions.append(Extension(name: name, value: argument))
        }
    }

    /// The directives joined with `, `, in a fixed order, extensions last.
    public var description: String {
        var parts: [String] = []
        if `public` { parts.append("public") }
        if let names = `private` { parts.append(Self.directive("private", names)) }
        if let names = noCache { parts.append(Self.directive("no-cache", names)) }
        if noStore { parts.append("no-store") }
        if let maxAge { parts.append("max-age=\(maxAge)") }
        if let sMaxAge { parts.append("s-maxage=\(sMaxAge)") }
        switch maxStale {
        case .any: parts.append("max-stale")
        case .seconds(let seconds): parts.append("max-stale=\(seconds)")
        case nil: break
        }
        if let minFresh { parts.append("min-fresh=\(minFresh)") }
        if mustRevalidate { parts.append("must-revalidate") }
        if proxyRevalidate { parts.append("proxy-revalidate") }
        if mustUnderstand { parts.append("must-understand") }
        if noTransform { parts.append("no-transform") }
        if onlyIfCached { parts.append("only-if-cached") }
        for item in extensions {
            parts.append(item.value.map { "\(item.name)=\(HeaderScanner.tokenOrQuoted($0))" } ?? item.name)
        }
        return parts.joined(separator: ", ")
    }

    /// delta-seconds = 1*DIGIT, capped at 2147483648 (RFC 9111 section 1.2.2).
    private static func deltaSeconds(_ argument: String?) -> Int? {
        guard let argument, !argument.isEmpty, argument.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        let significant = argument.drop { $0 == "0" }
        if significant.count > 10 { return 2_147_483_648 }
        return min(Int(significant) ?? 0, 2_147_483_648)
    }

    private static func fieldNames(_ argument: String?) -> [String] {
        guard let argument else { return [] }
        return argument.commaSeparatedElements().map { $0.lowercased() }
    }

    private static func directive(_ name: String, _ fields: [String]) -> String {
        fields.isEmpty ? name : "\(name)=\(HeaderScanner.quoted(fields.joined(separator: ", ")))"
    }
}
