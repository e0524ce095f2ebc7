import Logging
import Synchronization
import Testing
import TernHTTP
@testable import TernMiddleware

/// A shared bucket per key with no refill (a frozen clock), counting the leases asked for;
/// `reachable` false makes it throw, as a store that is down.
final class FakeLeaseStore: RateLimitLeaseStore {
    struct Down: Error {}
    let buckets = Locked<[String: Double]>([:])
    let calls = Atomic<Int>(0)
    let reachable = Atomic<Bool>(true)
    let instances: Int

    init(instances: Int) {
        self.instances = instances
    }

    func lease(_ key: String, count: Int, policy: RateLimitPolicy) async throws -> RateLimitLease {
        calls.add(1, ordering: .relaxed)
        guard reachable.load(ordering: .relaxed) else { throw Down() }
        return buckets.withLock { buckets in
            let tokens = buckets[key, default: Double(policy.quota)]
            let granted = min(count, Int(tokens))
            buckets[key] = tokens - Double(granted)
            return RateLimitLease(granted: granted, remaining: tokens - Double(granted), instances: instances)
        }
    }
}

@Suite("Rate limits leased from a shared store")
struct LeasedRateLimiterTests {
    let now = ContinuousClock.now

    @Test func tokensAreLeasedInBatchesAndSpentLocally() async {
        let store = FakeLeaseStore(instances: 1)
        let limiter = LeasedRateLimiter(policy: RateLimitPolicy(quota: 100, windowSeconds: 1), store: store)
        var admitted = 0
        for _ in 0..<150 where await limiter.take("k", at: now).allowed { admitted += 1 }
        #expect(admitted == 100)
        // 20 leases of 5 gave the 100; each refusal after them asked once more.
        #expect(store.calls.load(ordering: .relaxed) == 20 + 50)
    }

    @Test(arguments: [1, 3, 5])
    func aBurstSpreadOverEveryInstanceIsAdmittedWithinTheBound(instances: Int) async {
        let store = FakeLeaseStore(instances: instances)
        let quota = 100
        let limiters = (0..<instances).map { _ in LeasedRateLimiter(policy: RateLimitPolicy(quota: quota, windowSeconds: 10), store: store) }
        var admitted = 0
        for index in 0..<(3 * quota) where await limiters[index % instances].take("client", at: now).allowed { admitted += 1 }
        #expect(admitted <= quota)
        #expect(Double(admitted) >= 0.8 * Double(quota), "\(admitted) of \(quota)")
    }

    @Test func eachClientHasItsOwnBucket() async {
        let store = FakeLeaseStore(instances: 1)
        let limiter = LeasedRateLimiter(policy: RateLimitPolicy(quota: 3, windowSeconds: 1), store: store)
        for _ in 0..<3 { #expect(await limiter.take("a", at: now).allowed) }
        #expect(await !limiter.take("a", at: now).allowed)
        #expect(await limiter.take("b", at: now).allowed)
    }

    @Test func aRefusalAdvertisesTheWaitForTheNextToken() async {
        let store = FakeLeaseStore(instances: 1)
        let limiter = LeasedRateLimiter(policy: RateLimitPolicy(quota: 2, windowSeconds: 10), store: store)
        _ = await limiter.take("a", at: now)
        _ = await limiter.take("a", at: now)
        let refused = await limiter.take("a", at: now)
        #expect(!refused.allowed && refused.remaining == 0 && refused.secondsUntilRefill == 5)
    }

    @Test func whenTheStoreIsDownEachInstanceAdmitsItsShare() async {
        let store = FakeLeaseStore(instances: 4)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let limiter = LeasedRateLimiter(policy: RateLimitPolicy(quota: 100, windowSeconds: 1), store: store, logger: quiet)
        // One lease teaches it the instance count; then the store goes away.
        _ = await limiter.take("warm-up", at: now)
        store.reachable.store(false, ordering: .relaxed)
        var admitted = 0
        for _ in 0..<100 where await limiter.take("k", at: now).allowed { admitted += 1 }
        #expect(admitted == 25)
        store.reachable.store(true, ordering: .relaxed)
        #expect(await limiter.take("k", at: now).allowed, "the shared bucket decides again")
    }
}
