/// Where users live. The demo's implementation is SQLite (`SQLiteUserStore`); a server-grade
/// database can replace it when several instances share state.
///
/// Every write runs `decide` inside its transaction, against the row as it is at that moment,
/// so a precondition check (`If-Match`) and the write it guards are atomic.
public protocol UserStore: Sendable {
    /// The user, or nil.
    func user(id: Int64) async throws -> User?

    /// What this store knows of the user without waiting (a copy in memory), or `.unknown`
    /// when only `user(id:)` can tell. The default knows nothing.
    func userInMemory(id: Int64) -> UserInMemory

    /// Up to `limit` users with ids above `afterID` (all when nil), by id, and when the
    /// collection last changed.
    func users(afterID: Int64?, limit: Int) async throws -> UserListing

    /// Adds a user with an id never used before (not even by a deleted user).
    /// - Throws: `UserStoreError.emailTaken`.
    func create(name: String, email: String, at seconds: Int64) async throws -> User

    /// Changes a user to what `decide` returns for its current state (it may throw to refuse);
    /// nil when there is no such user. - Throws: `UserStoreError.emailTaken`, or what `decide` throws.
    func update(id: Int64, at seconds: Int64, _ decide: @escaping @Sendable (User) throws -> UserFields) async throws -> User?

    /// Deletes a user after `check` accepts its current state; false when there is none.
    func delete(id: Int64, at seconds: Int64, _ check: @escaping @Sendable (User) throws -> Void) async throws -> Bool
}

/// A store's answer about a user from memory alone.
public enum UserInMemory: Sendable {
    /// The user as this store last wrote or read it.
    case user(User)
    /// The user was deleted (ids are never reused).
    case deleted
    /// Not in memory: ask `user(id:)`.
    case unknown
}

extension UserStore {
    public func userInMemory(id: Int64) -> UserInMemory { .unknown }
}

/// Part of the users collection, read in one transaction.
public struct UserListing: Sendable {
    /// The users, by id.
    public let users: [User]
    /// Seconds since 1970 of the last insert, update or delete of any user.
    public let changedAt: Int64

    /// A listing of `users` from a collection last changed at `changedAt`.
    public init(users: [User], changedAt: Int64) {
        self.users = users
        self.changedAt = changedAt
    }
}

/// The fields a client writes.
public struct UserFields: Sendable, Hashable {
    /// 1 to 100 characters.
    public var name: String
    /// One `@`, text on both sides.
    public var email: String

    /// The fields to write.
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

/// A write the store refuses.
public enum UserStoreError: Error, Hashable {
    /// Another user has this email (compared case-insensitively).
    case emailTaken
}
