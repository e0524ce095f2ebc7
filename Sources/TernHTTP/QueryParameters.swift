/// The name/value pairs of a request's query, decoded as HTML forms encode them
/// (`application/x-www-form-urlencoded`: `&`-separated, `+` for space, percent-encoding;
/// https://url.spec.whatwg.org/#urlencoded-parsing). Pairs keep their order; a name may repeat.
///
/// ```swift
/// let query = try request.queryParameters()
/// query["limit"]          // "20"
/// query.values("tag")     // ["a", "b"]
/// ```
public struct QueryParameters: Sendable, Hashable {
    /// One decoded `name=value` pair.
    public struct Pair: Sendable, Hashable {
        /// The decoded name.
        public let name: String
        /// The decoded value; empty for `name` without `=`.
        public let value: String
    }

    /// Every pair, in order.
    public let pairs: [Pair]

    /// Decodes `query` (without the `?`); nil when a `%` is not followed by two hex digits or
    /// a name or value is not UTF-8. Empty pieces (`a=1&&b=2`) are skipped.
    public init?(_ query: Substring?) {
        var pairs: [Pair] = []
        for piece in (query ?? "").split(separator: "&") {
            let equals = piece.utf8.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            let rawValue = equals == piece.endIndex ? Substring("") : piece[piece.utf8.index(after: equals)...]
            guard let name = PercentDecoding.decode(piece[..<equals], plusAsSpace: true),
                let value = PercentDecoding.decode(rawValue, plusAsSpace: true)
            else { return nil }
            pairs.append(Pair(name: name, value: value))
        }
        self.pairs = pairs
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }
}

extension Request {
    /// The query's parameters.
    /// - Throws: 400 when the query is not valid percent-encoded UTF-8.
    public func queryParameters() throws(HTTPError) -> QueryParameters {
        guard let parameters = QueryParameters(query) else {
            throw HTTPError(.badRequest, detail: "the query is not valid percent-encoded UTF-8")
        }
        return parameters
    }
}
