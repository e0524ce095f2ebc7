import HTTPTypes
public import TernHTTP

/// Bearer-token authentication (https://www.rfc-editor.org/rfc/rfc6750) against a fixed set
/// of API keys, each granting scopes.
///
/// For every request, `requiredScope` says what it needs (by default: nothing for GET, HEAD
/// and OPTIONS, `write` for any other method).
/// - Nothing required: a valid key still identifies the client (for rate limits and
///   idempotency keys); an invalid one is ignored.
/// - A scope required and no bearer credentials: 401 with
///   `WWW-Authenticate: Bearer realm="..."`; an unknown key: 401 with `error="invalid_token"`
///   (section 3.1); a key without the scope: 403 with `error="insufficient_scope"`.
///
/// Keys are compared in constant time, every configured key every time, and never logged or
/// echoed. The principal is available to later stages as `Principal.current(in:)`.
///
/// ```swift
/// router.use(BearerAuthentication(realm: "api", keys: [
///     .init(token: apiKey, principal: Principal(name: "admin", scopes: [.read, .write])),
///     .init(token: readOnlyKey, principal: Principal(name: "reader", scopes: [.read])),
/// ]))
/// ```
public struct BearerAuthentication: SynchronousMiddleware {
    /// A secret token and whom it stands for.
    public struct Key: Sendable {
        let token: [UInt8]
        /// Whom the token stands for.
        public let principal: Principal

        /// `token` standing for `principal`.
        public init(token: String, principal: Principal) {
            self.token = Array(token.utf8)
            self.principal = principal
        }
    }

    /// The protection space named in `WWW-Authenticate` (RFC 9110 section 11.5).
    public let realm: String
    private let keys: [Key]
    private let requiredScope: @Sendable (Request, RequestContext) -> Scope?

    /// - Parameter realm: a `quoted-string`'s content: no `"` or `\`.
    public init(
        realm: String, keys: [Key],
        requiredScope: @escaping @Sendable (Request, RequestContext) -> Scope? = BearerAuthentication.writesNeedWriteScope
    ) {
        precondition(!realm.contains("\"") && !realm.contains("\\"), "a realm is written as a quoted-string")
        self.realm = realm
        self.keys = keys
        self.requiredScope = requiredScope
    }

    /// The default policy: safe methods (https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1)
    /// are public, every other method needs `write`.
    public static func writesNeedWriteScope(_ request: Request, _ context: RequestContext) -> Scope? {
        switch request.method {
        case .get, .head, .options: nil
        default: .write
        }
    }

    public func begin(_ request: Request, context: inout RequestContext) throws -> Response? {
        let required = requiredScope(request, context)
        switch credentials(of: request) {
        case .none:
            if required != nil { throw challenge(error: nil, detail: "this request needs an API key: Authorization: Bearer KEY") }
        case .invalid:
            if required != nil { throw challenge(error: "invalid_token", detail: "the API key is not valid") }
        case .valid(let principal):
            if let required, !principal.scopes.contains(required) {
                throw HTTPError(
                    .forbidden, detail: "this API key does not allow this request",
                    headerFields: [.wwwAuthenticate: "Bearer realm=\"\(realm)\", error=\"insufficient_scope\", scope=\"\(required)\""])
            }
            context.storage[PrincipalKey.self] = principal
        }
        return nil
    }

    /// The principal whose key the request presents; nil for no key or an unknown one. For
    /// middleware that runs earlier and must key its state by client (a rate limiter that
    /// should also count failed attempts).
    public func principal(of request: Request) -> Principal? {
        if case .valid(let principal) = credentials(of: request) { return principal }
        return nil
    }

    private enum Credentials {
        case none
        case invalid
        case valid(Principal)
    }

    /// `Authorization: Bearer b64token` (RFC 6750 section 2.1; the scheme is case-insensitive,
    /// RFC 9110 section 11.1).
    private func credentials(of request: Request) -> Credentials {
        guard let (authorization, repeated) = request.headerFields.firstValue(of: .authorization) else { return .none }
        guard !repeated else { return .invalid }
        let value = authorization.utf8
        guard value.count > 7, let space = value.firstIndex(of: UInt8(ascii: " ")),
            String(decoding: value[..<space], as: UTF8.self).lowercased() == "bearer"
        else { return .none }
        let token = value[value.index(after: space)...].drop { $0 == UInt8(ascii: " ") }
        guard !token.isEmpty, Self.isB64Token(token) else { return .invalid }
        var found: Principal?
        for key in keys where ConstantTime.equals(token, key.token) && found == nil {
            found = key.principal
        }
        return found.map(Credentials.valid) ?? .invalid
    }

    /// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    private static func isB64Token(_ token: Substring.UTF8View.SubSequence) -> Bool {
        let body = token.reversed().drop { $0 == UInt8(ascii: "=") }
        return !body.isEmpty && body.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default:
                false
            }
        }
    }

    private func challenge(error: String?, detail: String) -> HTTPError {
        let challenge = "Bearer realm=\"\(realm)\"" + (error.map { ", error=\"\($0)\"" } ?? "")
        return HTTPError(.unauthorized, detail: detail, headerFields: [.wwwAuthenticate: challenge])
    }
}
