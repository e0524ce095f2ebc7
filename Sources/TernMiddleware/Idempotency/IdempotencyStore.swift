/// Which request a record answers: a key within one client's scope (draft-07 section 2.3:
/// keys of different clients never meet).
public struct IdempotencyRecordKey: Sendable, Hashable {
    /// The client: `principal:NAME` or `host:ADDRESS`.
    public let scope: String
    /// The key as the client sent it.
    public let key: String

    /// `key` in `scope`.
    public init(scope: String, key: String) {
        self.scope = scope
        self.key = key
    }
}

/// A completed request: what it was (its fingerprint) and what it answered, until it expires.
public struct IdempotencyRecord: Sendable, Hashable {
    /// Which request this answers.
    public let key: IdempotencyRecordKey
    /// Of method, route and canonical content; a replay needs the same.
    public let fingerprint: String
    /// What a replay sends.
    public let response: StoredResponse
    /// Seconds since 1970.
    public let createdAt: Int64
    /// When it expires.
    public let expiresAt: Int64

    /// A record of `response` for `key`, valid until `expiresAt`.
    public init(key: IdempotencyRecordKey, fingerprint: String, response: StoredResponse, createdAt: Int64, expiresAt: Int64) {
        self.key = key
        self.fingerprint = fingerprint
        self.response = response
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Where completed requests are kept for replay. An application whose handler writes to a
/// database should store the record in the same transaction as its effect
/// (`IdempotencyClaim.record(for:)`), so the effect and its record commit together or not
/// at all; the middleware then leaves it be. Otherwise the middleware calls `save` once the
/// handler returned.
public protocol IdempotencyStore: Sendable {
    /// The record for `key`, unless there is none or it expired before `now`.
    func record(for key: IdempotencyRecordKey, now: Int64) async throws -> IdempotencyRecord?

    /// Keeps `record`, replacing an expired one with the same key.
    /// - Throws: `Idempotency.keyInUse` when a live record holds the key: in a store shared by
    ///   several processes, another one stored it after this one's lookup.
    func save(_ record: IdempotencyRecord) async throws

    /// Deletes the records that expired before `now`; returns how many.
    func purgeExpired(now: Int64) async throws -> Int
}
