import Synchronization
import TernHTTP
import Testing
import TernPostgres
import TernTesting

@Suite("PostgreSQL client when the server fails")
struct PostgresFailureTests {
    /// Sends `SELECT 1` until it succeeds; false only if it never did within the patience.
    private static func recovers(_ client: PostgresClient) async throws -> Bool {
        (try await firstAnswer(client, "SELECT 1")) != nil
    }

    /// Sends `query` until it is answered; nil only if it never was within the patience.
    /// After a restart each loop reconnects on its own backoff, so a statement routed to a
    /// loop still waiting is refused as unavailable although another loop is back.
    private static func firstAnswer(_ client: PostgresClient, _ query: PostgresQuery) async throws -> PostgresRows? {
        let giveUp = ContinuousClock.now + TestTiming.patience
        while ContinuousClock.now < giveUp {
            if let rows = try? await client.query(query) { return rows }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func aKilledBackendFailsWhatWasInFlightAndTheClientReconnects() async throws {
        try await PostgresFixture.with(loopCount: 1, { $0.connectionsPerLoop = 1 }) { fixture in
            let client = fixture.client
            _ = try await client.query("SELECT 1")
            let inFlight = Task { try await client.query("SELECT pg_sleep(30)") }
            // Wait until the sleep runs, then end its backend from another session.
            let database = fixture.database
            #expect(try await TestTiming.eventually {
                (try? fixture.postgres.psql("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE '%pg_sleep%' AND state = 'active'"))?.hasPrefix("1") == true
            })
            try fixture.postgres.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND application_name = 'tern'")
            let error = await #expect(throws: PostgresError.self) { try await inFlight.value }
            #expect(error?.isUnavailable == true, "\(String(describing: error))")
            #expect(try await Self.recovers(client))
        }
    }

    @Test func postgresStoppedAndStartedUnderLoad() async throws {
        let postgres = try await TestPostgres.start()
        defer { postgres.stopAndRemove() }
        let url = try await postgres.createDatabase()
        let fixture = try PostgresFixture.make(postgres: postgres, url: url)
        let client = fixture.client
        _ = try await client.query("CREATE TABLE writes (id bigint PRIMARY KEY)")

        let load = WriteLoad()
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while load.running.load(ordering: .relaxed) {
                            let id = load.next.add(1, ordering: .relaxed).newValue
                            do {
                                _ = try await client.query("INSERT INTO writes VALUES (\(id))")
                                load.tally.withLock { _ = $0.acknowledged.insert(id) }
                            } catch let error as PostgresError where error.isUnavailable {
                                load.tally.withLock { tally in
                                    tally.unavailable += 1
                                    if error.kind != .unavailable { tally.ambiguous.insert(id) }
                                }
                                try await Task.sleep(for: .milliseconds(5))
                            } catch {
                                load.tally.withLock { $0.otherErrors.append("\(error)") }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await TestTiming.eventually { load.tally.withLock { $0.acknowledged.count } >= 200 })
        postgres.stop()
        let before = load.tally.withLock { $0.unavailable }
        // Every statement sent while it is down is answered (no hang), as unavailable.
        #expect(try await TestTiming.eventually { load.tally.withLock { $0.unavailable } >= before + 50 })
        let acknowledgedWhileDown = load.tally.withLock { $0.acknowledged.count }
        try await postgres.restart()
        #expect(try await TestTiming.eventually { load.tally.withLock { $0.acknowledged.count } >= acknowledgedWhileDown + 200 })
        load.running.store(false, ordering: .relaxed)
        try await writers.value

        let final = load.tally.withLock { $0 }
        #expect(final.otherErrors.isEmpty, "\(final.otherErrors.prefix(3))")
        let rows = try #require(try await Self.firstAnswer(client, "SELECT id FROM writes"))
        let stored = Set(try rows.map { try $0.decode(column: 0, as: Int.self) })
        // Every acknowledged write is there; the only others are those whose answer was lost.
        #expect(final.acknowledged.isSubset(of: stored))
        #expect(stored.subtracting(final.acknowledged).isSubset(of: final.ambiguous))
        await fixture.close()
    }
}

/// What the writers of the stop-and-start test saw.
private final class WriteLoad: Sendable {
    struct Tally {
        var acknowledged: Set<Int> = []
        /// Writes whose answer was lost with the connection: they may or may not be stored.
        var ambiguous: Set<Int> = []
        var unavailable = 0
        var otherErrors: [String] = []
    }

    let tally = Locked(Tally())
    let running = Atomic<Bool>(true)
    let next = Atomic<Int>(0)
}
