import Synchronization
import Testing
import TernDemo

@Suite("CachingUserStore stays coherent with its store")
struct CachingUserStoreTests {
    /// A store in memory that counts reads and can hold a read back until released.
    final class MemoryStore: UserStore {
        let table = Mutex<[Int64: User]>([1: User(id: 1, name: "A", email: "a@x", createdAt: 0, updatedAt: 0, version: 1)])
        let reads = Atomic<Int>(0)
        let lastID = Atomic<Int64>(1)

        func user(id: Int64) async throws -> User? {
            reads.add(1, ordering: .relaxed)
            return table.withLock { $0[id] }
        }

        func users(afterID: Int64?, limit: Int) async throws -> UserListing {
            UserListing(users: table.withLock { Array($0.values) }, changedAt: 0)
        }

        func create(name: String, email: String, at seconds: Int64) async throws -> User {
            let id = lastID.add(1, ordering: .relaxed).newValue
            return table.withLock { users in
                let user = User(id: id, name: name, email: email, createdAt: seconds, updatedAt: seconds, version: 1)
                users[user.id] = user
                return user
            }
        }

        func update(id: Int64, at seconds: Int64, _ decide: @escaping @Sendable (User) throws -> UserFields) async throws -> User? {
            try table.withLock { users in
                guard var user = users[id] else { return nil }
                let fields = try decide(user)
                user.name = fields.name
                user.version += 1
                users[id] = user
                return user
            }
        }

        func delete(id: Int64, at seconds: Int64, _ check: @escaping @Sendable (User) throws -> Void) async throws -> Bool {
            try table.withLock { users in
                guard let user = users[id] else { return false }
                try check(user)
                users[id] = nil
                return true
            }
        }
    }

    @Test func readsOnceThenFollowsWrites() async throws {
        let base = MemoryStore()
        let cache = CachingUserStore(wrapping: base)
        #expect(try await cache.user(id: 1)?.version == 1)
        #expect(try await cache.user(id: 1)?.version == 1)
        #expect(base.reads.load(ordering: .relaxed) == 1, "the second read came from memory")
        _ = try await cache.update(id: 1, at: 1) { _ in UserFields(name: "B", email: "a@x") }
        #expect(try await cache.user(id: 1)?.name == "B")
        #expect(try await cache.delete(id: 1, at: 2) { _ in })
        #expect(try await cache.user(id: 1) == nil)
        let created = try await cache.create(name: "C", email: "c@x", at: 3)
        #expect(try await cache.user(id: created.id)?.name == "C")
        #expect(base.reads.load(ordering: .relaxed) == 1)
    }

    @Test func answersFromMemoryOnlyWhatItHolds() async throws {
        let base = MemoryStore()
        let cache = CachingUserStore(wrapping: base)
        #expect(Self.name(cache.userInMemory(id: 1)) == "unknown", "nothing read yet")
        #expect(Self.name(base.userInMemory(id: 1)) == "unknown", "a store without memory knows nothing")
        _ = try await cache.user(id: 1)
        #expect(Self.name(cache.userInMemory(id: 1)) == "A")
        _ = try await cache.update(id: 1, at: 1) { _ in UserFields(name: "B", email: "a@x") }
        #expect(Self.name(cache.userInMemory(id: 1)) == "B")
        #expect(try await cache.delete(id: 1, at: 2) { _ in })
        #expect(Self.name(cache.userInMemory(id: 1)) == "deleted")
        let created = try await cache.create(name: "C", email: "c@x", at: 3)
        #expect(Self.name(cache.userInMemory(id: created.id)) == "C")
        #expect(base.reads.load(ordering: .relaxed) == 1)
    }

    private static func name(_ answer: UserInMemory) -> String {
        switch answer {
        case .user(let user): user.name
        case .deleted: "deleted"
        case .unknown: "unknown"
        }
    }

    @Test func aRefusedWriteChangesNothing() async throws {
        let cache = CachingUserStore(wrapping: MemoryStore())
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await cache.update(id: 1, at: 1) { _ in throw Refused() } }
        await #expect(throws: Refused.self) { try await cache.delete(id: 1, at: 1) { _ in throw Refused() } }
        #expect(try await cache.user(id: 1)?.version == 1)
    }

    @Test func staysBounded() async throws {
        let base = MemoryStore()
        let cache = CachingUserStore(wrapping: base, capacity: 4)
        for index in 0..<20 { _ = try await cache.create(name: "U\(index)", email: "u\(index)@x", at: 0) }
        for id in Int64(1)...21 { #expect(try await cache.user(id: id)?.id == id) }
    }
}
