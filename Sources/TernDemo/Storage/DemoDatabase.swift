import Foundation
public import GRDB
public import HTTPTypes
public import TernHTTP

/// The demo's SQLite database in `--data-dir`: WAL mode (readers never wait for the writer),
/// `synchronous=FULL` (a committed write survives power loss), created and migrated at start.
///
/// GRDB runs every read and write on its own dispatch queues, never on the caller's thread,
/// so an event loop that awaits the database keeps serving other connections.
public final class DemoDatabase: Sendable {
    /// The connection pool: one writer, concurrent readers (WAL).
    public let pool: DatabasePool
    /// Writes that wait for the writer share its next commit.
    private let group: GroupCommit

    /// Opens (creating if needed) `directory/tern-demo.sqlite` and applies the migrations it
    /// has not seen yet.
    /// - Throws: `DemoDatabase.OpenError` when the directory or the file cannot be used.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OpenError(message: "cannot create the data directory \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.label = "tern-demo"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = (directory as NSString).appendingPathComponent("tern-demo.sqlite")
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw OpenError(message: "cannot open the database \(path): \(error)")
        }
        group = GroupCommit(pool: pool)
    }

    /// Runs `value` in a read transaction on GRDB's threads.
    /// - Throws: `StorageUnavailable` (503) when the disk fails the read.
    public func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageFailures { try await pool.read(value) }
    }

    /// Runs `statement`, a read by one SQL statement, on GRDB's threads without a transaction
    /// around it: SQLite runs a lone statement in a read transaction of its own, so it sees
    /// one committed state, and the `BEGIN` and `COMMIT` that `read` adds are saved. A read
    /// of two statements needs `read`, or it may see a write between them.
    /// - Throws: `StorageUnavailable` (503) when the disk fails the read.
    public func readStatement<T: Sendable>(_ statement: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageFailures { try await pool.unsafeRead(statement) }
    }

    /// Runs `updates` on GRDB's writer, in a savepoint of a transaction it may share with
    /// other writes that were waiting (`GroupCommit`); returns after that transaction commits.
    /// - Throws: what `updates` threw, its changes rolled back; `StorageUnavailable` (503)
    ///   when the disk is full, read-only or failing: the transaction rolled back and nothing
    ///   changed.
    public func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageFailures { try await group.write(updates) }
    }

    private func mappingStorageFailures<T>(_ access: () async throws -> T) async throws -> T {
        do {
            return try await access()
        } catch let error as DatabaseError where Self.isStorageFailure(error) {
            throw StorageUnavailable(error)
        }
    }

    /// Errors of the storage rather than of the request: full, read-only, I/O, cannot open.
    static func isStorageFailure(_ error: DatabaseError) -> Bool {
        [ResultCode.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_BUSY].contains(error.resultCode)
    }

    /// Waits for pending writes and closes every connection (at shutdown).
    public func close() throws {
        try pool.close()
    }

    /// The database cannot do its part now (a full or failing disk): 503 with `Retry-After`,
    /// the cause logged, not sent.
    public struct StorageUnavailable: HTTPResponseError {
        let cause: DatabaseError

        init(_ cause: DatabaseError) {
            self.cause = cause
        }

        public var problem: ProblemDetails {
            ProblemDetails(status: .serviceUnavailable, detail: "storage is unavailable; nothing was changed, retry later")
        }

        public var headerFields: HTTPFields { [.retryAfter: "5"] }
    }

    /// Why the database could not be opened, for the operator.
    public struct OpenError: Error, CustomStringConvertible {
        /// What went wrong, with the path concerned.
        public let message: String
        public var description: String { message }
    }
}
