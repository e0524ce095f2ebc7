import Synchronization
public import TernHTTP

/// The right to execute one idempotent request, held by the handler while it runs: only
/// one request per key holds it at a time. A handler that writes to a database stores the
/// outcome in the same transaction and says so:
///
/// ```swift
/// let claim = Idempotency.claim(in: context)
/// try await database.write { db in
///     try applyTransfer(db)
///     if let claim, let record = claim.record(for: response) {
///         try saveRecord(record, db)
///         claim.markStored()
///     }
/// }
/// ```
public final class IdempotencyClaim: Sendable {
    /// The key being executed, in its client's scope.
    public let key: IdempotencyRecordKey
    /// The request's fingerprint, stored with the outcome.
    public let fingerprint: String
    /// Seconds since 1970 when execution began.
    public let createdAt: Int64
    /// Seconds since 1970 after which the outcome is forgotten.
    public let expiresAt: Int64
    private let stored = Atomic<Bool>(false)

    init(key: IdempotencyRecordKey, fingerprint: String, createdAt: Int64, expiresAt: Int64) {
        self.key = key
        self.fingerprint = fingerprint
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// The record that replays `response`; nil when its body cannot be stored.
    public func record(for response: Response) -> IdempotencyRecord? {
        StoredResponse(response).map { IdempotencyRecord(key: key, fingerprint: fingerprint, response: $0, createdAt: createdAt, expiresAt: expiresAt) }
    }

    /// The handler stored the record itself (with its effect, in one transaction).
    public func markStored() {
        stored.store(true, ordering: .releasing)
    }

    var isStored: Bool { stored.load(ordering: .acquiring) }
}

/// Where `Idempotency` hands the claim to the handler.
enum IdempotencyClaimKey: ContextKey {
    typealias Value = IdempotencyClaim
}
