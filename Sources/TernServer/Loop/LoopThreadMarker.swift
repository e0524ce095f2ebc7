#if canImport(Glibc)
import Glibc
#endif

/// Which event loop, if any, the current thread runs: a pthread key, so any thread can ask
/// without a lock.
enum LoopThreadMarker {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    static func set(_ loop: EventLoop?) {
        pthread_setspecific(key, loop.map { Unmanaged.passUnretained($0).toOpaque() })
    }

    static var current: UnsafeMutableRawPointer? { pthread_getspecific(key) }
}
