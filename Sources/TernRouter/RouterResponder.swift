public import HTTPTypes
public import TernHTTP

/// A built route table: resolves each request to a route, then runs the router's middleware
/// around the route's own chain (or around the 404/405/OPTIONS answer). Immutable and
/// `Sendable`; the only thing a transport calls is `respond(to:context:)`.
public struct RouterResponder: Responder {
    let trie: RouteTrie
    /// The router's middleware folded around `RunEndpoint`, once.
    let chain: any Responder
    /// `chain` when the router's middleware begins with synchronous ones (the usual case): run
    /// with the context `respond` resolved the route into, not a copy of it.
    let synchronousChain: SynchronousRun?
    /// Whether `synchronousChain` is all of the router's middleware, its run ending at the
    /// resolved endpoint: then a route's own run is performed inside it (`Endpoint.run`).
    let performsRouteRuns: Bool
    /// Whether the router has middleware of its own; without, the endpoint is called directly.
    let hasMiddleware: Bool
    /// Every route as registered, in registration order: for documentation and tests that
    /// hold a description (an OpenAPI document) to the table. HEAD and OPTIONS answered
    /// automatically are not listed.
    public let routes: [RouteDescription]

    init(trie: RouteTrie, middleware: [any Middleware], routes: [RouteDescription]) {
        self.trie = trie
        self.chain = middleware.wrapping(.resolved(RunEndpoint()))
        self.synchronousChain = chain as? SynchronousRun
        self.performsRouteRuns = synchronousChain?.endsAtResolvedEndpoint ?? false
        self.hasMiddleware = !middleware.isEmpty
        self.routes = routes
    }

    // Inlined into the protocol witness the server calls: one async frame, not two.
    @inline(__always)
    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        var context = context
        guard let limit = resolve(request, into: &context) else { return try await run(request, context: &context) }
        // The route's own limit: the request is copied only for a route that sets one.
        var limited = request
        limited.body.limit = limit
        return try await run(limited, context: &context)
    }

    /// The router's middleware and the resolved endpoint, given the context `respond` made.
    @inline(__always)
    private func run(_ request: Request, context: inout RequestContext) async throws -> Response {
        if let synchronousChain {
            if performsRouteRuns, case .run(let route)? = context.endpoint {
                return try await synchronousChain.respond(to: request, owned: &context, around: route)
            }
            return try await synchronousChain.respond(to: request, owned: &context)
        }
        // One async call fewer for a router without middleware of its own.
        guard !hasMiddleware, let endpoint = context.endpoint else { return try await chain.respond(to: request, context: context) }
        return try await endpoint.run(request, context: context)
    }

    /// Sets the context's route, parameters and endpoint; returns the route's content limit
    /// when it sets one (the request's stands otherwise). A content announced longer than the
    /// limit that applies is refused with 413 before any of it is read
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14).
    func resolve(_ request: Request, into context: inout RequestContext) -> Int? {
        let path = request.path
        // A length is cheaper to compare than a substring with a literal.
        if path.utf8.count == 1, path == "*", request.method == .options {
            context.endpoint = .responder(Options(allow: trie.allMethods))
            return nil
        }
        if let resource = trie.constantResource(for: path) {
            context.route = resource.template
            context.parameters = Parameters()
            context.endpoint = resource.endpoint(for: request.method)
            return limitBody(of: request, by: resource, endpoint: &context.endpoint)
        }
        let resource: RouteTrie.Resource
        switch Self.match(path, in: trie) {
        case .found(let found, let parameters):
            resource = found
            context.parameters = parameters
        case .noRoute:
            context.endpoint = .responder(ErrorEndpoint(error: HTTPError.noRoute(matching: path)))
            return nil
        case .invalidPath:
            context.endpoint = .responder(ErrorEndpoint(error: HTTPError(.badRequest, detail: "the path is not valid percent-encoded UTF-8")))
            return nil
        }
        context.route = resource.template
        context.endpoint = resource.endpoint(for: request.method)
        return limitBody(of: request, by: resource, endpoint: &context.endpoint)
    }

    /// The route's content limit, if it sets one; refuses (413) a content announced longer than
    /// the limit that applies, the route's or the request's.
    private func limitBody(of request: Request, by resource: RouteTrie.Resource, endpoint: inout Endpoint?) -> Int? {
        let own = resource.bodyLimit(for: request.method)
        let limit = own ?? request.body.limit
        if let length = request.body.length, length > limit {
            endpoint = .responder(ErrorEndpoint(error: RequestBody.tooLarge(limit: limit)))
        }
        return own
    }

    /// The route `path` matches in `trie`. A path without `%` is matched on its own bytes; one
    /// with `%` has each segment percent-decoded first, invalid when one does not decode to
    /// UTF-8 (https://www.rfc-editor.org/rfc/rfc3986#section-2.1).
    static func match(_ path: Substring, in trie: RouteTrie) -> RouteMatch {
        var path = path
        return path.withUTF8 { bytes in
            guard bytes.first == UInt8(ascii: "/") else { return .invalidPath }
            let sent = PlainPathSegments(path: bytes)
            guard bytes.contains(UInt8(ascii: "%")) else { return trie.match(sent) }
            // Split as sent, then each segment decoded: a decoded `/` stays inside its segment.
            var decoded: [UInt8] = []
            var ends: [Int] = []
            var position = sent.first
            while !sent.isEnd(position) {
                let (segment, next) = sent.segment(at: position)
                guard let text = PercentDecoding.decode(segment) else { return .invalidPath }
                decoded.append(contentsOf: text.utf8)
                ends.append(decoded.count)
                position = next
            }
            return decoded.withUnsafeBufferPointer { decoded in
                ends.withUnsafeBufferPointer { trie.match(DecodedPathSegments(bytes: decoded, ends: $0)) }
            }
        }
    }
}

/// What a request's path finds in the route table.
enum RouteMatch {
    /// A route, with the parameters it captured.
    case found(RouteTrie.Resource, Parameters)
    /// No route matches.
    case noRoute
    /// The path does not start with `/`, or a segment does not decode to UTF-8.
    case invalidPath
}

/// One route of a built table: its method and template (`/users/{id}`).
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// The route's method.
    public let method: HTTPRequest.Method
    /// Its template, e.g. `/users/{id}`.
    public let template: String

    public var description: String { "\(method.rawValue) \(template)" }
}

/// The innermost step of the router's chain: whatever `resolve` chose.
struct RunEndpoint: Responder {
    func respond(to request: Request, context: RequestContext) async throws -> Response {
        guard let endpoint = context.endpoint else {
            return Response(rendering: HTTPError.noRoute(matching: request.path), for: request, context: context)
        }
        return try await endpoint.run(request, context: context)
    }
}
