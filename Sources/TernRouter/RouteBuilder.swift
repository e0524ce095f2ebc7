public import HTTPTypes
public import TernHTTP

/// What routes are added to: a `Router`, or one of its groups. The method shorthands below
/// call `on`; `bodyLimit` is the most request content the route reads (nil: its group's,
/// else the server's), past which reading is 413 — before any of it is read when the
/// request announces its length (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14).
public protocol RouteBuilder {
    /// Adds a route for `method` at `path` answered by `handler`.
    func on(
        _ method: HTTPRequest.Method, _ path: String, bodyLimit: Int?,
        _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response)
}

extension RouteBuilder {
    /// Adds a GET route answered by `handler` (HEAD is answered by it too, without the body).
    public func get(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.get, path, bodyLimit: nil, handler)
    }

    /// Adds a HEAD route answered by `handler`, instead of the GET route's.
    public func head(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.head, path, bodyLimit: nil, handler)
    }

    /// Adds a POST route answered by `handler`.
    public func post(_ path: String, bodyLimit: Int? = nil, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.post, path, bodyLimit: bodyLimit, handler)
    }

    /// Adds a PUT route answered by `handler`.
    public func put(_ path: String, bodyLimit: Int? = nil, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.put, path, bodyLimit: bodyLimit, handler)
    }

    /// Adds a PATCH route answered by `handler`.
    public func patch(_ path: String, bodyLimit: Int? = nil, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.patch, path, bodyLimit: bodyLimit, handler)
    }

    /// Adds a DELETE route answered by `handler`.
    public func delete(_ path: String, bodyLimit: Int? = nil, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.delete, path, bodyLimit: bodyLimit, handler)
    }

    /// Adds an OPTIONS route answered by `handler`, instead of the automatic 204 with `Allow`.
    public func options(_ path: String, _ handler: @escaping @Sendable (Request, RequestContext) async throws -> Response) {
        on(.options, path, bodyLimit: nil, handler)
    }
}
