public import HTTPTypes

/// An error that knows the problem it should become: thrown anywhere in a handler or
/// middleware, it is rendered by `Response(rendering:instance:logger:)`, the one place an
/// error becomes a response (https://www.rfc-editor.org/rfc/rfc9457).
public protocol HTTPResponseError: Error {
    /// The problem details to send. The renderer sets `instance` to the request's path.
    var problem: ProblemDetails { get }
    /// Fields the response carries besides `Content-Type` (`Allow`, `WWW-Authenticate`,
    /// `Retry-After`...); none by default.
    var headerFields: HTTPFields { get }
}

extension HTTPResponseError {
    public var headerFields: HTTPFields { [:] }
}

/// The concrete `HTTPResponseError`: a status, a problem details body
/// (https://www.rfc-editor.org/rfc/rfc9457) and extra header fields.
///
/// `detail` is a sentence for the client: what was wrong with the request, never an
/// internal description.
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
        _ status: HTTPResponse.Status, type: String = "about:blank", title: String? = nil, detail: String,
        headerFields: HTTPFields = [:], extensions: [JSONValue.Member] = []
    ) {
        problem = ProblemDetails(status: status, type: type, title: title, detail: detail, extensions: extensions)
        self.headerFields = headerFields
    }

    /// The response status.
    public var status: HTTPResponse.Status { problem.status }

    public var description: String { "HTTPError(\(status.code): \(problem.detail))" }
}
