public import Logging

/// What a responder knows about a request beyond its message: the client, a logger, what
/// the router matched, and whatever middleware stored for later stages.
///
/// A value type: a middleware passes an altered copy to `next`.
public struct RequestContext: Sendable {
    /// The client's address, when the transport has one.
    public var remoteAddress: SocketAddress?
    /// A logger for this request (middleware adds metadata such as the request id).
    public var logger: Logger
    /// The matched route's template, e.g. `/users/{id}`; nil before routing or when no route
    /// matched. Use it, never the raw path, as a metrics label.
    public var route: String?
    /// The matched route's parameters, percent-decoded.
    public var parameters = Parameters()
    /// Typed values middleware hands to later stages.
    public var storage = ContextStorage()
    /// What the router resolved, run at the end of its middleware chain.
    package var endpoint: Endpoint?

    /// A context for a request from `remoteAddress`, logging through `logger`.
    public init(remoteAddress: SocketAddress? = nil, logger: Logger) {
        self.remoteAddress = remoteAddress
        self.logger = logger
    }
}

/// A key of `ContextStorage`: a type, so keys from different modules cannot collide.
///
/// ```swift
/// enum AuthenticatedKey: ContextKey { typealias Value = Principal }
/// context.storage[AuthenticatedKey.self] = principal
/// ```
public protocol ContextKey {
    associatedtype Value: Sendable
}

/// Values stored per request, keyed by type.
public struct ContextStorage: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    /// Empty storage.
    public init() {}

    /// The value stored under `key`, or nil.
    public subscript<Key: ContextKey>(key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}
