import TernPostgres

/// `UserStore` on PostgreSQL, for several instances sharing one database. No cache: every read
/// sees the last committed write, whichever instance made it; each write locks the row and
/// runs `decide` (the precondition check) inside its transaction.
public struct PostgresUserStore: UserStore {
    private let database: DemoPostgres

    /// A store over `database`, whose migrations created its tables.
    public init(database: DemoPostgres) {
        self.database = database
    }

    public func user(id: Int64) async throws -> User? {
        try await database.query("SELECT id, name, email, created_at, updated_at, version FROM users WHERE id = \(id)").first.map(User.init(row:))
    }

    public func users(afterID: Int64?, limit: Int) async throws -> UserListing {
        // One statement, so the page and the collection's change time are of one snapshot.
        let rows = try await database.query("""
            SELECT c.changed_at, u.id, u.name, u.email, u.created_at, u.updated_at, u.version
            FROM collection_changes c
            LEFT JOIN LATERAL (SELECT * FROM users WHERE id > \(afterID ?? 0) ORDER BY id LIMIT \(limit)) u ON true
            WHERE c.collection = 'users'
            ORDER BY u.id
            """)
        let changedAt = try rows.first?.decode(column: 0, as: Int64.self) ?? 0
        let users = try rows.compactMap { row -> User? in
            guard try row.decode(column: 1, as: Int64?.self) != nil else { return nil }
            let (_, id, name, email, createdAt, updatedAt, version) = try row.decode((Int64, Int64, String, String, Int64, Int64, Int64).self)
            return User(id: id, name: name, email: email, createdAt: createdAt, updatedAt: updatedAt, version: version)
        }
        return UserListing(users: users, changedAt: changedAt)
    }

    public func create(name: String, email: String, at seconds: Int64) async throws -> User {
        try await mappingEmailTaken {
            let rows = try await database.query("""
                WITH created AS (
                    INSERT INTO users (name, email, created_at, updated_at) VALUES (\(name), \(email), \(seconds), \(seconds)) RETURNING id
                ), changed AS (
                    UPDATE collection_changes SET changed_at = greatest(changed_at, \(seconds)) WHERE collection = 'users'
                )
                SELECT id FROM created
                """)
            return User(id: try rows[0].decode(column: 0, as: Int64.self), name: name, email: email, createdAt: seconds, updatedAt: seconds, version: 1)
        }
    }

    public func update(id: Int64, at seconds: Int64, _ decide: @escaping @Sendable (User) throws -> UserFields) async throws -> User? {
        try await mappingEmailTaken {
            try await database.transaction { tx in
                guard var user = try await tx.query("SELECT id, name, email, created_at, updated_at, version FROM users WHERE id = \(id) FOR UPDATE").first.map(User.init(row:)) else {
                    return nil
                }
                user = user.applying(try decide(user), at: seconds)
                _ = try await tx.query("""
                    WITH updated AS (
                        UPDATE users SET name = \(user.name), email = \(user.email), updated_at = \(user.updatedAt), version = \(user.version) WHERE id = \(id)
                    )
                    UPDATE collection_changes SET changed_at = greatest(changed_at, \(user.updatedAt)) WHERE collection = 'users'
                    """)
                return user
            }
        }
    }

    public func delete(id: Int64, at seconds: Int64, _ check: @escaping @Sendable (User) throws -> Void) async throws -> Bool {
        try await database.transaction { tx in
            guard let user = try await tx.query("SELECT id, name, email, created_at, updated_at, version FROM users WHERE id = \(id) FOR UPDATE").first.map(User.init(row:)) else {
                return false
            }
            try check(user)
            _ = try await tx.query("""
                WITH deleted AS (DELETE FROM users WHERE id = \(id))
                UPDATE collection_changes SET changed_at = greatest(changed_at, \(seconds)) WHERE collection = 'users'
                """)
            return true
        }
    }

    private func mappingEmailTaken<Value>(_ write: () async throws -> Value) async throws -> Value {
        do {
            return try await write()
        } catch let error as PostgresError where error.isUniqueViolation {
            throw UserStoreError.emailTaken
        }
    }
}

extension User {
    init(row: PostgresRow) throws {
        let (id, name, email, createdAt, updatedAt, version) = try row.decode((Int64, String, String, Int64, Int64, Int64).self)
        self.init(id: id, name: name, email: email, createdAt: createdAt, updatedAt: updatedAt, version: version)
    }
}
