public import TernMiddleware
import TernPostgres

/// Rate-limit buckets shared by every instance, in PostgreSQL's `rate_limit_buckets`: one
/// statement refills a bucket by the server's clock and takes what it can of the tokens asked
/// for, atomically (the row is locked by the upsert).
///
/// The instance count it reports is the number of distinct `application_name`s of the form
/// `tern-demo/...` connected now: every instance names its connections after itself.
public struct PostgresRateLimitStore: RateLimitLeaseStore {
    /// The prefix of the `application_name` every instance gives its connections.
    public static let applicationNamePrefix = "tern-demo/"

    private let database: DemoPostgres

    /// A store over `database`, whose migrations created its table.
    public init(database: DemoPostgres) {
        self.database = database
    }

    public func lease(_ key: String, count: Int, policy: RateLimitPolicy) async throws -> RateLimitLease {
        let quota = Double(policy.quota)
        let rate = Double(policy.quota) / Double(policy.windowSeconds)
        let wanted = Double(count)
        let pattern = Self.applicationNamePrefix + "%"
        let rows = try await database.query("""
            WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t),
                 asked AS (SELECT \(wanted)::float8 AS wanted, \(quota)::float8 AS quota, \(rate)::float8 AS rate)
            INSERT INTO rate_limit_buckets AS b (key, tokens, granted, updated_at)
            SELECT \(key)::text, quota - least(wanted, quota), least(wanted, quota)::integer, t FROM now, asked
            ON CONFLICT (key) DO UPDATE SET
                granted = (SELECT least(wanted, floor(least(quota, b.tokens + greatest(excluded.updated_at - b.updated_at, 0) * rate)))::integer FROM asked),
                tokens = (SELECT least(quota, b.tokens + greatest(excluded.updated_at - b.updated_at, 0) * rate)
                    - least(wanted, floor(least(quota, b.tokens + greatest(excluded.updated_at - b.updated_at, 0) * rate))) FROM asked),
                updated_at = greatest(excluded.updated_at, b.updated_at)
            RETURNING granted, tokens,
                (SELECT count(DISTINCT application_name) FROM pg_stat_activity WHERE application_name LIKE \(pattern)::text)
            """)
        let (granted, remaining, instances) = try rows[0].decode((Int, Double, Int).self)
        return RateLimitLease(granted: granted, remaining: remaining, instances: instances)
    }

    /// Deletes the buckets that have refilled (a missing bucket is a full one).
    func purgeFull(windowSeconds: Int) async throws {
        _ = try await database.query("DELETE FROM rate_limit_buckets WHERE updated_at < extract(epoch FROM clock_timestamp()) - \(Double(windowSeconds))")
    }
}
