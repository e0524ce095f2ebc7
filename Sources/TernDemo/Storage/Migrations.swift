import GRDB
import Foundation

/// The schema, as migrations applied in order, each once; GRDB records the applied ones in
/// its `grdb_migrations` table. Append new migrations; never edit a shipped one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-users") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1
                )
                """)
            // When each collection last changed (any insert, update or delete): the
            // collection's Last-Modified, which item dates alone cannot give after a delete.
            try db.execute(sql: "CREATE TABLE collection_changes (collection TEXT PRIMARY KEY, changed_at INTEGER NOT NULL)")
        }
        // Runs once, when the database is new: deleting Alice later does not bring her back.
        migrator.registerMigration("2-seed-users") { db in
            let now = Int64(Date().timeIntervalSince1970)
            for (name, email) in [("Alice", "alice@example.com"), ("Bob", "bob@example.com")] {
                try db.execute(
                    sql: "INSERT INTO users (name, email, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    arguments: [name, email, now, now])
            }
            try db.execute(sql: "INSERT INTO collection_changes VALUES ('users', ?)", arguments: [now])
        }
        return migrator
    }
}
