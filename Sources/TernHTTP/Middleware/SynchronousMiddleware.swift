/// A middleware whose work never suspends: a `begin` before the responders after it and an
/// `end` after them, each synchronous.
///
/// It behaves as the `Middleware` it is (`handle` is provided), and costs less: the chain a
/// router builds (`Array.wrapping(_:)`) runs adjacent synchronous middleware as one step, their
/// `begin`s in order, one async call to what follows, then their `end`s in reverse, where a
/// chain of `Middleware` makes an async call per middleware. Adopt it for anything that only
/// reads or annotates the request and the response (ids, headers, logs, metrics, caching
/// validators, compression); a middleware that awaits (a shared store, a database) stays a
/// `Middleware`.
///
/// ```swift
/// struct ServerHeader: SynchronousMiddleware {
///     func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext,
///              started: ContinuousClock.Instant) throws -> Response {
///         var response = try outcome.get()
///         response.headerFields[.server] = "tern"
///         return response
///     }
/// }
/// ```
public protocol SynchronousMiddleware: Middleware {
    /// Runs before the responders after this middleware. Returns nil to go on, with `context`
    /// changed as the later stages should see it, or the response this middleware answers
    /// itself: then nothing after it runs and its own `end` is not called, as when a
    /// `Middleware` returns without calling `next`. A thrown error is likewise this
    /// middleware's answer. The default does nothing and goes on.
    func begin(_ request: Request, context: inout RequestContext) throws -> Response?

    /// Runs after the responders after this middleware, when its `begin` went on.
    ///
    /// - Parameters:
    ///   - outcome: what they answered or threw.
    ///   - request: the request.
    ///   - context: the context as the `begin`s left it: this middleware's, and those of the
    ///     synchronous middleware run with it (inner ones' changes included).
    ///   - started: when the request reached this middleware (middleware run together share
    ///     one reading of the clock, taken before the first `begin`).
    /// - Returns: this middleware's answer; it may instead throw (`try outcome.get()` passes
    ///   an error on). The default passes `outcome` on unchanged.
    func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
}

extension SynchronousMiddleware {
    public var synchronousForm: (any SynchronousMiddleware)? { self }

    public func begin(_ request: Request, context: inout RequestContext) throws -> Response? {
        nil
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
    {
        try outcome.get()
    }

    /// `begin`, the responders after this middleware, then `end`: a run of one (chains built by
    /// `wrapping(_:)` make their runs once and never call this).
    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        try await SynchronousRun(middleware: [self], next: .endpoint(.responder(next))).respond(to: request, context: context)
    }
}

/// Adjacent `SynchronousMiddleware` and what comes after them, as one responder: one async
/// call for the whole run. A class: the router holds one to call directly, and taking a
/// reference out of it costs a retain where a struct's array and existential cost a copy.
@usableFromInline
package final class SynchronousRun: Responder {
    /// What a run calls after its `begin`s.
    package enum Next: Sendable {
        /// An endpoint: a route's handler is called directly, not through a responder.
        case endpoint(Endpoint)
        /// The endpoint the router resolved into the context (`RequestContext.endpoint`);
        /// `responder` runs it as a responder, and answers when none was resolved.
        case resolved(any Responder)

        /// What the run calls, as a responder.
        var responder: any Responder {
            switch self {
            case .endpoint(let endpoint): endpoint.responder
            case .resolved(let responder): responder
            }
        }
    }

    /// One middleware of the run. Called through a class's `let`, a middleware is borrowed
    /// where it is stored; called out of an array of existentials, it was copied out first
    /// (a value-witness copy and destroy around the call).
    private final class Stage: Sendable {
        let middleware: any SynchronousMiddleware

        init(_ middleware: any SynchronousMiddleware) {
            self.middleware = middleware
        }
    }

    /// Outermost first.
    private let stages: [Stage]
    /// `stages`, unretained: the loops call through these without counting references, and
    /// `stages` keeps them alive as long as the run.
    private let unretained: [Unmanaged<Stage>]
    let next: Next

    /// Whether the run calls the endpoint the router resolved (`Next.resolved`): it is all of
    /// the router's middleware, nothing awaits between it and the route.
    package var endsAtResolvedEndpoint: Bool {
        if case .resolved = next { true } else { false }
    }

    init(middleware: [any SynchronousMiddleware], next: Next) {
        stages = middleware.map(Stage.init)
        unretained = stages.map(Unmanaged.passUnretained)
        self.next = next
    }

    // Never inlined: the endpoint a run calls may be a run (`Endpoint.run`), and a run inlined
    // into another puts all of its state into the caller's async frame.
    @usableFromInline @inline(never)
    package func respond(to request: Request, context: RequestContext) async throws -> Response {
        var context = context
        return try await respond(to: request, owned: &context)
    }

    /// `respond(to:context:)` with a context its caller made for this call and does not read
    /// afterwards (the router's, holding the resolved route): the `begin`s change it in place
    /// rather than in a copy of their own.
    @inline(__always)
    package func respond(to request: Request, owned context: inout RequestContext) async throws -> Response {
        let started = ContinuousClock.now
        var (began, outcome) = begins(request, context: &context)
        if outcome == nil {
            do { outcome = .success(try await callNext(request, context: context)) } catch { outcome = .failure(error) }
        }
        ends(&outcome, began: &began, request: request, context: context, started: started)
        return try outcome!.get()
    }

    /// `respond(to:owned:)` for the router's run when the route it resolved is itself a run (a
    /// group's synchronous middleware before its handler, `Endpoint.run`): `route`'s `begin`s
    /// and `end`s are performed here, around its handler, on a copy of the context as its own
    /// call would make (its changes stay with it). One async call for both runs, where calling
    /// the route's would add a second, and an executor check after it.
    ///
    /// A function of its own, never inlined: its async frame holds both runs' state, which a
    /// request to a route without a group (the frame of `respond(to:owned:)`) does not pay for.
    @inline(never)
    package func respond(to request: Request, owned context: inout RequestContext, around route: SynchronousRun) async throws -> Response {
        let started = ContinuousClock.now
        var (began, outcome) = begins(request, context: &context)
        if outcome == nil {
            // The route's run inlined (`respond(to:owned:)`), on a copy of the context.
            var routeContext = context
            do { outcome = .success(try await route.respond(to: request, owned: &routeContext)) } catch { outcome = .failure(error) }
        }
        ends(&outcome, began: &began, request: request, context: context, started: started)
        return try outcome!.get()
    }

    /// The `begin`s, outermost first, until one answers or throws: how many went on (their
    /// `end`s run), and the answer if one came. (The list is read in place, each stage
    /// borrowed: `unretained` holds plain pointers.)
    @inline(__always)
    private func begins(_ request: Request, context: inout RequestContext) -> (Int, Result<Response, any Error>?) {
        var began = 0
        var answer: Result<Response, any Error>?
        unretained.withUnsafeBufferPointer { stages in
            while began < stages.count {
                do {
                    if let early = try stages[began]._withUnsafeGuaranteedRef({ try $0.middleware.begin(request, context: &context) }) {
                        answer = .success(early)
                        return
                    }
                } catch {
                    answer = .failure(error)
                    return
                }
                began += 1
            }
        }
        return (began, answer)
    }

    /// The `end`s of the `began` middleware that began, innermost first, each given the
    /// outcome taken out of `outcome` (optional for that: a response held twice would make the
    /// next field it gets copy the whole list).
    @inline(__always)
    private func ends(
        _ outcome: inout Result<Response, any Error>?, began: inout Int, request: Request, context: RequestContext,
        started: ContinuousClock.Instant
    ) {
        unretained.withUnsafeBufferPointer { stages in
            while began > 0 {
                began -= 1
                do {
                    outcome = .success(
                        try stages[began]._withUnsafeGuaranteedRef { stage in
                            // Taken before the call: an argument that changes a variable makes
                            // the call copy the middleware it is made on.
                            let taken = outcome.take()!
                            return try stage.middleware.end(taken, to: request, context: context, started: started)
                        })
                } catch {
                    outcome = .failure(error)
                }
            }
        }
    }

    /// Calls `next`: a handler or resolved endpoint directly, anything else through its
    /// protocol.
    @inline(__always)
    private func callNext(_ request: Request, context: RequestContext) async throws -> Response {
        switch next {
        case .endpoint(let endpoint): try await endpoint.run(request, context: context)
        case .resolved(let responder):
            if let endpoint = context.endpoint {
                try await endpoint.run(request, context: context)
            } else {
                try await responder.respond(to: request, context: context)
            }
        }
    }
}
