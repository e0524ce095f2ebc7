import Foundation
import TernPostgres

/// The demo's schema on PostgreSQL, as migrations applied in order, each once, recorded in
/// `schema_migrations`. Append new ones; never edit a shipped one.
///
/// Several instances may start together: the first to take the advisory lock migrates, in one
/// transaction (DDL is transactional in PostgreSQL); the others wait for the lock (up to 60 s),
/// then find nothing left to do.
enum PostgresMigrations {
    /// The advisory lock all instances take to migrate: any constant the demo owns.
    static let lockKey: Int64 = 0x7465_726E_6D69_6772 // "ternmigr"

    static let all: [(name: String, statements: [PostgresQuery])] = [
        ("1-users", [
            """
            CREATE TABLE users (
                id bigserial PRIMARY KEY,
                name text NOT NULL,
                email text NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                version bigint NOT NULL DEFAULT 1
            )
            """,
            // Case-insensitive uniqueness, as SQLite's NOCASE: ASCII letters only.
            "CREATE UNIQUE INDEX users_email ON users (lower(email))",
            "CREATE TABLE collection_changes (collection text PRIMARY KEY, changed_at bigint NOT NULL)",
        ]),
        ("2-seed-users", seedUsers(now: Int64(Date().timeIntervalSince1970))),
        ("3-accounts-transfers", [
            "CREATE TABLE accounts (id text PRIMARY KEY, balance_cents bigint NOT NULL CHECK (balance_cents >= 0))",
            """
            CREATE TABLE transfers (
                id bigserial PRIMARY KEY,
                from_account text NOT NULL REFERENCES accounts (id),
                to_account text NOT NULL REFERENCES accounts (id),
                amount_cents bigint NOT NULL CHECK (amount_cents > 0),
                status text NOT NULL,
                created_at bigint NOT NULL
            )
            """,
            """
            CREATE TABLE idempotency_records (
                scope text NOT NULL,
                key text NOT NULL,
                fingerprint text NOT NULL,
                status integer NOT NULL,
                reason text NOT NULL,
                fields text NOT NULL,
                body bytea NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (scope, key)
            )
            """,
            "CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at)",
        ]),
        ("4-seed-accounts", [
            "INSERT INTO accounts (id, balance_cents) VALUES ('alice', 100000), ('bob', 50000), ('carol', 0)",
        ]),
        // Rate-limit buckets shared by the instances: UNLOGGED (not in the WAL, emptied by a
        // crash, which only refills every bucket), times in seconds by the server's clock.
        ("5-rate-limit-buckets", [
            "CREATE UNLOGGED TABLE rate_limit_buckets (key text PRIMARY KEY, tokens float8 NOT NULL, granted integer NOT NULL, updated_at float8 NOT NULL)",
        ]),
    ]

    private static func seedUsers(now: Int64) -> [PostgresQuery] {
        [
            "INSERT INTO users (name, email, created_at, updated_at) VALUES ('Alice', 'alice@example.com', \(now), \(now)), ('Bob', 'bob@example.com', \(now), \(now))",
            "INSERT INTO collection_changes VALUES ('users', \(now))",
        ]
    }

    /// Applies the migrations `client`'s database has not seen. Returns their names.
    @discardableResult
    static func migrate(_ client: PostgresClient) async throws -> [String] {
        try await client.transaction { tx in
            _ = try await tx.query("SET LOCAL lock_timeout = '60s'")
            _ = try await tx.query("SET LOCAL statement_timeout = '60s'")
            _ = try await tx.query("SELECT pg_advisory_xact_lock(\(lockKey))")
            _ = try await tx.query("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let applied = Set(try await tx.query("SELECT name FROM schema_migrations").map { try $0.decode(column: 0, as: String.self) })
            var names: [String] = []
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements { _ = try await tx.query(statement) }
                _ = try await tx.query("INSERT INTO schema_migrations (name) VALUES (\(migration.name))")
                names.append(migration.name)
            }
            return names
        }
    }
}
