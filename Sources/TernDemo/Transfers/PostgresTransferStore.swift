public import TernHTTP
import TernJSON
public import TernMiddleware
import TernPostgres

/// `TransferStore` and `IdempotencyStore` on PostgreSQL, for several instances sharing one
/// database: the database, not any process, decides which request executes a key.
///
/// A transfer is one READ COMMITTED transaction: a transaction-scoped advisory lock on the
/// idempotency key (held by another transaction: 409 with `Retry-After`), the stored record
/// replayed if one committed meanwhile (422 for another fingerprint), both accounts locked
/// `FOR UPDATE` in id order (so two transfers between the same accounts never deadlock), the
/// debit guarded by the balance, the credit, the transfer row and the idempotency record; the
/// response leaves only after COMMIT returns. The advisory lock ends with the transaction, also
/// when the instance holding it dies (the server ends its session).
public struct PostgresTransferStore: TransferStore, IdempotencyStore, TransferFeedStore {
    private let database: DemoPostgres

    /// A store over `database`, whose migrations created its tables.
    public init(database: DemoPostgres) {
        self.database = database
    }

    public func accounts(afterID: String?, limit: Int) async throws -> [Account] {
        try await database.query("SELECT id, balance_cents FROM accounts WHERE id > \(afterID ?? "") ORDER BY id LIMIT \(limit)")
            .map(Account.init(row:))
    }

    public func account(id: String) async throws -> Account? {
        // An id with a NUL names no account (PostgreSQL's text cannot even hold one).
        guard !id.utf8.contains(0) else { return nil }
        return try await database.query("SELECT id, balance_cents FROM accounts WHERE id = \(id)").first.map(Account.init(row:))
    }

    public func transfers(beforeID: Int64?, limit: Int) async throws -> [Transfer] {
        try await database.query("""
            SELECT id, from_account, to_account, amount_cents, status, created_at FROM transfers
            WHERE id < \(beforeID ?? Int64.max) ORDER BY id DESC LIMIT \(limit)
            """).map(Transfer.init(row:))
    }

    public func transfer(id: Int64) async throws -> Transfer? {
        try await database.query("SELECT id, from_account, to_account, amount_cents, status, created_at FROM transfers WHERE id = \(id)")
            .first.map(Transfer.init(row:))
    }

    public func transfer(
        _ amount: Money, from: String, to: String, at seconds: Int64, claim: IdempotencyClaim?,
        respond: @escaping @Sendable (TransferOutcome) throws -> Response
    ) async throws -> Response {
        try await database.transaction { tx in
            if let claim {
                // Length-prefixed, so no two (scope, key) pairs make the same text. The record
                // is read by the statement after the lock's, so under the lock: a new snapshot
                // that sees a record the previous holder committed.
                let key = "\(claim.key.scope.utf8.count):" + claim.key.scope + claim.key.key
                let results = try await tx.query([
                    "SELECT pg_try_advisory_xact_lock(hashtextextended(\(key), 0))",
                    Self.recordQuery(for: claim.key, now: claim.createdAt),
                ])
                guard try results[0][0].decode(column: 0, as: Bool.self) else { throw Idempotency.keyInUse }
                if let record = try results[1].first.map(IdempotencyRecord.init(row:)) {
                    guard record.fingerprint == claim.fingerprint else {
                        throw HTTPError(.unprocessableContent, detail: "this Idempotency-Key was used for a different request")
                    }
                    claim.markStored()
                    return record.response.replay
                }
            }
            // The id is taken after the row locks, which give the transaction its xid: the
            // feed's rule for gaps in ids relies on that order (TransferFeedStore).
            let names = [from, to].filter { !$0.utf8.contains(0) }
            let results = try await tx.query([
                "SELECT id, balance_cents FROM accounts WHERE id = ANY(\(names)::text[]) ORDER BY id FOR UPDATE",
                "SELECT nextval('transfers_id_seq')",
            ])
            let balances = try Dictionary(uniqueKeysWithValues: results[0].map { try $0.decode((String, Int64).self) })
            var errors: [FieldError] = []
            if balances[from] == nil { errors.append(FieldError(field: "from", message: "is not an account")) }
            if balances[to] == nil { errors.append(FieldError(field: "to", message: "is not an account")) }
            guard errors.isEmpty, let balance = balances[from] else { throw ValidationError(errors) }
            var final: [PostgresQuery] = []
            let response: Response
            if balance < amount.cents {
                response = try respond(.insufficientFunds(balance: Money(cents: balance)))
            } else {
                let id = try results[1][0].decode(column: 0, as: Int64.self)
                final.append("""
                    WITH debit AS (
                        UPDATE accounts SET balance_cents = balance_cents - \(amount.cents) WHERE id = \(from)
                    ), credit AS (
                        UPDATE accounts SET balance_cents = balance_cents + \(amount.cents) WHERE id = \(to)
                    )
                    INSERT INTO transfers (id, from_account, to_account, amount_cents, status, created_at)
                    VALUES (\(id), \(from), \(to), \(amount.cents), 'completed', \(seconds))
                    """)
                response = try respond(.completed(Transfer(id: id, from: from, to: to, amount: amount, status: "completed", createdAt: seconds)))
            }
            let record = claim?.record(for: response)
            if let record {
                // An expired record of the key goes; under the key's lock no live one exists (a
                // unique violation would mean one did, and it aborts the transaction before COMMIT).
                final.append("""
                    DELETE FROM idempotency_records
                    WHERE scope = \(record.key.scope) AND key = \(record.key.key) AND expires_at <= \(record.createdAt)
                    """)
                final.append(Self.insertQuery(record))
            }
            // The writes, the record and COMMIT in one round trip: the accounts' row locks are
            // held for it alone.
            do {
                _ = try await tx.commit(after: final)
            } catch let error as PostgresError where error.isUniqueViolation {
                throw Idempotency.keyInUse
            }
            if record != nil { claim?.markStored() }
            return response
        }
    }

    // MARK: TransferFeedStore

    public func feedPage(afterID: Int64, limit: Int) async throws -> TransferFeedPage {
        // The snapshot and the rows come from one statement, so they describe the same moment.
        // A transfer's transaction has its id (from row locks) before it takes its transfer id,
        // so a gap's transaction is in progress in this snapshot or already over.
        let rows = try await database.query("""
            SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8, pg_snapshot_xmax(pg_current_snapshot())::text::int8,
                   t.id, t.from_account, t.to_account, t.amount_cents, t.status, t.created_at
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT * FROM transfers WHERE id > \(afterID) ORDER BY id LIMIT \(limit)) AS t ON true
            ORDER BY t.id
            """)
        let (xmin, xmax) = try rows[0].decode((Int64, Int64).self)
        let transfers = try rows.compactMap { row -> Transfer? in
            guard try row.decode(column: 2, as: Int64?.self) != nil else { return nil }
            let (_, _, id, from, to, cents, status, createdAt) = try row.decode((Int64, Int64, Int64, String, String, Int64, String, Int64).self)
            return Transfer(id: id, from: from, to: to, amount: Money(cents: cents), status: status, createdAt: createdAt)
        }
        return TransferFeedPage(transfers: transfers, snapshot: (UInt64(xmin), UInt64(xmax)))
    }

    public func latestTransferID() async throws -> Int64 {
        try await database.query("SELECT coalesce(max(id), 0) FROM transfers")[0].decode(column: 0, as: Int64.self)
    }

    // MARK: IdempotencyStore

    public func record(for key: IdempotencyRecordKey, now: Int64) async throws -> IdempotencyRecord? {
        try await Self.record(for: key, now: now, database.query)
    }

    public func save(_ record: IdempotencyRecord) async throws {
        try await Self.insert(record, database.query)
    }

    public func purgeExpired(now: Int64) async throws -> Int {
        try await database.query("DELETE FROM idempotency_records WHERE expires_at <= \(now)").affectedRows
    }

    private typealias Run = (PostgresQuery) async throws -> PostgresRows

    private static func record(for key: IdempotencyRecordKey, now: Int64, _ run: Run) async throws -> IdempotencyRecord? {
        try await run(recordQuery(for: key, now: now)).first.map(IdempotencyRecord.init(row:))
    }

    private static func recordQuery(for key: IdempotencyRecordKey, now: Int64) -> PostgresQuery {
        """
        SELECT scope, key, fingerprint, status, reason, fields, body, created_at, expires_at FROM idempotency_records
        WHERE scope = \(key.scope) AND key = \(key.key) AND expires_at > \(now)
        """
    }

    /// Inserts `record`, or replaces an expired one with the same key, in one statement.
    /// - Throws: `Idempotency.keyInUse` when a live record holds the key.
    private static func insert(_ record: IdempotencyRecord, _ run: Run) async throws {
        var query = insertQuery(record)
        query.sql += """

            ON CONFLICT (scope, key) DO UPDATE SET
                fingerprint = excluded.fingerprint, status = excluded.status, reason = excluded.reason, fields = excluded.fields,
                body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at
            WHERE idempotency_records.expires_at <= excluded.created_at
            """
        let stored = try await run(query)
        if stored.affectedRows == 0 { throw Idempotency.keyInUse }
    }

    private static func insertQuery(_ record: IdempotencyRecord) -> PostgresQuery {
        """
        INSERT INTO idempotency_records (scope, key, fingerprint, status, reason, fields, body, created_at, expires_at)
        VALUES (\(record.key.scope), \(record.key.key), \(record.fingerprint), \(record.response.status), \(record.response.reasonPhrase),
                \(record.response.fieldsText), \(PostgresBytes(record.response.body)), \(record.createdAt), \(record.expiresAt))
        """
    }
}

extension Account {
    init(row: PostgresRow) throws {
        let (id, cents) = try row.decode((String, Int64).self)
        self.init(id: id, balance: Money(cents: cents))
    }
}

extension Transfer {
    init(row: PostgresRow) throws {
        let (id, from, to, cents, status, createdAt) = try row.decode((Int64, String, String, Int64, String, Int64).self)
        self.init(id: id, from: from, to: to, amount: Money(cents: cents), status: status, createdAt: createdAt)
    }
}

extension IdempotencyRecord {
    init(row: PostgresRow) throws {
        let (scope, key, fingerprint, status, reason, fields, body, createdAt, expiresAt) =
            try row.decode((String, String, String, Int, String, String, PostgresBytes, Int64, Int64).self)
        self.init(
            key: IdempotencyRecordKey(scope: scope, key: key), fingerprint: fingerprint,
            response: StoredResponse(status: status, reasonPhrase: reason, fields: StoredResponse.fields(fromText: fields), body: body.bytes),
            createdAt: createdAt, expiresAt: expiresAt)
    }
}
