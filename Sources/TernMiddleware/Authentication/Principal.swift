public import TernHTTP

/// Who made a request, as an authentication middleware established it: a name for logs
/// and per-client state (rate limits, idempotency keys), and the scopes the credentials grant.
public struct Principal: Sendable, Hashable {
    /// A stable name for the client, never the secret it presented.
    public let name: String
    /// What the credentials allow.
    public let scopes: Set<Scope>

    /// A principal `name` holding `scopes`.
    public init(name: String, scopes: Set<Scope>) {
        self.name = name
        self.scopes = scopes
    }

    /// The authenticated principal of the request; nil when none.
    public static func current(in context: RequestContext) -> Principal? {
        context.storage[PrincipalKey.self]
    }
}

/// A permission a credential grants (`read`, `write`), in the sense of RFC 6750's `scope`
/// (https://www.rfc-editor.org/rfc/rfc6750#section-3).
public struct Scope: Sendable, Hashable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    /// Reading.
    public static let read: Scope = "read"
    /// Changing state: what unsafe methods need by default.
    public static let write: Scope = "write"
}

/// Where authentication middleware keeps the principal.
enum PrincipalKey: ContextKey {
    typealias Value = Principal
}
