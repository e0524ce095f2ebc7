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
        migrator.registerMigration("3-accounts-transfers") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0)
                );
                CREATE TABLE transfers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    from_account TEXT NOT NULL REFERENCES accounts(id),
                    to_account TEXT NOT NULL REFERENCES accounts(id),
                    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE idempotency_records (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    body BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (scope, key)
                );
                CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);
                """)
        }
        // Once, when the database is new, like the users.
        migrator.registerMigration("4-seed-accounts") { db in
            for (id, cents) in [("alice", 100_000), ("bob", 50_000), ("carol", 0)] {
                try db.execute(sql: "INSERT INTO accounts (id, balance_cents) VALUES (?, ?)", arguments: [id, cents])
            }
        }
        return migrator
    }
}
