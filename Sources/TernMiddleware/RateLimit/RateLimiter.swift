import TernHTTP

/// Token buckets by client key, in a table split into shards with a lock each: requests of
/// different clients rarely meet on a lock, and none is global.
///
/// Memory stays bounded: a shard that reaches its share of `maxKeys` first drops the buckets
/// that have refilled (losing nothing: a missing bucket is a full one), then, if still full,
/// the least recently used one (that client starts again with a full bucket).
public final class RateLimiter: Sendable {
    /// The quota every bucket follows.
    public let policy: RateLimitPolicy
    private let shards: [Shard]
    private let keysPerShard: Int

    /// Buckets for up to `maxKeys` clients in `shards` shards.
    public init(policy: RateLimitPolicy, maxKeys: Int = 100_000, shards: Int = 64) {
        precondition(maxKeys > 0 && shards > 0, "a rate limiter needs room for keys")
        self.policy = policy
        self.shards = (0..<shards).map { _ in Shard() }
        keysPerShard = max(1, maxKeys / shards)
    }

    /// Takes a token from `key`'s bucket.
    func take(_ key: String, at now: ContinuousClock.Instant) -> TokenBucket.Outcome {
        let client = ClientKey(key)
        let shard = shards[Int(UInt(bitPattern: client.hash) % UInt(shards.count))]
        return shard.buckets.withLock { buckets in
            if buckets.count >= keysPerShard, buckets[client] == nil {
                evict(from: &buckets, at: now)
            }
            return buckets[client, default: .full(policy, at: now)].take(at: now, policy: policy)
        }
    }

    /// A client key with its hash computed once, for both the shard and the table.
    struct ClientKey: Hashable {
        let text: String
        let hash: Int

        init(_ text: String) {
            self.text = text
            hash = Self.hash(of: text)
        }

        /// The key a thread hashed last, and its hash: a client's requests come one after
        /// another, and comparing the key with the last costs less than hashing it again.
        private final class LastHash {
            var text = ""
            var hash = "".hashValue
        }

        private static let lastHash = ThreadSlot()

        /// `text.hashValue`, remembered per thread for the last key.
        private static func hash(of text: String) -> Int {
            let last = lastHash.object(orMake: LastHash.init)
            if last.text != text {
                (last.text, last.hash) = (text, text.hashValue)
            }
            return last.hash
        }

        static func == (lhs: ClientKey, rhs: ClientKey) -> Bool { lhs.hash == rhs.hash && lhs.text == rhs.text }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// How many buckets are held, for tests and metrics.
    var count: Int {
        shards.reduce(0) { total, shard in total + shard.buckets.withLock { $0.count } }
    }

    private func evict(from buckets: inout [ClientKey: TokenBucket], at now: ContinuousClock.Instant) {
        buckets = buckets.filter { !$0.value.isFull(at: now, policy: policy) }
        if buckets.count >= keysPerShard, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[oldest.key] = nil
        }
    }

    private final class Shard: Sendable {
        let buckets = Locked<[ClientKey: TokenBucket]>([:])
    }
}
