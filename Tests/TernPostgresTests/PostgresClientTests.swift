import Testing
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif
import TernPostgres
import TernServer
import TernTesting

@Suite("PostgreSQL client against a real server")
struct PostgresClientTests {
    @Test func parameterTypesRoundTrip() async throws {
        try await PostgresFixture.with { fixture in
            let text = "O'Brien \"quoted\" ; DROP TABLE x; -- été 🙂"
            let bytes = PostgresBytes([0, 1, 0x7f, 0x80, 0xff])
            let rows = try await fixture.client.query("""
                SELECT \(Int16.min)::int2, \(Int32.max)::int4, \(Int64.min)::int8, \(42)::int8, \(text)::text,
                       \(true)::bool, \(false)::bool, \(0.1)::float8, \(-1.5e300)::float8, \(bytes)::bytea
                """)
            let row = try #require(rows.first)
            let (small, medium, large, int, string, yes, no, tenth, huge, blob) =
                try row.decode((Int16, Int32, Int64, Int, String, Bool, Bool, Double, Double, PostgresBytes).self)
            #expect(small == .min)
            #expect(medium == .max)
            #expect(large == .min)
            #expect(int == 42)
            #expect(string == text)
            #expect(yes && !no)
            #expect(tenth == 0.1)
            #expect(huge == -1.5e300)
            #expect(blob == bytes)
            #expect(rows.columns.count == 10)
        }
    }

    @Test func arraysBindAsArrayLiterals() async throws {
        try await PostgresFixture.with { fixture in
            let values: [String?] = ["plain", "with \"quotes\"", "back\\slash", "{braces}, commas", nil, ""]
            let rows = try await fixture.client.query("SELECT value FROM unnest(\(values)::text[]) WITH ORDINALITY AS t(value, position) ORDER BY position")
            #expect(try rows.map { try $0.decode(column: 0, as: String?.self) } == values)
        }
    }

    @Test func nullsBindAndDecodeAsOptionals() async throws {
        try await PostgresFixture.with { fixture in
            let missing: Int64? = nil
            let present: String? = "here"
            let row = try #require(try await fixture.client.query("SELECT \(missing)::int8, \(present)::text, NULL::text").first)
            #expect(try row.decode(column: 0, as: Int64?.self) == nil)
            #expect(try row.decode(column: 1, as: String?.self) == "here")
            #expect(throws: PostgresDecodingError.unexpectedNull) { try row.decode(column: 2, as: String.self) }
            #expect(throws: PostgresDecodingError.noSuchColumn(3)) { try row.decode(column: 3, as: String.self) }
            #expect(throws: PostgresDecodingError.self) { try row.decode(column: 1, as: Int.self) }
        }
    }

    @Test func aParameterWithANulIsRefusedNotCutShort() async throws {
        try await PostgresFixture.with { fixture in
            let error = await #expect(throws: PostgresError.self) { try await fixture.client.query("SELECT \("a\u{0}b")::text") }
            #expect(error?.sqlState == "22021")
            let after = try await fixture.client.query("SELECT \("ab")::text")[0].decode(column: 0, as: String.self)
            #expect(after == "ab")
        }
    }

    @Test func aLargeResultArrivesWhole() async throws {
        try await PostgresFixture.with { fixture in
            let rows = try await fixture.client.query("SELECT n, repeat('x', 100) FROM generate_series(1, \(200_000)::int) AS n")
            #expect(rows.count == 200_000)
            var sum = 0
            for row in rows { sum += try row.decode(column: 0, as: Int.self) }
            #expect(sum == 200_000 * 200_001 / 2)
            #expect(try rows[199_999].decode(column: 1, as: String.self).count == 100)
        }
    }

    @Test func pipelinedStatementsEachGetTheirOwnResultAndAFailureSpoilsNoOther() async throws {
        try await PostgresFixture.with({ $0.connectionsPerLoop = 1 }) { fixture in
            let client = fixture.client
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<Int, PostgresError>).self) { group in
                for index in 0..<500 {
                    group.addTask {
                        do {
                            // Every seventh divides by zero.
                            let divisor = index % 7 == 0 ? 0 : 1
                            let row = try await client.query("SELECT \(index)::int8 / \(divisor)::int8").first!
                            return (index, .success(try row.decode(column: 0, as: Int.self)))
                        } catch let error as PostgresError {
                            return (index, .failure(error))
                        }
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.count == 500)
            for (index, outcome) in outcomes {
                switch outcome {
                case .success(let value):
                    #expect(index % 7 != 0 && value == index)
                case .failure(let error):
                    #expect(index % 7 == 0 && error.sqlState == "22012", "\(index): \(error)")
                }
            }
        }
    }

    @Test func aBadStatementIsAServerErrorAndTheConnectionGoesOn() async throws {
        try await PostgresFixture.with({ $0.connectionsPerLoop = 1 }) { fixture in
            let error = await #expect(throws: PostgresError.self) { try await fixture.client.query("SELEC 1") }
            #expect(error?.kind == .server && error?.sqlState == "42601")
            let missing = await #expect(throws: PostgresError.self) { try await fixture.client.query("SELECT * FROM nowhere") }
            #expect(missing?.sqlState == "42P01")
            let one = try await fixture.client.query("SELECT 1")[0].decode(column: 0, as: Int.self)
            #expect(one == 1)
        }
    }

    /// A statement outside a transaction commits at the sync point after it, not when its
    /// own result arrives: a deferred constraint fails there, after the INSERT reported
    /// success. The caller hears the commit's outcome, and the connection goes on.
    @Test func aStatementIsAnsweredByItsCommitNotByItsOwnResult() async throws {
        try await PostgresFixture.with({ $0.connectionsPerLoop = 1 }) { fixture in
            let client = fixture.client
            _ = try await client.query("CREATE TABLE deferred (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)")
            _ = try await client.query("INSERT INTO deferred VALUES (1)")
            let error = await #expect(throws: PostgresError.self) { try await client.query("INSERT INTO deferred VALUES (1)") }
            #expect(error?.kind == .server && error?.sqlState == "23505", "\(String(describing: error))")
            let count = try await client.query("SELECT count(*) FROM deferred")[0].decode(column: 0, as: Int.self)
            #expect(count == 1)
        }
    }

    @Test func everyConnectionCarriesTheServerSideTimeouts() async throws {
        let timeouts: (inout PostgresConfiguration) -> Void = {
            $0.statementTimeout = .milliseconds(300)
            $0.lockTimeout = .milliseconds(200)
            $0.idleInTransactionTimeout = .seconds(7)
        }
        try await PostgresFixture.with(timeouts) { fixture in
            let settings = try await fixture.client.query("""
                SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),
                       current_setting('idle_in_transaction_session_timeout'), current_setting('TimeZone')
                """)
            let (statement, lock, idle, zone) = try settings[0].decode((String, String, String, String).self)
            #expect([statement, lock, idle, zone] == ["300ms", "200ms", "7s", "UTC"])
            let timedOut = await #expect(throws: PostgresError.self) { try await fixture.client.query("SELECT pg_sleep(5)") }
            #expect(timedOut?.sqlState == "57014")
        }
    }

    @Test func anAnswerOnALoopResumesTheHandlerOnThatLoop() async throws {
        try await PostgresFixture.with { fixture in
            let live = try LiveServer(responder: ThreadProbe(client: fixture.client), loops: fixture.loops)
            for _ in 0..<20 {
                let response = try await live.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(response.text == "loop=true same-thread=true rows=1")
            }
            await live.stop()
        }
    }
}

/// Answers whether its handler ran on a loop thread and resumed on the same thread after a
/// query.
private struct ThreadProbe: Responder {
    let client: PostgresClient

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        let before = pthread_self()
        let onLoop = Server.isEventLoopThread
        let rows = try await client.query("SELECT 1")
        let same = pthread_equal(before, pthread_self()) != 0
        return Response(status: .ok, body: .string("loop=\(onLoop) same-thread=\(same) rows=\(rows.count)"))
    }
}
