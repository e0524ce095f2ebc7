#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
public import TernHTTP

/// gzip for responses that gain from it (https://www.rfc-editor.org/rfc/rfc9110#section-8.4):
/// a body held in memory of at least `minimumLength` bytes, in a compressible type, to a
/// request whose `Accept-Encoding` allows `gzip` (q-values honoured, `identity;q=0` too).
///
/// - Never for 206 (the ranges are of the identity bytes), 304 or other bodiless answers,
///   HEAD, a response that already has a `Content-Encoding`, or one marked
///   `Cache-Control: no-transform`.
/// - The compressed response gets `Content-Encoding: gzip` and a distinct ETag (`"x"` →
///   `"x-gzip"`, section 8.8.3: a strong tag is per representation). Every response of a
///   compressible type gets `Vary: Accept-Encoding`, compressed or not, and so does every
///   304 (it has no type to judge by, and must vary as its 200 does).
///
/// Register it inside `ConditionalGET`, so a client holding the gzip variant's tag gets 304.
public struct Compression: SynchronousMiddleware {
    /// Bodies shorter than this are sent as they are.
    public let minimumLength: Int
    /// zlib's level: 1 fastest … 9 smallest.
    public let level: Int32

    /// gzip for bodies of at least `minimumLength` bytes at `level`.
    public init(minimumLength: Int = 1024, level: Int32 = 6) {
        self.minimumLength = minimumLength
        self.level = level
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
    {
        var response = try outcome.get()
        let status = response.statusCode
        if status == 304 {
            // A 304 has no Content-Type to judge by, yet must carry the Vary its 200 would
            // (RFC 9110 section 15.4.5): say it varies, as the 200 of a compressible type does.
            response.headerFields.appendVary("Accept-Encoding")
            return response
        }
        guard let type = response.headerFields.value(of: .contentType), Self.isCompressible(type) else { return response }
        response.headerFields.appendVary("Accept-Encoding")
        // The body's size first: most API responses are too small, and it costs no scan of the fields.
        guard let bytes = response.body.bufferedBytes, bytes.count >= minimumLength,
            request.method != .head, (200..<300).contains(status), status != 206, status != 204,
            !response.headerFields.contains(.contentEncoding),
            !(response.headerFields.value(of: .cacheControl).map { CacheControl($0).noTransform } ?? false),
            let accepted = AcceptEncoding(fieldValues: request.headerFields[values: .acceptEncoding]),
            accepted.bestMatch(in: ["gzip", "identity"]) == "gzip",
            let compressed = Gzip.compress(bytes, level: level), compressed.count < bytes.count
        else { return response }
        response.headerFields[.contentEncoding] = "gzip"
        if let value = response.headerFields.value(of: .eTag), let tag = EntityTag(parsing: value) {
            response.headerFields[.eTag] = EntityTag(tag.opaqueTag + "-gzip", weak: tag.isWeak).description
        }
        response.body = .bytes(compressed)
        return response
    }

    /// Whether `text`'s bytes begin with `prefix`'s.
    private static func starts(_ text: String, with prefix: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count >= prefix.utf8CodeUnitCount && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        }
    }

    /// Text, JSON, XML, JavaScript, SVG, CSV and their `+json`/`+xml` kin; never images,
    /// archives or anything already compressed.
    static func isCompressible(_ contentType: String) -> Bool {
        // The common answers without parsing, comparing bytes (`hasPrefix` compares Unicode text).
        if starts(contentType, with: "application/json") || starts(contentType, with: "text/") { return true }
        if starts(contentType, with: "image/") && !starts(contentType, with: "image/svg") || starts(contentType, with: "application/octet-stream") {
            return false
        }
        guard let type = MediaType(contentType) else { return false }
        switch type.type {
        case "text": return true
        case "application":
            return ["json", "xml", "javascript", "ecmascript", "x-javascript", "yaml", "x-ndjson", "graphql"].contains(type.subtype)
                || type.subtype.hasSuffix("+json") || type.subtype.hasSuffix("+xml")
        case "image": return type.subtype == "svg+xml"
        default: return false
        }
    }
}
