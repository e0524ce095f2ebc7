/// What the router resolved for a request, run at the end of its middleware chain.
///
/// A route's handler closure is kept as a closure and called directly: wrapped in a
/// `ClosureResponder` it would cost one more async call per request, and the executor check
/// that follows every async call (about 450 instructions in all).
@usableFromInline
package enum Endpoint: Sendable {
    /// A handler registered as a closure, with no middleware of its own.
    case handler(@Sendable (Request, RequestContext) async throws -> Response)
    /// A route's middleware when all of it is synchronous, before its handler: a run the
    /// router's own run performs in place (`SynchronousRun`), without an async call of its own.
    case run(SynchronousRun)
    /// Any other responder: a route's chain, HEAD from GET, OPTIONS, 405, 404.
    case responder(any Responder)

    /// Calls the handler or the responder. Inlined (into the router too, another module), so
    /// a handler costs its caller one async call, not two.
    @inlinable @inline(__always)
    package func run(_ request: Request, context: RequestContext) async throws -> Response {
        switch self {
        case .handler(let handler): try await handler(request, context)
        case .run(let run): try await run.respond(to: request, context: context)
        case .responder(let responder): try await responder.respond(to: request, context: context)
        }
    }

    /// The endpoint as a responder, for middleware to wrap.
    package var responder: any Responder {
        switch self {
        case .handler(let handler): ClosureResponder(handler)
        case .run(let run): run
        case .responder(let responder): responder
        }
    }
}
