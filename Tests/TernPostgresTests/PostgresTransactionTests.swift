import Testing
import TernPostgres
import TernTesting

@Suite("PostgreSQL transactions")
struct PostgresTransactionTests {
    private static func makeTable(_ client: PostgresClient) async throws {
        _ = try await client.query("CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)")
        _ = try await client.query("INSERT INTO counters VALUES (1, 0), (2, 0)")
    }

    private static func value(_ client: PostgresClient, id: Int) async throws -> Int {
        try await client.query("SELECT value FROM counters WHERE id = \(id)")[0].decode(column: 0, as: Int.self)
    }

    @Test func aTransactionCommitsWhenItsBodyReturns() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let returned = try await client.transaction { tx in
                _ = try await tx.query("UPDATE counters SET value = value + 5 WHERE id = 1")
                return try await tx.query("UPDATE counters SET value = value - 5 WHERE id = 2 RETURNING value")[0].decode(column: 0, as: Int.self)
            }
            #expect(returned == -5)
            #expect(try await Self.value(client, id: 1) == 5)
            #expect(try await Self.value(client, id: 2) == -5)
        }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() async throws {
        struct Refusal: Error {}
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            await #expect(throws: Refusal.self) {
                try await client.transaction { tx in
                    _ = try await tx.query("UPDATE counters SET value = 99 WHERE id = 1")
                    throw Refusal()
                }
            }
            #expect(try await Self.value(client, id: 1) == 0)
        }
    }

    @Test func aTransactionWhoseStatementFailedNeverCommits() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            // The body swallows the error and returns: the transaction is still rolled back.
            let error = await #expect(throws: PostgresError.self) {
                try await client.transaction { tx in
                    _ = try await tx.query("UPDATE counters SET value = 7 WHERE id = 1")
                    _ = try? await tx.query("INSERT INTO counters VALUES (1, 1)")
                }
            }
            #expect(error?.sqlState == "25P02")
            #expect(try await Self.value(client, id: 1) == 0)
        }
    }

    @Test func statementsSentTogetherAnswerInOrder() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let values = try await client.transaction { tx in
                try await tx.query([
                    "UPDATE counters SET value = 3 WHERE id = 1 RETURNING value",
                    "UPDATE counters SET value = (SELECT value FROM counters WHERE id = 1) * 2 WHERE id = 2 RETURNING value",
                    "SELECT sum(value) FROM counters",
                ]).map { try $0[0].decode(column: 0, as: Int.self) }
            }
            #expect(values == [3, 6, 9])
            #expect(try await Self.value(client, id: 2) == 6)
        }
    }

    @Test func aFailureAmongStatementsSentTogetherStopsTheRestAndRollsBack() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let error = await #expect(throws: PostgresError.self) {
                try await client.transaction { tx in
                    _ = try await tx.query([
                        "UPDATE counters SET value = 1 WHERE id = 1",
                        "INSERT INTO counters VALUES (2, 0)",
                        "UPDATE counters SET value = 1 WHERE id = 2",
                    ])
                }
            }
            #expect(error?.isUniqueViolation == true)
            #expect(try await Self.value(client, id: 1) == 0)
            #expect(try await Self.value(client, id: 2) == 0)
            // The connection went back to the pool clean.
            #expect(try await client.query("SELECT 1")[0].decode(column: 0, as: Int.self) == 1)
        }
    }

    @Test func commitAfterStatementsCommitsThemInOneRoundTrip() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let returned = try await client.transaction { tx in
                let before = try await tx.query("SELECT value FROM counters WHERE id = 1 FOR UPDATE")[0].decode(column: 0, as: Int.self)
                return try await tx.commit(after: [
                    "UPDATE counters SET value = \(before + 4) WHERE id = 1 RETURNING value",
                    "UPDATE counters SET value = 8 WHERE id = 2",
                ])[0][0].decode(column: 0, as: Int.self)
            }
            #expect(returned == 4)
            #expect(try await Self.value(client, id: 1) == 4)
            #expect(try await Self.value(client, id: 2) == 8)
        }
    }

    @Test func aFailureBeforeTheCommitItTravelsWithCommitsNothing() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let error = await #expect(throws: PostgresError.self) {
                try await client.transaction { tx in
                    _ = try await tx.query("UPDATE counters SET value = 5 WHERE id = 2")
                    _ = try await tx.commit(after: ["UPDATE counters SET value = 5 WHERE id = 1", "INSERT INTO counters VALUES (1, 0)"])
                }
            }
            #expect(error?.isUniqueViolation == true)
            #expect(try await Self.value(client, id: 1) == 0)
            #expect(try await Self.value(client, id: 2) == 0)
            #expect(try await client.query("SELECT 1")[0].decode(column: 0, as: Int.self) == 1)
        }
    }

    @Test func aConnectionHeldByATransactionCarriesNothingElse() async throws {
        // One loop with one connection: a statement sent while the transaction holds it must
        // wait, and so it sees the committed write, never the transaction's uncommitted one.
        try await PostgresFixture.with(loopCount: 1, { $0.connectionsPerLoop = 1 }) { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let other = try await client.transaction { tx in
                _ = try await tx.query("UPDATE counters SET value = 1 WHERE id = 1")
                let other = Task { try await client.query("SELECT value FROM counters WHERE id = 1") }
                try await Task.sleep(for: .milliseconds(50))
                _ = try await tx.query("UPDATE counters SET value = 2 WHERE id = 1")
                return other
            }
            #expect(try await other.value[0].decode(column: 0, as: Int.self) == 2)
        }
    }

    @Test func serializationConflictsAreRetriedWhenAsked() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let writers = 8
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        try await client.transaction(isolation: .serializable, retries: 50) { tx in
                            let current = try await tx.query("SELECT value FROM counters WHERE id = 1")[0].decode(column: 0, as: Int.self)
                            _ = try await tx.query("UPDATE counters SET value = \(current + 1) WHERE id = 1")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.value(client, id: 1) == writers)
        }
    }

    @Test func withoutRetriesAConflictReachesTheCaller() async throws {
        try await PostgresFixture.with { fixture in
            let client = fixture.client
            try await Self.makeTable(client)
            let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            try await client.transaction(isolation: .serializable) { tx in
                                let current = try await tx.query("SELECT value FROM counters WHERE id = 1")[0].decode(column: 0, as: Int.self)
                                try await Task.sleep(for: .milliseconds(20))
                                _ = try await tx.query("UPDATE counters SET value = \(current + 1) WHERE id = 1")
                            }
                            return false
                        } catch let error as PostgresError where error.isRetryableConflict {
                            return true
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(failures > 0)
            #expect(try await Self.value(client, id: 1) == 8 - failures)
        }
    }
}
