import HTTPTypes
public import TernHTTP

/// Answers conditional GET and HEAD requests from the validators of the response the route
/// produced (https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2): 304 Not Modified with
/// the fields RFC 9110 section 15.4.5 keeps and no body, or 412 Precondition Failed.
///
/// The route declares its validators as `ETag` and `Last-Modified` fields; with
/// `hashingBodies`, a 2xx response held in memory without an `ETag` gets a strong one hashed
/// from its bytes. Only 2xx responses other than 206 are considered (section 13.2.1: other
/// statuses ignore preconditions; ranged responders evaluate their own). Unsafe methods pass
/// through: a handler that changes state must check `If-Match` itself, inside the change, so
/// that check and write are atomic (`Preconditions.evaluate`).
///
/// The handler still runs for a request that ends in 304; it saves the bytes on the wire, and
/// a route that can tell its validators cheaply should answer 304 itself.
/// ```swift
/// router.use(ConditionalGET())
/// router.get("/report") { _, _ in Response(status: .ok, headerFields: [.eTag: tag.description], body: ...) }
/// ```
public struct ConditionalGET: SynchronousMiddleware {
    /// Whether a buffered 2xx body without an `ETag` gets one hashed from its bytes.
    public let hashingBodies: Bool

    /// Conditional GET for routes that declare validators (or, with `hashingBodies`, for every buffered body).
    public init(hashingBodies: Bool = false) {
        self.hashingBodies = hashingBodies
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
    {
        var response = try outcome.get()
        guard request.method == .get || request.method == .head else { return response }
        let status = response.statusCode
        guard (200..<300).contains(status), status != 206 else { return response }
        let declared = response.headerFields.value(of: .eTag)
        var tag: EntityTag?
        if declared == nil, hashingBodies, let bytes = response.body.bufferedBytes {
            let hashed = EntityTag.strong(forContent: bytes)
            response.headerFields[.eTag] = hashed.description
            tag = hashed
        }
        // No conditional field: nothing to evaluate (the common case, so nothing is parsed).
        guard Self.hasPreconditions(request.headerFields) else { return response }
        if let declared { tag = EntityTag(parsing: declared) }
        let lastModified = response.headerFields.value(of: .lastModified).flatMap { HTTPDate($0) }
        guard tag != nil || lastModified != nil else { return response }
        switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: lastModified) {
        case .notModified:
            return Response.notModified(from: response.headerFields)
        case .preconditionFailed:
            let failed = HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current representation")
            return Response(rendering: failed, for: request, context: context)
        case .proceed, .proceedIgnoringRange:
            return response
        }
    }

    /// Whether the request has `If-Match`, `If-None-Match`, `If-Modified-Since` or
    /// `If-Unmodified-Since`: one pass over its fields, most of which begin with another letter.
    static func hasPreconditions(_ fields: HTTPFields) -> Bool {
        fields.contains { field in
            let name = field.name.canonicalName
            guard name.utf8.first == UInt8(ascii: "i") else { return false }
            switch name {
            case "if-match", "if-none-match", "if-modified-since", "if-unmodified-since": return true
            default: return false
            }
        }
    }
}
