/// One client's bucket: tokens left at an instant. Refill is computed lazily from the time
/// passed, so an idle bucket costs nothing and a full one carries no information (it can be
/// dropped and recreated full).
struct TokenBucket: Sendable {
    var tokens: Double
    var updated: ContinuousClock.Instant

    /// The verdict on one request.
    struct Outcome: Sendable, Hashable {
        let allowed: Bool
        /// Whole tokens left after this request.
        let remaining: Int
        /// Seconds until another token is available (0 when the bucket is full): the `t` of
        /// the `RateLimit` field, and `Retry-After` when refused.
        let secondsUntilRefill: Int
    }

    static func full(_ policy: RateLimitPolicy, at now: ContinuousClock.Instant) -> TokenBucket {
        TokenBucket(tokens: Double(policy.quota), updated: now)
    }

    /// The tokens at `now`, refilled up to the quota.
    func tokens(at now: ContinuousClock.Instant, policy: RateLimitPolicy) -> Double {
        let elapsed = max(.zero, now - updated)
        let seconds = Double(elapsed.wholeNanoseconds) / 1e9
        return min(Double(policy.quota), tokens + seconds * policy.refillRate)
    }

    func isFull(at now: ContinuousClock.Instant, policy: RateLimitPolicy) -> Bool {
        tokens(at: now, policy: policy) >= Double(policy.quota)
    }

    /// Takes one token when there is one.
    mutating func take(at now: ContinuousClock.Instant, policy: RateLimitPolicy) -> Outcome {
        var available = tokens(at: now, policy: policy)
        let allowed = available >= 1
        if allowed { available -= 1 }
        tokens = available
        updated = now
        let missing = available >= Double(policy.quota) ? 0 : 1 - (available - available.rounded(.down))
        // Less a nanosecond, so float error does not turn an exact 20 s into 21.
        let wait = missing == 0 ? 0 : max(1, Int((missing / policy.refillRate - 1e-9).rounded(.up)))
        return Outcome(allowed: allowed, remaining: Int(available), secondsUntilRefill: wait)
    }
}
