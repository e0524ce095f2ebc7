import Foundation
public import GRDB

/// The demo's SQLite database in `--data-dir`: WAL mode (readers never wait for the writer),
/// `synchronous=FULL` (a committed write survives power loss), created and migrated at start.
///
/// GRDB runs every read and write on its own dispatch queues, never on the caller's thread,
/// so an event loop that awaits the database keeps serving other connections.
public final class DemoDatabase: Sendable {
    /// The connection pool: one writer, concurrent readers (WAL).
    public let pool: DatabasePool

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
    }

    /// Waits for pending writes and closes every connection (at shutdown).
    public func close() throws {
        try pool.close()
    }

    /// Why the database could not be opened, for the operator.
    public struct OpenError: Error, CustomStringConvertible {
        /// What went wrong, with the path concerned.
        public let message: String
        public var description: String { message }
    }
}
