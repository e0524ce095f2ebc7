import TernHTTP

/// Records in this process's memory: for tests, and for services that can lose them on a
/// restart. Expired records are dropped as new ones arrive, and by `purgeExpired`.
public final class InMemoryIdempotencyStore: IdempotencyStore {
    private let state = Locked(State())

    private struct State {
        var records: [IdempotencyRecordKey: IdempotencyRecord] = [:]
        /// Expired records are swept when the table reaches this size, which then doubles, so
        /// sweeping costs O(1) per save on average.
        var nextSweep = 1024
    }

    /// An empty store.
    public init() {}

    public func record(for key: IdempotencyRecordKey, now: Int64) async throws -> IdempotencyRecord? {
        state.withLock { state in
            guard let record = state.records[key], record.expiresAt > now else { return nil }
            return record
        }
    }

    public func save(_ record: IdempotencyRecord) async throws {
        state.withLock { state in
            if state.records.count >= state.nextSweep {
                state.records = state.records.filter { $0.value.expiresAt > record.createdAt }
                state.nextSweep = max(1024, state.records.count * 2)
            }
            state.records[record.key] = record
        }
    }

    public func purgeExpired(now: Int64) async throws -> Int {
        state.withLock { state in
            let before = state.records.count
            state.records = state.records.filter { $0.value.expiresAt > now }
            return before - state.records.count
        }
    }
}
