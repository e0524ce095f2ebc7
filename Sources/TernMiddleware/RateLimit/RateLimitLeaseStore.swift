/// Token buckets shared by several processes (in a database), from which each process leases
/// tokens in small batches: `LeasedRateLimiter`'s backend.
public protocol RateLimitLeaseStore: Sendable {
    /// Takes up to `count` tokens from `key`'s shared bucket, which starts full (`policy.quota`)
    /// and refills at the policy's rate by the store's own clock, atomically for every process.
    /// - Throws: when the store cannot be reached; the limiter then limits locally.
    func lease(_ key: String, count: Int, policy: RateLimitPolicy) async throws -> RateLimitLease
}

/// What a lease gave.
public struct RateLimitLease: Sendable, Hashable {
    /// Tokens taken for the caller (0 to the count asked for).
    public var granted: Int
    /// Tokens left in the shared bucket afterwards.
    public var remaining: Double
    /// Processes sharing the buckets now (at least 1), for the share each may admit alone
    /// while the store cannot be reached.
    public var instances: Int

    public init(granted: Int, remaining: Double, instances: Int) {
        self.granted = granted
        self.remaining = remaining
        self.instances = max(1, instances)
    }
}
