/// A step around a responder: it may change the request and context, answer without calling
/// `next`, or change what `next` answers.
///
/// ```swift
/// struct ServerHeader: Middleware {
///     func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
///         var response = try await next.respond(to: request, context: context)
///         response.headerFields[.server] = "tern"
///         return response
///     }
/// }
/// ```
public protocol Middleware: Sendable {
    func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response
}

extension Array where Element == any Middleware {
    /// Folds the middleware around `responder` once: the first element is the outermost, so
    /// it sees the request first and the response last.
    public func wrapping(_ responder: any Responder) -> any Responder {
        reversed().reduce(responder) { next, middleware in MiddlewareResponder(middleware: middleware, next: next) }
    }
}

/// One middleware and what comes after it, as a responder.
struct MiddlewareResponder: Responder {
    let middleware: any Middleware
    let next: any Responder

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        try await middleware.handle(request, context: context, next: next)
    }
}
