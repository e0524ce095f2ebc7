import HTTPTypes
import Synchronization
import Testing
@testable import TernMiddleware
import TernHTTP

@Suite("RateLimit")
struct RateLimitTests {
    /// A clock the test moves.
    final class TestClock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    @Test func policyFieldFollowsTheDraft() {
        #expect(RateLimitPolicy(quota: 100, windowSeconds: 1).policyFieldValue == #""default";q=100;w=1"#)
        #expect(RateLimitPolicy(name: "a\"b", quota: 5, windowSeconds: 60).policyFieldValue == #""a\"b";q=5;w=60"#)
    }

    @Test func bucketBurstsThenRefillsEvenly() {
        let policy = RateLimitPolicy(quota: 3, windowSeconds: 3)
        let start = ContinuousClock.now
        var bucket = TokenBucket.full(policy, at: start)
        let burst = (0..<4).map { _ in bucket.take(at: start, policy: policy) }
        #expect(burst.map(\.allowed) == [true, true, true, false])
        #expect(burst.map(\.remaining) == [2, 1, 0, 0])
        #expect(burst[3].secondsUntilRefill == 1, "one token per second")
        #expect(bucket.take(at: start + .milliseconds(999), policy: policy).allowed == false)
        #expect(bucket.take(at: start + .milliseconds(2000), policy: policy).allowed == true)
        #expect(bucket.isFull(at: start + .seconds(10), policy: policy))
    }

    @Test func slowWindowsReportWholeSecondsToWait() {
        let policy = RateLimitPolicy(quota: 2, windowSeconds: 60)
        let start = ContinuousClock.now
        var bucket = TokenBucket.full(policy, at: start)
        _ = bucket.take(at: start, policy: policy)
        let last = bucket.take(at: start, policy: policy)
        #expect(last.remaining == 0)
        #expect(last.secondsUntilRefill == 30)
        #expect(bucket.take(at: start + .seconds(10), policy: policy).secondsUntilRefill == 20)
    }

    func middleware(_ clock: TestClock, quota: Int = 2, window: Int = 1, maxKeys: Int = 100) -> RateLimit {
        RateLimit(
            limiter: .local(RateLimiter(policy: RateLimitPolicy(quota: quota, windowSeconds: window), maxKeys: maxKeys, shards: 4)),
            exemptRoutes: ["/healthz"], key: RateLimit.principalOrHost, clock: { clock.now })
    }

    /// The limit as it runs on its own, or in the synchronous form a chain runs it in.
    func form(_ limit: RateLimit, synchronous: Bool) throws -> any Middleware {
        synchronous ? try #require(limit.synchronousForm) : limit
    }

    @Test func onlyBucketsInThisProcessRunSynchronously() {
        #expect(middleware(TestClock()).synchronousForm != nil)
        let shared = LeasedRateLimiter(policy: RateLimitPolicy(quota: 1, windowSeconds: 1), store: FakeLeaseStore(instances: 1))
        #expect(RateLimit(shared: shared).synchronousForm == nil)
    }

    @Test(arguments: [false, true])
    func annotatesAndRefusesWithTheDraftFields(synchronous: Bool) async throws {
        let clock = TestClock()
        let limit = try form(middleware(clock), synchronous: synchronous)
        let first = try await limit.handle(request(), context: context(), next: answer())
        #expect(first.headerFields[RateLimit.policyField] == #""default";q=2;w=1"#)
        #expect(first.headerFields[RateLimit.limitField] == #""default";r=1;t=1"#)
        _ = try await limit.handle(request(), context: context(), next: answer())
        let refused = await #expect(throws: HTTPError.self) {
            try await limit.handle(request(), context: context(), next: answer())
        }
        let error = try #require(refused)
        #expect(error.status == .tooManyRequests)
        #expect(error.headerFields[.retryAfter] == "1")
        #expect(error.headerFields[RateLimit.limitField] == #""default";r=0;t=1"#)
        #expect(Response(rendering: error, for: request(), context: context()).headerFields[.contentType] == "application/problem+json")
        // Another client is not affected; the first recovers after the refill.
        #expect(try await limit.handle(request(), context: context(host: "192.0.2.2"), next: answer()).status == .ok)
        clock.advance(.milliseconds(500))
        #expect(try await limit.handle(request(), context: context(), next: answer()).status == .ok)
    }

    @Test(arguments: [false, true])
    func exemptRoutesAreNeitherCountedNorAnnotated(synchronous: Bool) async throws {
        let limit = try form(middleware(TestClock(), quota: 1), synchronous: synchronous)
        for _ in 0..<5 {
            let response = try await limit.handle(request(), context: context(route: "/healthz"), next: answer())
            #expect(response.status == .ok)
            #expect(response.headerFields[RateLimit.limitField] == nil)
        }
    }

    @Test(arguments: [false, true])
    func errorsFromLaterStagesCarryTheFields(synchronous: Bool) async throws {
        let limit = try form(middleware(TestClock()), synchronous: synchronous)
        let response = try await limit.handle(request(), context: context(), next: ClosureResponder { _, _ in throw HTTPError(.notFound, detail: "no such thing") })
        #expect(response.status == .notFound)
        #expect(response.headerFields[RateLimit.limitField] != nil)
    }

    @Test func memoryStaysBounded() {
        let clock = TestClock()
        let limiter = RateLimiter(policy: RateLimitPolicy(quota: 10, windowSeconds: 1), maxKeys: 64, shards: 4)
        for client in 0..<10_000 {
            _ = limiter.take("client-\(client)", at: clock.now)
        }
        #expect(limiter.count <= 64)
        // Refilled buckets go first, and losing them loses nothing.
        clock.advance(.seconds(2))
        _ = limiter.take("late", at: clock.now)
        #expect(limiter.count <= 64)
    }

    @Test func concurrentClientsShareNoLockOrder() async {
        let limiter = RateLimiter(policy: RateLimitPolicy(quota: 1000, windowSeconds: 1000))
        let now = ContinuousClock.now
        let allowed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).filter { _ in limiter.take("shared", at: now).allowed }.count }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 1000, "exactly the quota, however the takes interleave")
    }
}
