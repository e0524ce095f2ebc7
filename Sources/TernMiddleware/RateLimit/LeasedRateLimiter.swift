public import Logging
import Synchronization
import TernHTTP

/// A rate limit that holds across processes: each client's bucket lives in a shared store,
/// and each process leases tokens from it a few at a time (`batch`), spending them locally
/// without a round trip until they run out or expire (after one window).
///
/// A client that spreads a burst over every process is admitted at most what the shared bucket
/// gave (`quota`, plus what refills meanwhile) and at least that less the tokens left unspent in
/// other processes' leases (at most `instances × (batch − 1)`): with the default batch of a
/// twentieth of the quota, between 0.85 × and 1 × the quota for three processes.
///
/// When the store cannot be reached, the limiter fails open to a local bucket of
/// `quota / instances` (the last count the store reported), so the processes together admit
/// about the quota; once the store answers again, the shared bucket decides.
public final class LeasedRateLimiter: Sendable {
    /// The quota every bucket follows.
    public let policy: RateLimitPolicy
    private let store: any RateLimitLeaseStore
    private let batch: Int
    private let leases = Locked<[String: Lease]>([:])
    private let maxKeys: Int
    private let instances = Atomic<Int>(1)
    private let fallbacks = Locked<[Int: RateLimiter]>([:])
    private let logger: Logger
    /// Whether the last lease failed: the change either way is logged once.
    private let storeFailing = Atomic<Bool>(false)

    private struct Lease {
        var tokens: Int
        var sharedRemaining: Double
        let expires: ContinuousClock.Instant
    }

    /// Leases from `store`, `batch` tokens at a time (default: a twentieth of the quota, at
    /// least 1), for up to `maxKeys` clients at once; says on `logger` when the store fails
    /// and when it answers again.
    public init(
        policy: RateLimitPolicy, store: any RateLimitLeaseStore, batch: Int? = nil, maxKeys: Int = 100_000,
        logger: Logger = Logger(label: "tern.rate-limit")
    ) {
        self.policy = policy
        self.logger = logger
        self.store = store
        self.batch = max(1, batch ?? policy.quota / 20)
        self.maxKeys = max(1, maxKeys)
    }

    /// Takes a token for `key`: from this process's lease, else from a new lease, else (store
    /// unreachable) from the local fallback bucket.
    func take(_ key: String, at now: ContinuousClock.Instant) async -> TokenBucket.Outcome {
        if let outcome = spendLeased(key, at: now) { return outcome }
        let lease: RateLimitLease
        do {
            lease = try await store.lease(key, count: batch, policy: policy)
        } catch {
            if !storeFailing.exchange(true, ordering: .relaxed) {
                logger.warning("the shared rate-limit store failed; limiting locally to this instance's share", metadata: ["error": "\(error)"])
            }
            return fallback().take(key, at: now)
        }
        if storeFailing.exchange(false, ordering: .relaxed) {
            logger.info("the shared rate-limit store answers again")
        }
        instances.store(lease.instances, ordering: .relaxed)
        guard lease.granted > 0 else {
            return TokenBucket.Outcome(allowed: false, remaining: 0, secondsUntilRefill: secondsUntilToken(lease.remaining))
        }
        leases.withLock { leases in
            if leases.count >= maxKeys { leases = leases.filter { $0.value.expires > now && $0.value.tokens > 0 } }
            if leases.count >= maxKeys { leases.removeAll() }
            leases[key] = Lease(tokens: lease.granted - 1, sharedRemaining: lease.remaining, expires: now + .seconds(policy.windowSeconds))
        }
        return TokenBucket.Outcome(
            allowed: true, remaining: lease.granted - 1 + Int(lease.remaining), secondsUntilRefill: secondsUntilToken(lease.remaining))
    }

    private func spendLeased(_ key: String, at now: ContinuousClock.Instant) -> TokenBucket.Outcome? {
        leases.withLock { leases in
            guard var lease = leases[key], lease.tokens > 0, lease.expires > now else { return nil }
            lease.tokens -= 1
            leases[key] = lease
            return TokenBucket.Outcome(
                allowed: true, remaining: lease.tokens + Int(lease.sharedRemaining), secondsUntilRefill: secondsUntilToken(lease.sharedRemaining))
        }
    }

    /// Seconds until the shared bucket holds another whole token: 0 when it is full.
    private func secondsUntilToken(_ remaining: Double) -> Int {
        guard remaining < Double(policy.quota) else { return 0 }
        let missing = 1 - remaining.truncatingRemainder(dividingBy: 1)
        return max(1, Int((missing / policy.refillRate - 1e-9).rounded(.up)))
    }

    /// The local bucket for `quota / instances`.
    private func fallback() -> RateLimiter {
        let instances = instances.load(ordering: .relaxed)
        return fallbacks.withLock { fallbacks in
            if let limiter = fallbacks[instances] { return limiter }
            let share = RateLimitPolicy(name: policy.name, quota: max(1, policy.quota / instances), windowSeconds: policy.windowSeconds)
            let limiter = RateLimiter(policy: share)
            fallbacks[instances] = limiter
            return limiter
        }
    }
}
