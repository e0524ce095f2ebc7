import TernServer

/// How a transaction sees other transactions' writes (PostgreSQL's `BEGIN ISOLATION LEVEL`).
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// One transaction on one connection, given to `PostgresClient.transaction`'s body. Use it only
/// inside that body.
///
/// `BEGIN` travels with the first statement, in the same pipeline, so a transaction costs no
/// extra round trip; a transaction that sent nothing sends no `BEGIN` and no `COMMIT`.
public final class PostgresTransaction {
    private let connection: PostgresConnection
    private let pool: LoopConnectionPool
    private let isolation: PostgresIsolationLevel
    private var began = false
    private var ended = false

    init(connection: PostgresConnection, pool: LoopConnectionPool, isolation: PostgresIsolationLevel) {
        self.connection = connection
        self.pool = pool
        self.isolation = isolation
    }

    /// Runs one statement inside the transaction and returns its rows.
    /// - Throws: `PostgresError`; after a `.server` error the transaction is aborted, and it
    ///   rolls back when the body ends, whatever the body does.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        precondition(!ended, "a transaction is used inside its body only")
        if connection.loop.isCurrent { return try await send(query) }
        return try await withTaskExecutorPreference(connection.loop) { try await send(query) }
    }

    private func send(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withUnsafeThrowingContinuation { continuation in
            if !began {
                began = true
                // Without a sync of its own: if BEGIN fails, the statement fails with its error.
                connection.send(PostgresQuery(sql: "BEGIN ISOLATION LEVEL \(isolation.rawValue)"), sync: false) { _ in }
            }
            connection.send(query, sync: true) { continuation.resume(with: $0) }
        }
    }

    func commit() async throws {
        defer { end() }
        guard began else { return }
        let rows = try await send("COMMIT")
        // COMMIT of a transaction that an error aborted succeeds, reporting ROLLBACK.
        if rows.command == "ROLLBACK" {
            throw PostgresError(.server, message: "the transaction was rolled back after an earlier error", sqlState: "25P02")
        }
    }

    func rollback() async {
        defer { end() }
        guard began, !ended, connection.state == .ready else { return }
        _ = try? await send("ROLLBACK")
    }

    private func end() {
        guard !ended else { return }
        ended = true
        pool.release(connection)
    }
}
