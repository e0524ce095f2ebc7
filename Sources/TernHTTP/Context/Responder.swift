/// The one method at the centre of Tern: turn a request into a response.
///
/// The server calls only this. Routers and middleware are responders too, so the same
/// application runs behind Tern's server, inside a test with no socket, or behind another
/// transport. `respond` runs on the connection's event-loop thread; when it never
/// suspends it completes there without a thread hop, and when it awaits it resumes there.
/// A thrown error becomes a 500 `application/problem+json` response with no detail from
/// the error, and the server keeps serving. When the client goes away the task running
/// `respond` is cancelled.
public protocol Responder: Sendable {
    func respond(to request: Request, context: RequestContext) async throws -> Response
}

/// A responder made from a closure.
///
/// ```swift
/// let hello = ClosureResponder { request, context in
///     Response(status: .ok, body: .string("hello\n"))
/// }
/// ```
public struct ClosureResponder: Responder {
    private let body: @Sendable (Request, RequestContext) async throws -> Response

    /// A responder that calls `body`.
    public init(_ body: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        self.body = body
    }

    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        try await body(request, context)
    }
}
