#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An event loop that runs deferred work when it has nothing ready: what lets code serving a
/// request batch what it would otherwise do once per request (the access log's one `write` for
/// a burst of lines instead of one per line).
///
/// A transport that runs event loops installs each loop on its thread (`IdleWork.install`).
/// Code on any other thread (an in-process test, a transport without loops) finds none and does
/// its work at once.
public protocol IdleWorkScheduler: AnyObject {
    /// Runs `work` on this loop's thread once the loop has run every event that was ready, before
    /// it waits for more (however busy the loop, each such batch ends); before the loop stops in
    /// any case. Called on the loop's thread only.
    func runWhenIdle(_ work: @escaping () -> Void)
}

/// The `IdleWorkScheduler` of the calling thread, if it runs an event loop.
public enum IdleWork {
    /// A pthread key, so any thread can ask without a lock.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Holds the scheduler of one thread, retained while it is installed.
    private final class Installed {
        let scheduler: any IdleWorkScheduler
        init(_ scheduler: any IdleWorkScheduler) { self.scheduler = scheduler }
    }

    /// The scheduler of the loop the calling thread runs, or nil.
    public static var current: (any IdleWorkScheduler)? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<Installed>.fromOpaque(pointer).takeUnretainedValue().scheduler
    }

    /// Makes `scheduler` the calling thread's (nil: none). A transport calls it on each loop
    /// thread before the loop runs, and with nil once it has stopped.
    public static func install(_ scheduler: (any IdleWorkScheduler)?) {
        if let old = pthread_getspecific(key) { Unmanaged<Installed>.fromOpaque(old).release() }
        pthread_setspecific(key, scheduler.map { Unmanaged.passRetained(Installed($0)).toOpaque() })
    }
}
