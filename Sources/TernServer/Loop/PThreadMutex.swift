#if canImport(Glibc)
import Glibc
#endif

/// State behind a `pthread_mutex_t`, for the one lock that every cross-thread resumption
/// takes (an event loop's queue of jobs from other threads).
///
/// Not `Synchronization.Mutex`: on Linux it hands a contended lock over through the kernel
/// (FUTEX_LOCK_PI), a handoff ThreadSanitizer cannot see, so `make sanitize` would report
/// races that are not there; a pthread mutex is understood by TSan and costs the same.
final class PThreadMutex<State>: @unchecked Sendable {
    // Sendable proof: `state` is only touched inside `withLock`, under `mutex`.
    private var mutex = pthread_mutex_t()
    private var state: State

    init(_ state: State) {
        self.state = state
        pthread_mutex_init(&mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
    }

    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&state)
    }
}
