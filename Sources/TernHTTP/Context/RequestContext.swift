public import Logging

/// What a responder knows about a request beyond its message: the client, a logger, what
/// the router matched, and whatever middleware stored for later stages.
///
/// A value type: a middleware passes an altered copy to `next`.
public struct RequestContext: Sendable {
    /// The client's address, when the transport has one.
    public var remoteAddress: SocketAddress?
    /// The logger the transport gave the request, without `loggerMetadata`: its level, label
    /// and handler are the request logger's, and reading them builds nothing.
    public private(set) var baseLogger: Logger
    /// Metadata middleware set for this request's logger (a request id, trace ids) with
    /// `setLoggerMetadata`, in the order set, each key once. It is merged into `logger` when
    /// `logger` is read, so a request that logs nothing of its own never copies the logger's
    /// handler or builds its metadata dictionary; the access log writes it from here.
    public private(set) var loggerMetadata: [(key: String, value: Logger.Metadata.Value)] = []
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
        self.baseLogger = logger
    }

    /// A logger for this request: `baseLogger` with `loggerMetadata`. Built when read, so a
    /// handler that logs several events keeps it in a local. Setting it replaces both (the
    /// new logger carries whatever metadata it was given).
    public var logger: Logger {
        get {
            guard !loggerMetadata.isEmpty else { return baseLogger }
            var logger = baseLogger
            for (key, value) in loggerMetadata { logger[metadataKey: key] = value }
            return logger
        }
        set {
            baseLogger = newValue
            loggerMetadata = []
        }
    }

    /// Sets `key` to `value` in the request logger's metadata, as `logger[metadataKey: key] = value`
    /// would, without building the logger now (`loggerMetadata`).
    public mutating func setLoggerMetadata(_ value: Logger.Metadata.Value, forKey key: String) {
        if let index = loggerMetadata.firstIndex(where: { $0.key == key }) {
            loggerMetadata[index].value = value
        } else {
            loggerMetadata.append((key, value))
        }
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
///
/// A request carries a handful (a request id, a principal, a client address), so they are
/// kept in one small array searched in order: storing one costs an append, not a hash table
/// of its own. Each value sits in a box of its key's value type, so reading it back is a
/// pointer conversion rather than a dynamic cast from `any Sendable`.
///
/// The subscript is inlinable, so each use is specialized for its key where it is written:
/// unspecialized, every access would look up the box's generic type at run time.
public struct ContextStorage: Sendable {
    @usableFromInline
    final class Box<Value: Sendable>: Sendable {
        @usableFromInline let value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline let key: ObjectIdentifier
        /// A `Box<Key.Value>` for the key `key` identifies: the subscript's setter stores
        /// nothing else under it.
        @usableFromInline var box: any AnyObject & Sendable

        @usableFromInline init(key: ObjectIdentifier, box: any AnyObject & Sendable) {
            self.key = key
            self.box = box
        }
    }

    @usableFromInline var values: [Entry] = []

    /// Empty storage.
    public init() {}

    /// The value stored under `key`, or nil.
    @inlinable
    public subscript<Key: ContextKey>(key: Key.Type) -> Key.Value? {
        get {
            let id = ObjectIdentifier(key)
            guard let entry = values.first(where: { $0.key == id }) else { return nil }
            return unsafeDowncast(entry.box, to: Box<Key.Value>.self).value
        }
        set {
            let id = ObjectIdentifier(key)
            switch (values.firstIndex { $0.key == id }, newValue) {
            case (let index?, let newValue?): values[index].box = Box(newValue)
            case (let index?, nil): values.remove(at: index)
            case (nil, let newValue?):
                // Room for the handful a request carries at the first, not one reallocation each.
                if values.capacity == 0 { values.reserveCapacity(4) }
                values.append(Entry(key: id, box: Box(newValue)))
            case (nil, nil): break
            }
        }
    }
}
