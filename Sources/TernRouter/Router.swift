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
public final class Router {
    struct Route {
        let method: HTTPRequest.Method
        let template: RouteTemplate
        /// Group middleware, outermost first.
        let middleware: [any Middleware]
        /// A closure route keeps its closure, which the router calls directly.
        let endpoint: Endpoint
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

    /// Adds a route.
    public func add(_ method: HTTPRequest.Method, _ path: String, responder: any Responder) {
        add(method, path, prefix: RouteTemplate(segments: []), middleware: [], endpoint: .responder(responder))
    }

    /// Adds a route answered by `handler`.
    public func on(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        add(method, path, prefix: RouteTemplate(segments: []), middleware: [], endpoint: .handler(handler))
    }

    /// Adds a GET route answered by `handler`.
    public func get(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.get, path, handler) }
    /// Adds a HEAD route answered by `handler`.
    public func head(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.head, path, handler) }
    /// Adds a POST route answered by `handler`.
    public func post(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.post, path, handler) }
    /// Adds a PUT route answered by `handler`.
    public func put(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.put, path, handler) }
    /// Adds a PATCH route answered by `handler`.
    public func patch(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.patch, path, handler) }
    /// Adds a DELETE route answered by `handler`.
    public func delete(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.delete, path, handler) }
    /// Adds a OPTIONS route answered by `handler`.
    public func options(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.options, path, handler) }

    /// Routes under `prefix`, with `middleware` around them (inside the router's own).
    public func group(_ prefix: String, middleware: [any Middleware] = [], _ build: (RouteGroup) -> Void) {
        do {
            build(RouteGroup(router: self, prefix: try RouteTemplate(prefix), middleware: middleware))
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
                    middleware: other.middleware + route.middleware, endpoint: route.endpoint))
            }
        } catch {
            record(error)
        }
    }

    /// Keeps a definition error for `build()` to throw.
    func record(_ error: RouterError) {
        errors.append(error)
    }

    func add(_ method: HTTPRequest.Method, _ path: String, prefix: RouteTemplate, middleware: [any Middleware], endpoint: Endpoint) {
        do {
            let template = try RouteTemplate(path).prefixed(by: prefix)
            routes.append(Route(method: method, template: template, middleware: middleware, endpoint: endpoint))
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
public struct RouteGroup {
    let router: Router
    let prefix: RouteTemplate
    let middleware: [any Middleware]

    /// Adds a route under the group's prefix.
    public func on(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        router.add(method, path, prefix: prefix, middleware: middleware, endpoint: .handler(handler))
    }

    /// Adds a GET route under the group's prefix.
    public func get(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.get, path, handler) }
    /// Adds a POST route under the group's prefix.
    public func post(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.post, path, handler) }
    /// Adds a PUT route under the group's prefix.
    public func put(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.put, path, handler) }
    /// Adds a PATCH route under the group's prefix.
    public func patch(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.patch, path, handler) }
    /// Adds a DELETE route under the group's prefix.
    public func delete(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) { on(.delete, path, handler) }

    /// A nested group: its prefix after this one's, its middleware inside this one's.
    public func group(_ path: String, middleware: [any Middleware] = [], _ build: (RouteGroup) -> Void) {
        do {
            build(RouteGroup(router: router, prefix: try RouteTemplate(path).prefixed(by: prefix), middleware: self.middleware + middleware))
        } catch {
            router.record(error)
        }
    }
}
