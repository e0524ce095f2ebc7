#if canImport(Glibc)
import Glibc
#endif
public import HTTPTypes
public import TernHTTP

/// Makes a non-idempotent route safe to retry, with the semantics of
/// draft-ietf-httpapi-idempotency-key-header-07 and Stripe's practice where the draft is
/// silent:
///
/// - `Idempotency-Key` is required: missing or malformed → 400 (section 2.7).
/// - The first request with a key executes. Its outcome, if `isStored` says so, is kept
///   until it expires (`expiry`, default 24 h).
/// - The same key again, from the same client (keys are scoped per principal, else per
///   address), with the same fingerprint (method, route template and canonical content) →
///   the stored status, `Content-Type`, `Location`, `ETag`, `Last-Modified` and body, byte
///   for byte, plus `Idempotent-Replayed: true`. With another fingerprint → 422.
/// - The same key while the first is still executing → 409 with `Retry-After: 1`.
///
/// Thrown errors (validation failures: 400, 415, 422...) are never stored, so a client can
/// fix its request and retry with the same key; nor are 5xx. By default a response the
/// handler returned is stored when it is 2xx or 4xx: an outcome the handler chose after it
/// started executing, such as 409 for insufficient funds.
///
/// Exactly one of several concurrent requests with a key executes, whichever event loops
/// they arrive on: a claim is taken under a lock before the store is read, and released
/// only after the outcome is stored. Put this middleware inside authentication, so the
/// principal is known:
/// ```swift
/// router.group("/transfers", middleware: [auth, Idempotency(store: store)]) { ... }
/// ```
public struct Idempotency: Middleware {
    /// `Idempotency-Key`.
    public static let keyField = HTTPField.Name("Idempotency-Key")!
    /// `Idempotent-Replayed`, `true` on a replay.
    public static let replayedField = HTTPField.Name("Idempotent-Replayed")!

    private let store: any IdempotencyStore
    private let expirySeconds: Int64
    private let canonicalContent: @Sendable ([UInt8]) -> [UInt8]
    private let isStored: @Sendable (Response) -> Bool
    private let claims: Claims
    private var now: @Sendable () -> Int64

    /// - Parameters:
    ///   - canonicalContent: the content as the fingerprint sees it; by default the bytes as
    ///     sent. `JSONCoding.canonical` makes key order and white space not matter.
    ///   - isStored: which returned responses are kept for replay.
    public init(
        store: any IdempotencyStore, expiry: Duration = .seconds(86_400),
        canonicalContent: @escaping @Sendable ([UInt8]) -> [UInt8] = { $0 },
        isStored: @escaping @Sendable (Response) -> Bool = Idempotency.storesSuccessAndClientErrors
    ) {
        self.store = store
        self.expirySeconds = max(1, expiry.components.seconds)
        self.canonicalContent = canonicalContent
        self.isStored = isStored
        self.claims = Claims()
        self.now = { Int64(time(nil)) }
    }

    /// With a clock of seconds since 1970, for tests of expiry.
    init(store: any IdempotencyStore, expiry: Duration, now: @escaping @Sendable () -> Int64) {
        self.init(store: store, expiry: expiry)
        self.now = now
    }

    /// The default policy: 2xx and 4xx responses the handler returned.
    public static func storesSuccessAndClientErrors(_ response: Response) -> Bool {
        (200..<300).contains(response.statusCode) || (400..<500).contains(response.statusCode)
    }

    /// The answer when another request holds the key: 409 with `Retry-After: 1`
    /// (draft-ietf-httpapi-idempotency-key-header-07 section 2.7), so the client retries and
    /// then gets that request's outcome. A store shared by several processes throws it when it
    /// finds a live record for the key as it stores an outcome: another process executed a
    /// request with the key after this one looked. A handler that stores the record in its own
    /// transaction rolls its effects back with it.
    public static var keyInUse: HTTPError {
        HTTPError(
            .conflict, detail: "a request with this Idempotency-Key is still being processed; retry shortly",
            headerFields: [.retryAfter: "1"])
    }

    /// The claim of the request being executed, for a handler that stores its outcome itself.
    public static func claim(in context: RequestContext) -> IdempotencyClaim? {
        context.storage[IdempotencyClaimKey.self]
    }

    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        let values = request.headerFields[values: Self.keyField]
        guard !values.isEmpty else {
            throw HTTPError(.badRequest, detail: "this request needs an Idempotency-Key header: 1 to 255 visible ASCII characters")
        }
        guard values.count == 1, let key = IdempotencyKey(fieldValue: values[0]) else {
            throw HTTPError(.badRequest, detail: "the Idempotency-Key must be 1 to 255 visible ASCII characters, bare or in quotes")
        }
        let scope = Principal.current(in: context).map { "principal:" + $0.name } ?? "host:" + (context.remoteAddress?.host ?? "-")
        let recordKey = IdempotencyRecordKey(scope: scope, key: key.value)
        // The fingerprint needs the whole content: read once (bounded by the route's limit)
        // and handed on in memory.
        var request = request
        let content = try await request.body.collect()
        request.body = RequestBody(content, limit: request.body.limit)
        let fingerprint = fingerprint(of: request, content: content, route: context.route)
        guard claims.take(recordKey) else { throw Self.keyInUse }
        do {
            let now = now()
            if let record = try await store.record(for: recordKey, now: now) {
                claims.release(recordKey)
                guard record.fingerprint == fingerprint else {
                    throw HTTPError(.unprocessableContent, detail: "this Idempotency-Key was used for a different request")
                }
                return record.response.replay
            }
            let claim = IdempotencyClaim(key: recordKey, fingerprint: fingerprint, createdAt: now, expiresAt: now + expirySeconds)
            var context = context
            context.storage[IdempotencyClaimKey.self] = claim
            let response = try await next.respond(to: request, context: context)
            if !claim.isStored, isStored(response), let record = claim.record(for: response) {
                try await store.save(record)
            }
            claims.release(recordKey)
            return response
        } catch {
            claims.release(recordKey)
            throw error
        }
    }

    /// Method, route template (or path) and canonical content, hashed: 16 hex digits of
    /// FNV-1a over the three, length-prefixed so no two splits give the same input.
    private func fingerprint(of request: Request, content: [UInt8], route: String?) -> String {
        var material: [UInt8] = []
        for part in [Array(request.method.rawValue.utf8), Array((route ?? String(request.path)).utf8), canonicalContent(content)] {
            material += Array(String(part.count).utf8) + [0] + part
        }
        return EntityTag.strong(forContent: material).opaqueTag
    }

    /// Keys whose first request is executing in this process.
    final class Claims: Sendable {
        private let held = Locked<Set<IdempotencyRecordKey>>([])

        /// Takes `key`; false when another request holds it.
        func take(_ key: IdempotencyRecordKey) -> Bool {
            held.withLock { $0.insert(key).inserted }
        }

        func release(_ key: IdempotencyRecordKey) {
            _ = held.withLock { $0.remove(key) }
        }
    }
}
