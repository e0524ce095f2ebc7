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
    // Sendable proof: `value` is only touched inside `withLock`, under `mutex`.
    private var mutex = pthread_mutex_t()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `body` with the value, holding the lock.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}
