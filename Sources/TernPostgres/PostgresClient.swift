public import Logging
public import TernServer
import Synchronization

/// A PostgreSQL client that runs on Tern's event loops.
///
/// Each loop of `loops` keeps `connectionsPerLoop` non-blocking libpq connections in pipeline
/// mode, registered with that loop. A handler's statement goes out on its own loop's
/// connections and its result resumes the handler on the same loop: no thread hop, no
/// blocking call. Called from a thread that is not one of the loops (a test, start-up code),
/// the work is handed to one of them and the caller resumes where it was.
///
/// ```swift
/// let loops = try EventLoopGroup()
/// let db = try PostgresClient(configuration: PostgresConfiguration(url: url), loops: loops)
/// let rows = try await db.query("SELECT name FROM users WHERE id = \(id)")
/// let name = try rows.first?.decode(column: 0, as: String.self)
/// try await db.transaction { tx in
///     try await tx.query("UPDATE accounts SET balance = balance - \(amount) WHERE id = \(from)")
///     try await tx.query("UPDATE accounts SET balance = balance + \(amount) WHERE id = \(to)")
/// }
/// ```
///
/// Errors are `PostgresError`s: `.unavailable` when no connection could be had (nothing was
/// sent), `.connectionLost` when it broke after sending, `.server` with the SQLSTATE when
/// PostgreSQL refused.
public final class PostgresClient: Sendable {
    private let pools: [PoolReference]
    private let next = Atomic<Int>(0)

    /// Opens the connections of every loop (in the background; a statement sent before they are
    /// up waits for them, up to `acquireTimeout`). Not callable from a loop thread.
    public init(configuration: PostgresConfiguration, loops: EventLoopGroup, logger: Logger = Logger(label: "tern.postgres")) {
        pools = loops.loops.map { loop in
            loop.submitAndWait {
                PoolReference(LoopConnectionPool(loop: loop, configuration: configuration, logger: logger))
            }
        }
    }

    /// Runs one statement and returns its rows. Outside a transaction, each statement commits
    /// on its own.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await onPool { pool in try await pool.query(query) }
    }

    /// Runs `body` in one transaction: committed when `body` returns, rolled back when it
    /// throws (the error is then rethrown). A transaction that lost a serialization conflict
    /// or a deadlock (SQLSTATE 40001, 40P01) is run again from the start, up to `retries`
    /// more times; `body` must then be safe to run again (it should only talk to the
    /// database). The connection is the transaction's alone until it ends.
    ///
    /// - Throws: what `body` throws, or `PostgresError`; a `.connectionLost` during COMMIT
    ///   leaves the outcome unknown, as it does for any client.
    public func transaction<Value>(
        isolation: PostgresIsolationLevel = .readCommitted, retries: Int = 0,
        _ body: (PostgresTransaction) async throws -> Value
    ) async throws -> Value {
        try await onPool { pool in
            var attempt = 0
            while true {
                attempt += 1
                let transaction = PostgresTransaction(connection: try await pool.acquireForTransaction(), pool: pool.pool, isolation: isolation)
                do {
                    let value = try await body(transaction)
                    try await transaction.commit()
                    return value
                } catch {
                    await transaction.rollback()
                    if attempt <= retries, let conflict = error as? PostgresError, conflict.isRetryableConflict { continue }
                    throw error
                }
            }
        }
    }

    /// Whether the calling loop (or, off the loops, any loop) has a connection up now: what a
    /// health check reports.
    public var isConnected: Bool {
        get async {
            await onPool { pool in pool.pool.hasReadyConnection }
        }
    }

    /// Closes every connection; statements waiting fail with `.unavailable`, those in flight
    /// with `.connectionLost`. Call it before the loops' group shuts down.
    public func close() async {
        for reference in pools {
            await withTaskExecutorPreference(reference.loop) { reference.pool.close() }
        }
    }

    /// Runs `body` with the calling loop's pool, or on some loop with that loop's pool.
    private func onPool<Value>(_ body: (LoopPoolAccess) async throws -> Value) async rethrows -> Value {
        if let loop = EventLoopGroup.currentLoop, let reference = pools.first(where: { $0.loop === loop }) {
            return try await body(LoopPoolAccess(pool: reference.pool))
        }
        let reference = pools[next.add(1, ordering: .relaxed).oldValue % pools.count]
        return try await withTaskExecutorPreference(reference.loop) {
            try await body(LoopPoolAccess(pool: reference.pool))
        }
    }
}

/// A loop's pool, carried in the client that every loop shares.
private struct PoolReference: @unchecked Sendable {
    // Sendable proof: `pool` is only used through `LoopPoolAccess`, made in `onPool` only on the
    // pool's loop thread (the current loop, or inside a task-executor preference for it), and
    // every pool method checks `loop.isCurrent`.
    private let storedPool: LoopConnectionPool
    let loop: EventLoop

    init(_ pool: LoopConnectionPool) {
        storedPool = pool
        loop = pool.loop
    }

    var pool: LoopConnectionPool {
        precondition(loop.isCurrent, "a loop's PostgreSQL pool is used on its loop only")
        return storedPool
    }

    func close() {
        pool.close()
    }
}

/// A pool reached on its loop: statements as async calls.
struct LoopPoolAccess {
    let pool: LoopConnectionPool

    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withUnsafeThrowingContinuation { continuation in
            pool.acquire(exclusive: false) { acquired in
                switch acquired {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(let connection):
                    connection.send(query, sync: true) { continuation.resume(with: $0) }
                }
            }
        }
    }

    func acquireForTransaction() async throws -> PostgresConnection {
        let reserved = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ReservedConnection, any Error>) in
            pool.acquire(exclusive: true) { acquired in
                continuation.resume(with: acquired.map(ReservedConnection.init))
            }
        }
        return reserved.connection
    }
}

/// A connection reserved for a transaction, handed from the pool's callback to the task that
/// asked for it.
private struct ReservedConnection: @unchecked Sendable {
    // Sendable proof: made in the pool's callback on the loop thread and read by the awaiting
    // task, which resumes on the same loop (its executor preference is that loop: it called
    // `acquireForTransaction` through `onPool`).
    let connection: PostgresConnection
}
