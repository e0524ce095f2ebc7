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
///
/// A middleware that never awaits but around `next` is cheaper as a `SynchronousMiddleware`.
public protocol Middleware: Sendable {
    func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response

    /// This middleware as a `SynchronousMiddleware`, when it can run as one; nil when it
    /// awaits. For a middleware that awaits only in some configurations (a rate limit whose
    /// buckets are in a database or in this process); `wrapping(_:)` asks once, when it builds
    /// the chain. The default is nil, and a `SynchronousMiddleware`'s is itself.
    var synchronousForm: (any SynchronousMiddleware)? { get }
}

extension Middleware {
    public var synchronousForm: (any SynchronousMiddleware)? { nil }
}

extension Array where Element == any Middleware {
    /// Folds the middleware around `responder` once: the first element is the outermost, so
    /// it sees the request first and the response last. Adjacent `SynchronousMiddleware` run
    /// as one step (one async call for them all, their `begin`s and `end`s in the same order
    /// as nested calls would run them).
    public func wrapping(_ responder: any Responder) -> any Responder {
        wrapping(.endpoint(.responder(responder)))
    }

    /// `wrapping(_:)` around what a router calls last: a run of synchronous middleware just
    /// before it calls a route's handler, or the endpoint the router resolved, without a
    /// responder of its own between them (an async call and an executor check fewer).
    package func wrapping(_ last: SynchronousRun.Next) -> any Responder {
        var next = last
        // The synchronous middleware just before `next`, outermost first.
        var run: [any SynchronousMiddleware] = []
        for middleware in reversed() {
            if let synchronous = middleware.synchronousForm {
                run.insert(synchronous, at: 0)
                continue
            }
            next = .endpoint(.responder(MiddlewareResponder(middleware: middleware, next: Self.responder(running: run, before: next))))
            run = []
        }
        return Self.responder(running: run, before: next)
    }

    /// `wrapping(_:)` around a route's endpoint, as the endpoint the router keeps: `.run` when
    /// all of the middleware is synchronous, so the router's own run performs it in place.
    package func wrapping(endpoint: Endpoint) -> Endpoint {
        let chain = wrapping(.endpoint(endpoint))
        if let run = chain as? SynchronousRun { return .run(run) }
        return .responder(chain)
    }

    /// `run` before `next`, as one step (for a single middleware too: one async call, where its
    /// `handle` behind a `MiddlewareResponder` would make two).
    private static func responder(running run: [any SynchronousMiddleware], before next: SynchronousRun.Next) -> any Responder {
        run.isEmpty ? next.responder : SynchronousRun(middleware: run, next: next)
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
