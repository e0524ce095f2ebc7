import Foundation
import GRDB
import TernJSON
public import TernHTTP
public import TernMiddleware

/// `TransferStore` and `IdempotencyStore` on the demo's SQLite database. A transfer's
/// debit, credit, row and idempotency record are written in one transaction; GRDB returns
/// from `write` after the commit, and with `synchronous=FULL` in WAL mode the commit is on
/// disk by then, so a 201 that reached a client survives a crash of the process or the machine.
public struct SQLiteTransferStore: TransferStore, IdempotencyStore, TransferFeedStore {
    private let database: DemoDatabase

    /// A store over `database`, whose migrations created its tables.
    public init(database: DemoDatabase) {
        self.database = database
    }

    public func accounts(afterID: String?, limit: Int) async throws -> [Account] {
        try await database.readStatement { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id > ? ORDER BY id LIMIT ?"), arguments: [afterID ?? "", limit])
                .map(Account.init(row:))
        }
    }

    public func account(id: String) async throws -> Account? {
        try await database.readStatement { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id = ?"), arguments: [id]).map(Account.init(row:))
        }
    }

    public func transfers(beforeID: Int64?, limit: Int) async throws -> [Transfer] {
        try await database.readStatement { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM transfers WHERE id < ? ORDER BY id DESC LIMIT ?"), arguments: [beforeID ?? Int64.max, limit])
                .map(Transfer.init(row:))
        }
    }

    public func transfer(id: Int64) async throws -> Transfer? {
        try await database.readStatement { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM transfers WHERE id = ?"), arguments: [id]).map(Transfer.init(row:))
        }
    }

    public func transfer(
        _ amount: Money, from: String, to: String, at seconds: Int64, claim: IdempotencyClaim?,
        respond: @escaping @Sendable (TransferOutcome) throws -> Response
    ) async throws -> Response {
        try await database.write { db in
            // One statement for both accounts: the payer's balance (NULL when there is no such
            // account) and whether the payee exists.
            let accounts = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT (SELECT balance_cents FROM accounts WHERE id = ?), EXISTS (SELECT 1 FROM accounts WHERE id = ?)"),
                arguments: [from, to])
            let balance: Int64? = accounts?[0]
            let target: Bool = accounts?[1] ?? false
            var errors: [FieldError] = []
            if balance == nil { errors.append(FieldError(field: "from", message: "is not an account")) }
            if !target { errors.append(FieldError(field: "to", message: "is not an account")) }
            guard errors.isEmpty, let balance else { throw ValidationError(errors) }
            let response: Response
            if balance < amount.cents {
                response = try respond(.insufficientFunds(balance: Money(cents: balance)))
            } else {
                try db.cachedStatement(sql: "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?")
                    .execute(arguments: [amount.cents, from])
                try db.cachedStatement(sql: "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?")
                    .execute(arguments: [amount.cents, to])
                try db.cachedStatement(sql: "INSERT INTO transfers (from_account, to_account, amount_cents, status, created_at) VALUES (?, ?, ?, 'completed', ?)")
                    .execute(arguments: [from, to, amount.cents, seconds])
                let transfer = Transfer(id: db.lastInsertedRowID, from: from, to: to, amount: amount, status: "completed", createdAt: seconds)
                response = try respond(.completed(transfer))
            }
            // The record commits with the transfer; a second process racing on the same key
            // finds a live record here, rolls its transfer back and answers 409.
            if let claim, let record = claim.record(for: response) {
                try Self.insert(record, db)
                claim.markStored()
            }
            return response
        }
    }

    // MARK: TransferFeedStore

    public func feedPage(afterID: Int64, limit: Int) async throws -> TransferFeedPage {
        // One writer commits transfers in id order: a gap never fills later.
        let transfers = try await database.readStatement { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM transfers WHERE id > ? ORDER BY id LIMIT ?"), arguments: [afterID, limit])
                .map(Transfer.init(row:))
        }
        return TransferFeedPage(transfers: transfers, snapshot: nil)
    }

    public func latestTransferID() async throws -> Int64 {
        try await database.readStatement { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM transfers")) ?? 0 }
    }

    // MARK: IdempotencyStore

    public func record(for key: IdempotencyRecordKey, now: Int64) async throws -> IdempotencyRecord? {
        try await database.readStatement { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM idempotency_records WHERE scope = ? AND key = ? AND expires_at > ?"),
                arguments: [key.scope, key.key, now]
            ).map(IdempotencyRecord.init(row:))
        }
    }

    public func save(_ record: IdempotencyRecord) async throws {
        try await database.write { db in try Self.insert(record, db) }
    }

    public func purgeExpired(now: Int64) async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM idempotency_records WHERE expires_at <= ?").execute(arguments: [now])
            return db.changesCount
        }
    }

    /// Inserts `record`, or replaces an expired one with the same key, in one statement.
    /// - Throws: `Idempotency.keyInUse` when a live record holds the key: another process
    ///   stored it after this one's lookup.
    private static func insert(_ record: IdempotencyRecord, _ db: Database) throws {
        try db.cachedStatement(sql: """
                INSERT INTO idempotency_records (scope, key, fingerprint, status, reason, fields, body, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope, key) DO UPDATE SET
                    fingerprint = excluded.fingerprint, status = excluded.status, reason = excluded.reason, fields = excluded.fields,
                    body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE idempotency_records.expires_at <= excluded.created_at
                """).execute(arguments: [
                record.key.scope, record.key.key, record.fingerprint, record.response.status, record.response.reasonPhrase, record.response.fieldsText,
                Data(record.response.body),
                record.createdAt, record.expiresAt,
            ])
        // Neither inserted nor an expired record replaced: a live one holds the key.
        if db.changesCount == 0 { throw Idempotency.keyInUse }
    }
}

extension Account {
    init(row: Row) {
        self.init(id: row["id"], balance: Money(cents: row["balance_cents"]))
    }
}

extension Transfer {
    init(row: Row) {
        self.init(
            id: row["id"], from: row["from_account"], to: row["to_account"], amount: Money(cents: row["amount_cents"]),
            status: row["status"], createdAt: row["created_at"])
    }
}

extension IdempotencyRecord {
    init(row: Row) {
        let fields = StoredResponse.fields(fromText: row["fields"])
        let body: Data = row["body"]
        self.init(
            key: IdempotencyRecordKey(scope: row["scope"], key: row["key"]), fingerprint: row["fingerprint"],
            response: StoredResponse(status: row["status"], reasonPhrase: row["reason"], fields: fields, body: Array(body)), createdAt: row["created_at"],
            expiresAt: row["expires_at"])
    }
}
