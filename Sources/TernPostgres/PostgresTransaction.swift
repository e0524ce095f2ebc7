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

    /// Runs `queries` in order, sent together in one pipeline (one round trip for them all),
    /// and returns each one's rows. Use it for statements that need no answer from one another.
    /// - Throws: the first statement's error; the statements after it do not run, and the
    ///   transaction is aborted as by `query(_:)`.
    public func query(_ queries: [PostgresQuery]) async throws -> [PostgresRows] {
        precondition(!ended, "a transaction is used inside its body only")
        if connection.loop.isCurrent { return try await send(queries) }
        return try await withTaskExecutorPreference(connection.loop) { try await send(queries) }
    }

    /// Runs `queries`, then commits, all sent together: the transaction's last round trip
    /// carries its last statements, so locks it holds are released one round trip sooner. The
    /// transaction ends here; its body should return.
    /// - Throws: the first statement's error (nothing is committed: the transaction rolls back
    ///   when the body ends), or `PostgresError` with SQLSTATE 25P02 when PostgreSQL rolled
    ///   back instead of committing.
    public func commit(after queries: [PostgresQuery]) async throws -> [PostgresRows] {
        precondition(!ended, "a transaction is used inside its body only")
        if connection.loop.isCurrent { return try await commitSending(queries) }
        return try await withTaskExecutorPreference(connection.loop) { try await commitSending(queries) }
    }

    private func send(_ query: PostgresQuery) async throws -> PostgresRows {
        try await send([query])[0]
    }

    /// Sends `queries` with one sync point after the last (after an error, PostgreSQL skips the
    /// rest up to it), preceded by `BEGIN` if this is the transaction's first statement.
    private func send(_ queries: [PostgresQuery]) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        return try await withUnsafeThrowingContinuation { continuation in
            if !began {
                began = true
                // Without a sync of its own: if BEGIN fails, the statement fails with its error.
                connection.send(PostgresQuery(sql: "BEGIN ISOLATION LEVEL \(isolation.rawValue)"), sync: false) { _ in }
            }
            var outcomes: [Result<PostgresRows, PostgresError>] = []
            outcomes.reserveCapacity(queries.count)
            for (index, query) in queries.enumerated() {
                connection.send(query, sync: index == queries.count - 1) { outcome in
                    // Completions come in order, on the loop; the last resumes the caller.
                    outcomes.append(outcome)
                    guard outcomes.count == queries.count else { return }
                    continuation.resume(with: Result { try outcomes.map { try $0.get() } })
                }
            }
        }
    }

    private func commitSending(_ queries: [PostgresQuery]) async throws -> [PostgresRows] {
        let results = try await send(queries + ["COMMIT"])
        // COMMIT of a transaction that an error aborted succeeds, reporting ROLLBACK.
        if results[results.count - 1].command == "ROLLBACK" {
            end()
            throw PostgresError(.server, message: "the transaction was rolled back after an earlier error", sqlState: "25P02")
        }
        end()
        return Array(results.dropLast())
    }

    /// Commits what the body left open: nothing when it sent nothing or committed itself.
    func commit() async throws {
        guard !ended else { return }
        guard began else { return end() }
        _ = try await commitSending([])
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
