public import HTTPTypes
public import TernHTTP

/// Cross-origin resource sharing (https://fetch.spec.whatwg.org/#http-cors-protocol) for
/// browsers on other origins.
///
/// - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an
///   allowed origin is answered here, 204, without reaching a handler:
///   `Access-Control-Allow-Origin` (the origin itself), `-Allow-Methods`, `-Allow-Headers`
///   (the requested ones that are allowed), `-Max-Age`, and `-Allow-Credentials` when
///   configured. A preflight from another origin gets 204 without them: the browser refuses.
/// - Other requests from an allowed origin get `Access-Control-Allow-Origin` and
///   `Access-Control-Expose-Headers`; every response that depends on `Origin` says
///   `Vary: Origin`.
///
/// ```swift
/// router.use(CORS(allowedOrigin: { $0 == "https://app.example" }))
/// ```
public struct CORS: SynchronousMiddleware {
    /// Whether a page from this origin (`scheme://host[:port]`) may call the API.
    public let allowedOrigin: @Sendable (String) -> Bool
    /// Methods a preflight may be granted.
    public let allowedMethods: [HTTPRequest.Method]
    /// Request headers a page may send (lowercased); simple headers need no listing.
    public let allowedHeaders: Set<String>
    /// Response headers a page may read beyond the CORS-safelisted ones.
    public let exposedHeaders: [String]
    /// How long a browser may cache a preflight's answer, in seconds.
    public let maxAgeSeconds: Int
    /// Whether pages may send cookies and credentials.
    public let allowCredentials: Bool

    /// `Origin` (RFC 6454).
    public static let origin = HTTPField.Name("Origin")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!
    static let allowCredentialsField = HTTPField.Name("Access-Control-Allow-Credentials")!
    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let requestHeaders = HTTPField.Name("Access-Control-Request-Headers")!

    /// CORS for origins `allowedOrigin` accepts, with the given grants.
    public init(
        allowedOrigin: @escaping @Sendable (String) -> Bool,
        allowedMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete],
        allowedHeaders: Set<String> = ["authorization", "content-type", "idempotency-key", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range", "range", "x-request-id"],
        exposedHeaders: [String] = ["ETag", "Location", "Link", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-Id", "Idempotent-Replayed", "Content-Range", "Accept-Ranges"],
        maxAgeSeconds: Int = 600, allowCredentials: Bool = false
    ) {
        self.allowedOrigin = allowedOrigin
        self.allowedMethods = allowedMethods
        self.allowedHeaders = Set(allowedHeaders.map { $0.lowercased() })
        self.exposedHeaders = exposedHeaders
        self.maxAgeSeconds = maxAgeSeconds
        self.allowCredentials = allowCredentials
    }

    /// `http://localhost[:port]` and `http://127.0.0.1[:port]`, for development.
    public static func isLocalhost(_ origin: String) -> Bool {
        for prefix in ["http://localhost", "http://127.0.0.1", "http://[::1]"] where origin.hasPrefix(prefix) {
            let rest = origin.dropFirst(prefix.count)
            return rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isNumber) && rest.count > 1)
        }
        return false
    }

    /// Answers a preflight request (`OPTIONS` with `Access-Control-Request-Method`) from an
    /// origin itself: nothing after it runs.
    public func begin(_ request: Request, context: inout RequestContext) -> Response? {
        guard request.method == .options, let origin = request.headerFields[Self.origin],
            let method = request.headerFields[Self.requestMethod]
        else { return nil }
        var fields: HTTPFields = [.vary: "Origin"]
        if allowedOrigin(origin), allowedMethods.contains(where: { $0.rawValue == method }) {
            fields[Self.allowOrigin] = origin
            fields[Self.allowMethods] = allowedMethods.map(\.rawValue).joined(separator: ", ")
            let requested = (request.headerFields.value(of: Self.requestHeaders) ?? "").commaSeparatedElements().map { $0.lowercased() }
            let granted = requested.filter(allowedHeaders.contains)
            if !granted.isEmpty { fields[Self.allowHeaders] = granted.joined(separator: ", ") }
            fields[Self.maxAge] = String(maxAgeSeconds)
            if allowCredentials { fields[Self.allowCredentialsField] = "true" }
        }
        return Response(status: .noContent, headerFields: fields)
    }

    /// Adds `Vary: Origin` and, for an allowed origin, the CORS fields to the response of a
    /// request that names its origin (errors rendered, so they carry them too).
    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
    {
        guard let origin = request.headerFields[Self.origin] else { return try outcome.get() }
        var response = outcome.rendered(for: request, context: context)
        response.headerFields.appendVary("Origin")
        if allowedOrigin(origin) {
            response.headerFields[Self.allowOrigin] = origin
            if !exposedHeaders.isEmpty { response.headerFields[Self.exposeHeaders] = exposedHeaders.joined(separator: ", ") }
            if allowCredentials { response.headerFields[Self.allowCredentialsField] = "true" }
        }
        return response
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
