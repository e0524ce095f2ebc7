#if canImport(Glibc)
import Glibc
#endif

/// A value behind a `pthread_mutex_t`: Tern's lock for state that threads share.
///
/// Not `Synchronization.Mutex`: on Linux it hands a contended lock over through the kernel
/// (FUTEX_LOCK_PI), a handoff ThreadSanitizer cannot see, so `make sanitize` would report
/// races that are not there. A pthread mutex is understood by the sanitizers and costs the
/// same when uncontended.
///
/// ```swift
/// let counts = Locked([String: Int]())
/// counts.withLock { $0["a", default: 0] += 1 }
/// ```
public final class Locked<Value>: @unchecked Sendable {
    // Sendable proof: `value` is only touched inside `withLock`, under `mutex`. Both live in
    // memory of their own, so their addresses are stable and no access to them goes through
    // the class's dynamic exclusivity checks (the mutex is the check).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
