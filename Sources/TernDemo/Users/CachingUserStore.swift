import TernHTTP

/// A `UserStore` that answers `user(id:)` from memory after the first read, so the hot read
/// path touches neither SQLite nor another thread.
///
/// It stays coherent because every write goes through it and the cache only moves forward:
/// an entry is replaced only by a higher version, a deleted user leaves a tombstone (ids are
/// never reused), and a read that raced with a `clear` (the size bound) is not inserted. Valid
/// while this process is the database's only writer; with several instances sharing a
/// database, use the wrapped store directly.
public final class CachingUserStore: UserStore {
    private let base: any UserStore
    private let capacity: Int
    private let state = Locked(State())

    private struct State {
        /// What is known of each user read or written (never `.unknown`).
        var entries: [Int64: UserInMemory] = [:]
        /// Bumped by every clear, so a read that started before it is not inserted after it.
        var generation = 0

        /// What is known of user `id`: `.unknown` when it has no entry.
        func memory(of id: Int64) -> UserInMemory {
            entries[id] ?? .unknown
        }

        /// Empties the cache when it is full: simple, rare, and safe with the generation check.
        mutating func makeRoom(capacity: Int) {
            if entries.count >= capacity {
                entries.removeAll(keepingCapacity: true)
                generation += 1
            }
        }
    }

    /// Caches `base`'s users, up to `capacity` entries (then it starts afresh).
    public init(wrapping base: any UserStore, capacity: Int = 10_000) {
        self.base = base
        self.capacity = max(1, capacity)
    }

    public func user(id: Int64) async throws -> User? {
        let (cached, generation) = state.withLock { ($0.memory(of: id), $0.generation) }
        switch cached {
        case .user(let user): return user
        case .deleted: return nil
        case .unknown: break
        }
        let user = try await base.user(id: id)
        if let user { remember(user, ifGeneration: generation) }
        return user
    }

    /// The cached entry, read under the lock: a hit costs the caller no suspension.
    public func userInMemory(id: Int64) -> UserInMemory {
        state.withLock { $0.memory(of: id) }
    }

    public func users(afterID: Int64?, limit: Int) async throws -> UserListing {
        try await base.users(afterID: afterID, limit: limit)
    }

    public func create(name: String, email: String, at seconds: Int64) async throws -> User {
        let user = try await base.create(name: name, email: email, at: seconds)
        remember(user, ifGeneration: nil)
        return user
    }

    public func update(id: Int64, at seconds: Int64, _ decide: @escaping @Sendable (User) throws -> UserFields) async throws -> User? {
        let user = try await base.update(id: id, at: seconds, decide)
        if let user { remember(user, ifGeneration: nil) }
        return user
    }

    public func delete(id: Int64, at seconds: Int64, _ check: @escaping @Sendable (User) throws -> Void) async throws -> Bool {
        let deleted = try await base.delete(id: id, at: seconds, check)
        if deleted {
            state.withLock { state in
                state.makeRoom(capacity: capacity)
                state.entries[id] = .deleted
            }
        }
        return deleted
    }

    /// Keeps `user` unless the cache already knows a later state of it; a read (with the
    /// `generation` it started in) is dropped when a clear happened since.
    private func remember(_ user: User, ifGeneration generation: Int?) {
        state.withLock { state in
            if let generation, generation != state.generation { return }
            switch state.memory(of: user.id) {
            case .deleted: return
            case .user(let known) where known.version >= user.version: return
            case .user, .unknown: break
            }
            state.makeRoom(capacity: capacity)
            state.entries[user.id] = .user(user)
        }
    }
}
