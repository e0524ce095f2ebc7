public import HTTPTypes

/// An error that knows the response it should become: thrown anywhere in a handler or
/// middleware, it is rendered by `ErrorMiddleware` (or, without one, by the server).
public protocol HTTPResponseError: Error {
    /// The response for `request`.
    func response(for request: Request, context: RequestContext) -> Response
}

/// The concrete `HTTPResponseError`: a status, a problem details body
/// (https://www.rfc-editor.org/rfc/rfc9457) with `instance` set to the request path, and
/// extra header fields (`Allow`, `WWW-Authenticate`, `Retry-After`...).
///
/// ```swift
/// throw HTTPError(.notFound, detail: "no user 42")
/// throw HTTPError(.unprocessableContent, detail: "invalid user", extensions: [.init("errors", .array(...))])
/// ```
public struct HTTPError: HTTPResponseError, Sendable, Hashable, CustomStringConvertible {
    /// The body: status, type, title, detail and extension members.
    public var problem: ProblemDetails
    /// Fields the response carries besides `Content-Type`.
    public var headerFields: HTTPFields

    /// An error answered with `status`; `title` defaults to the reason phrase.
    public init(
        _ status: HTTPResponse.Status, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        headerFields: HTTPFields = [:], extensions: [JSONValue.Member] = []
    ) {
        problem = ProblemDetails(status: status, type: type, title: title, detail: detail, extensions: extensions)
        self.headerFields = headerFields
    }

    /// The response status.
    public var status: HTTPResponse.Status { problem.status }

    /// The problem as `application/problem+json`, `instance` set to the request's path.
    public func response(for request: Request, context: RequestContext) -> Response {
        var problem = problem
        if problem.instance == nil { problem.instance = String(request.path) }
        return Response(problem: problem, headerFields: headerFields)
    }

    public var description: String { "HTTPError(\(status.code)\(problem.detail.map { ": \($0)" } ?? ""))" }
}
