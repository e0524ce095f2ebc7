import GRDB
import TernHTTP

/// Group commit: durable writes that arrive while the writer is busy share one transaction,
/// and so one WAL append and one `fsync`, each in a savepoint of its own.
///
/// With `synchronous=FULL` every commit waits for the disk, and the commit (its `BEGIN`, WAL
/// frames and `fsync`) costs more than a small write's statements. Writes queue here; the
/// writer takes all that are waiting (up to `maximumBatch`) and runs them in one
/// transaction, one savepoint each:
///
/// - a write that throws is rolled back to its savepoint and gets its error; the others go on;
/// - a storage failure (`DemoDatabase.isStorageFailure`: full, read-only, I/O), or an
///   error after which SQLite has rolled the transaction back, abandons the batch: every
///   write of it gets the error;
/// - no write returns before the commit that holds it: when it returns, it is on disk.
///
/// Batches go through the pool's writer queue like any other write, one at a time, so other
/// writes still interleave with them.
final class GroupCommit: Sendable {
    /// One write waiting for the writer: what to run in its savepoint, and how to fail it.
    private struct Work: Sendable {
        /// Runs the write in its savepoint; returns what tells its caller, after the commit.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var waiting: [Work] = []
        /// A batch is on the writer queue or running, and will look at `waiting` again when
        /// it has committed: a new write only joins the queue.
        var scheduled = false
    }

    /// The most writes one transaction holds.
    static let maximumBatch = 64

    private let pool: DatabasePool
    private let queue = Locked(Queue())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `updates` in a savepoint of the next group transaction; returns its value after
    /// that transaction commits.
    /// - Throws: what `updates` threw (its changes rolled back), or the error of the
    ///   transaction (nothing of it written).
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
            let work = Work(
                run: { db in
                    let value = try updates(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            let schedule = queue.withLock { queue in
                queue.waiting.append(work)
                defer { queue.scheduled = true }
                return !queue.scheduled
            }
            if schedule { scheduleBatch() }
        }
    }

    /// Puts a batch on the writer queue. It takes what waits when it runs, and when it has
    /// committed, schedules the next if more came meanwhile: those share the next commit.
    private func scheduleBatch() {
        pool.asyncWriteWithoutTransaction { [self] db in
            let batch = queue.withLock { queue in
                let batch = Array(queue.waiting.prefix(Self.maximumBatch))
                queue.waiting.removeFirst(batch.count)
                return batch
            }
            commit(batch, db)
            let more = queue.withLock { queue in
                queue.scheduled = !queue.waiting.isEmpty
                return queue.scheduled
            }
            if more { scheduleBatch() }
        }
    }

    private func commit(_ batch: [Work], _ db: Database) {
        var outcomes: [@Sendable () -> Void] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                for work in batch {
                    do {
                        // Kept only once the savepoint is released: a failed release
                        // fails the write, which must then be resumed once, with the error.
                        var outcome: (@Sendable () -> Void)?
                        try db.inSavepoint {
                            outcome = try work.run(db)
                            return .commit
                        }
                        if let outcome { outcomes.append(outcome) }
                    } catch let error as DatabaseError where DemoDatabase.isStorageFailure(error) {
                        throw error
                    } catch {
                        // SQLite ends the whole transaction on some errors (an interrupt, no
                        // memory): the writes after it would then commit on their own.
                        guard db.isInsideTransaction else { throw error }
                        outcomes.append { work.fail(error) }
                    }
                }
                return .commit
            }
        } catch {
            for work in batch { work.fail(error) }
            return
        }
        for outcome in outcomes { outcome() }
    }
}
