import TernPostgres
import TernServer
import TernTesting
import Logging

/// A client on two loops of its own, against a new database of the shared test server.
struct PostgresFixture {
    let loops: EventLoopGroup
    let client: PostgresClient
    let postgres: TestPostgres
    let url: String

    /// Runs `body` with a fixture, closed afterwards whatever `body` does.
    static func with(loopCount: Int = 2, _ adjust: (inout PostgresConfiguration) -> Void = { _ in }, _ body: (PostgresFixture) async throws -> Void) async throws {
        let postgres = try await TestPostgres.shared()
        let fixture = try make(postgres: postgres, url: try await postgres.createDatabase(), loopCount: loopCount, adjust)
        do {
            try await body(fixture)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }

    static func make(postgres: TestPostgres, url: String, loopCount: Int = 2, _ adjust: (inout PostgresConfiguration) -> Void = { _ in }) throws -> PostgresFixture {
        var configuration = try PostgresConfiguration(url: url)
        adjust(&configuration)
        let loops = try EventLoopGroup(loopCount: loopCount)
        return PostgresFixture(loops: loops, client: PostgresClient(configuration: configuration, loops: loops, logger: quietLogger), postgres: postgres, url: url)
    }

    func close() async {
        await client.close()
        loops.shutdown()
        await loops.waitUntilStopped()
    }

    /// The database's name, from the URL.
    var database: String { String(url[url.index(after: url.lastIndex(of: "/")!)...]) }
}

/// The client's log in tests: only what is critical.
private let quietLogger: Logger = {
    var logger = Logger(label: "tern.postgres.test")
    logger.logLevel = .critical
    return logger
}()
