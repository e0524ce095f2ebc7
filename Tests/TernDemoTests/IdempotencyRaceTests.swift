import GRDB
import Testing
import TernDemo
import TernHTTP
@testable import TernMiddleware

@Suite("Demo: a key another process stored between the lookup and the commit")
struct IdempotencyRaceTests {
    /// Two pools on one file stand for two processes: the other stores a live record for the
    /// key after this one found none, so this one's transfer must roll back whole and tell the
    /// client to retry (409 with Retry-After, as for a key in use in this process), not fail
    /// with a 500.
    @Test func theTransferRollsBackAndTheClientIsToldToRetry() async throws {
        try await withTemporaryDirectory { directory in
            let this = try DemoDatabase(directory: directory)
            let other = try DemoDatabase(directory: directory)
            let key = IdempotencyRecordKey(scope: "principal:demo", key: "raced")
            let now: Int64 = 1_800_000_000
            let stored = StoredResponse(status: 201, reasonPhrase: "Created", fields: [], body: Array("{}".utf8))
            try await SQLiteTransferStore(database: other).save(
                IdempotencyRecord(key: key, fingerprint: "same", response: stored, createdAt: now, expiresAt: now + 60))

            let claim = IdempotencyClaim(key: key, fingerprint: "same", createdAt: now, expiresAt: now + 60)
            await #expect {
                _ = try await SQLiteTransferStore(database: this).transfer(
                    Money(cents: 100), from: "alice", to: "bob", at: now, claim: claim
                ) { _ in Response(status: .created) }
            } throws: { error in
                guard let error = error as? HTTPError else { return false }
                return error.status == .conflict && error.headerFields[.retryAfter] == "1"
            }
            #expect(!claim.isStored)
            let (alice, transfers) = try await this.read { db in
                (try Int64.fetchOne(db, sql: "SELECT balance_cents FROM accounts WHERE id = 'alice'"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM transfers"))
            }
            #expect(alice == 100_000)
            #expect(transfers == 0)
        }
    }

    /// An expired record with the key is replaced, and the transfer commits with it.
    @Test func anExpiredRecordGivesWay() async throws {
        try await withTemporaryDirectory { directory in
            let database = try DemoDatabase(directory: directory)
            let store = SQLiteTransferStore(database: database)
            let key = IdempotencyRecordKey(scope: "principal:demo", key: "old")
            let now: Int64 = 1_800_000_000
            let stored = StoredResponse(status: 201, reasonPhrase: "Created", fields: [], body: [])
            try await store.save(IdempotencyRecord(key: key, fingerprint: "old", response: stored, createdAt: now - 120, expiresAt: now - 60))

            let claim = IdempotencyClaim(key: key, fingerprint: "new", createdAt: now, expiresAt: now + 60)
            let response = try await store.transfer(Money(cents: 100), from: "alice", to: "bob", at: now, claim: claim) { _ in
                Response(status: .created)
            }
            #expect(response.status == .created)
            #expect(claim.isStored)
            #expect(try await store.record(for: key, now: now)?.fingerprint == "new")
        }
    }
}
