import GRDB

/// `UserStore` on the demo's SQLite database.
public struct SQLiteUserStore: UserStore {
    private let database: DemoDatabase

    /// A store over `database`, whose migrations created its tables.
    public init(database: DemoDatabase) {
        self.database = database
    }

    public func user(id: Int64) async throws -> User? {
        try await database.readStatement { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id]).map(User.init(row:))
        }
    }

    public func users(afterID: Int64?, limit: Int) async throws -> UserListing {
        try await database.read { db in
            let users = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?"), arguments: [afterID ?? 0, limit])
                .map(User.init(row:))
            let changedAt = try Int64.fetchOne(db.cachedStatement(sql: "SELECT changed_at FROM collection_changes WHERE collection = 'users'")) ?? 0
            return UserListing(users: users, changedAt: changedAt)
        }
    }

    public func create(name: String, email: String, at seconds: Int64) async throws -> User {
        try await write { db in
            try db.cachedStatement(sql: "INSERT INTO users (name, email, created_at, updated_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [name, email, seconds, seconds])
            try Self.recordChange(db, at: seconds)
            return User(id: db.lastInsertedRowID, name: name, email: email, createdAt: seconds, updatedAt: seconds, version: 1)
        }
    }

    public func update(id: Int64, at seconds: Int64, _ decide: @escaping @Sendable (User) throws -> UserFields) async throws -> User? {
        try await write { db in
            guard var user = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id]).map(User.init(row:)) else {
                return nil
            }
            user = user.applying(try decide(user), at: seconds)
            try db.cachedStatement(sql: "UPDATE users SET name = ?, email = ?, updated_at = ?, version = ? WHERE id = ?")
                .execute(arguments: [user.name, user.email, user.updatedAt, user.version, id])
            try Self.recordChange(db, at: user.updatedAt)
            return user
        }
    }

    public func delete(id: Int64, at seconds: Int64, _ check: @escaping @Sendable (User) throws -> Void) async throws -> Bool {
        try await write { db in
            guard let user = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id]).map(User.init(row:)) else {
                return false
            }
            try check(user)
            try db.cachedStatement(sql: "DELETE FROM users WHERE id = ?").execute(arguments: [id])
            try Self.recordChange(db, at: seconds)
            return true
        }
    }

    /// Moves the collection's change time forward (never back, should the clock step back).
    private static func recordChange(_ db: Database, at seconds: Int64) throws {
        try db.cachedStatement(sql: "UPDATE collection_changes SET changed_at = max(changed_at, ?) WHERE collection = 'users'")
            .execute(arguments: [seconds])
    }

    /// A write transaction, with SQLite's unique-email violation turned into `emailTaken`.
    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw UserStoreError.emailTaken
        }
    }
}

extension User {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], email: row["email"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], version: row["version"])
    }
}
