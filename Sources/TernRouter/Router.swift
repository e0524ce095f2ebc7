public import HTTPTypes
public import TernHTTP

/// Builds a route table; `build()` turns it into an immutable, `Sendable` responder.
///
/// ```swift
/// let router = Router()
/// router.use(ErrorMiddleware())
/// router.get("/users/{id}") { request, context in
///     let id = try context.parameters.require("id", as: Int.self)
///     return try Response(json: users.find(id))
/// }
/// router.group("/admin", middleware: [AdminOnly()]) { admin in
///     admin.delete("/users/{id}") { request, context in ... }
/// }
/// let app = try router.build()
/// ```
///
/// Matching: a constant segment beats a parameter, which beats `*`, which beats `**`; when
/// a more specific branch leads nowhere, the next is tried. The best path decides the
/// resource; its methods decide the answer: the route's handler, HEAD by the GET handler
/// without the body (unless a HEAD route exists), OPTIONS as 204 with `Allow` (unless a
/// route claims it), any other method 405 with `Allow`. No path: 404.
///
/// Segments are split on `/` as sent, then percent-decoded, so `%2F` is part of a segment.
/// A trailing slash is part of the path: `/users/` is not `/users` (404), so every resource
/// has one URL. Templates cannot end in `/` (except `/` itself).
///
/// Middleware registered with `use` runs for every request, in registration order (the first
/// is outermost), 404 and 405 included; a group's middleware runs inside it, for the group's
/// routes only. Both are folded once, at `build()`.
public final class Router: RouteBuilder {
    struct Route {
        let method: HTTPRequest.Method
        let template: RouteTemplate
        /// Group middleware, outermost first.
        let middleware: [any Middleware]
        /// A closure route keeps its closure, which the router calls directly.
        let endpoint: Endpoint
        /// The most content the route reads; nil: the server's limit.
        let bodyLimit: Int?
    }

    private(set) var routes: [Route] = []
    private(set) var middleware: [any Middleware] = []
    private var errors: [RouterError] = []

    /// An empty table.
    public init() {}

    /// Adds middleware that runs for every request.
    public func use(_ middleware: any Middleware) {
        self.middleware.append(middleware)
    }

    /// Adds a route. `bodyLimit` is the most request content it reads (a longer content is
    /// 413, before any of it is read when its length is announced); nil: the server's limit.
    public func add(_ method: HTTPRequest.Method, _ path: String, bodyLimit: Int? = nil, responder: any Responder) {
        add(method, path, prefix: RouteTemplate(segments: []), middleware: [], bodyLimit: bodyLimit, endpoint: .responder(responder))
    }

    /// Adds a route answered by `handler`; `bodyLimit` as for `add(_:_:bodyLimit:responder:)`.
    public func on(
        _ method: HTTPRequest.Method, _ path: String, bodyLimit: Int? = nil,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        add(method, path, prefix: RouteTemplate(segments: []), middleware: [], bodyLimit: bodyLimit, endpoint: .handler(handler))
    }

    /// Routes under `prefix`, with `middleware` around them (inside the router's own);
    /// `bodyLimit` applies to the group's routes that do not set their own.
    public func group(_ prefix: String, middleware: [any Middleware] = [], bodyLimit: Int? = nil, _ build: (RouteGroup) -> Void) {
        do {
            build(RouteGroup(router: self, prefix: try RouteTemplate(prefix), middleware: middleware, bodyLimit: bodyLimit))
        } catch {
            record(error)
        }
    }

    /// Every route of `other` under `prefix`; `other`'s own middleware runs around its routes.
    public func mount(_ prefix: String, _ other: Router) {
        do {
            let template = try RouteTemplate(prefix)
            errors += other.errors
            for route in other.routes {
                routes.append(Route(
                    method: route.method, template: route.template.prefixed(by: template),
                    middleware: other.middleware + route.middleware, endpoint: route.endpoint, bodyLimit: route.bodyLimit))
            }
        } catch {
            record(error)
        }
    }

    /// Keeps a definition error for `build()` to throw.
    func record(_ error: RouterError) {
        errors.append(error)
    }

    func add(
        _ method: HTTPRequest.Method, _ path: String, prefix: RouteTemplate, middleware: [any Middleware], bodyLimit: Int?,
        endpoint: Endpoint
    ) {
        do {
            let template = try RouteTemplate(path).prefixed(by: prefix)
            routes.append(Route(method: method, template: template, middleware: middleware, endpoint: endpoint, bodyLimit: bodyLimit))
        } catch {
            record(error)
        }
    }

    /// Validates the table and folds every middleware chain once.
    /// - Throws: the first problem found: a template that does not parse, a duplicate route,
    ///   or parameters with different names at the same position.
    public func build() throws(RouterError) -> RouterResponder {
        if let first = errors.first { throw first }
        let trie = try RouteTrie.Builder(routes: routes).build()
        return RouterResponder(
            trie: trie, middleware: middleware,
            routes: routes.map { RouteDescription(method: $0.method, template: $0.template.description) })
    }
}

/// Routes sharing a path prefix and middleware; made by `Router.group`.
public struct RouteGroup: RouteBuilder {
    let router: Router
    let prefix: RouteTemplate
    let middleware: [any Middleware]
    let bodyLimit: Int?

    /// Adds a route under the group's prefix; `bodyLimit` nil: the group's.
    public func on(
        _ method: HTTPRequest.Method, _ path: String, bodyLimit: Int? = nil,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        router.add(method, path, prefix: prefix, middleware: middleware, bodyLimit: bodyLimit ?? self.bodyLimit, endpoint: .handler(handler))
    }

    /// A nested group: its prefix after this one's, its middleware inside this one's, its
    /// `bodyLimit` (nil: this one's) for its routes that do not set their own.
    public func group(_ path: String, middleware: [any Middleware] = [], bodyLimit: Int? = nil, _ build: (RouteGroup) -> Void) {
        do {
            build(RouteGroup(
                router: router, prefix: try RouteTemplate(path).prefixed(by: prefix), middleware: self.middleware + middleware,
                bodyLimit: bodyLimit ?? self.bodyLimit))
        } catch {
            router.record(error)
        }
    }
}
