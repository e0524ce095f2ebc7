public import HTTPTypes
public import TernHTTP
public import TernPostgres

/// The demo's PostgreSQL database (`--database-url`), shared by any number of instances:
/// statements and transactions whose failures to reach the database become 503.
public struct DemoPostgres: Sendable {
    /// The client, on the server's event loops.
    public let client: PostgresClient

    /// Wraps `client`, whose database `migrate()` has brought up to date.
    public init(client: PostgresClient) {
        self.client = client
    }

    /// Applies the migrations not yet applied, waiting up to `patience` for the database to
    /// accept connections and for another instance that is migrating it; returns their names.
    /// - Throws: `DatabaseUnavailable` when the database stayed out of reach.
    @discardableResult
    public func migrate(patience: Duration = .seconds(60)) async throws -> [String] {
        let giveUp = ContinuousClock.now + patience
        while true {
            do {
                return try await mappingUnavailable { try await PostgresMigrations.migrate(client) }
            } catch is DatabaseUnavailable where ContinuousClock.now < giveUp {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// One statement.
    /// - Throws: `DatabaseUnavailable` (503) when PostgreSQL cannot be reached or answer.
    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await mappingUnavailable { try await client.query(query) }
    }

    /// One READ COMMITTED transaction, retried on a deadlock (40P01).
    /// - Throws: what `body` throws, or `DatabaseUnavailable` (503).
    func transaction<Value>(_ body: (PostgresTransaction) async throws -> Value) async throws -> Value {
        try await mappingUnavailable { try await client.transaction(retries: 2, body) }
    }

    private func mappingUnavailable<Value>(_ access: () async throws -> Value) async throws -> Value {
        do {
            return try await access()
        } catch let error as PostgresError where error.isUnavailable {
            throw DatabaseUnavailable(cause: error)
        } catch let error as PostgresError where error.sqlState == "22021" {
            // Only a NUL can be refused so: every other text reached us as valid UTF-8.
            throw HTTPError(.badRequest, detail: "the request holds a NUL character, which no stored value can contain")
        }
    }

    /// PostgreSQL cannot be reached or did not answer: 503 with `Retry-After`; the cause is
    /// logged, not sent. A write may or may not have been applied when the connection was lost
    /// after sending it; a client retries with the same `Idempotency-Key`.
    public struct DatabaseUnavailable: HTTPResponseError, CustomStringConvertible {
        let cause: PostgresError

        public var problem: ProblemDetails {
            ProblemDetails(status: .serviceUnavailable, detail: "the database cannot be reached; retry later")
        }

        public var headerFields: HTTPFields { [.retryAfter: "1"] }

        public var description: String { "DatabaseUnavailable(\(cause))" }
    }
}
