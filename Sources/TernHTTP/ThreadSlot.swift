#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An object per thread: each thread reads and replaces its own, without a lock (a
/// pthread-specific value). A thread's object is released when the thread ends. Not generic,
/// so that other modules call it without looking up its type's metadata: callers cast what
/// they stored (`unsafeDowncast`).
package final class ThreadSlot: @unchecked Sendable {
    // Sendable proof: pthread-specific values are each thread's own; the key is immutable.
    private let key: pthread_key_t

    package init() {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
        }
        precondition(created == 0, "pthread_key_create failed")
        self.key = key
    }

    /// The calling thread's object; nil until it sets one.
    package var object: AnyObject? {
        get {
            guard let pointer = pthread_getspecific(key) else { return nil }
            return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
        }
        set {
            let previous = pthread_getspecific(key)
            if let newValue {
                pthread_setspecific(key, Unmanaged.passRetained(newValue).toOpaque())
            } else {
                pthread_setspecific(key, nil)
            }
            if let previous { Unmanaged<AnyObject>.fromOpaque(previous).release() }
        }
    }

    /// This thread's object, made by `make` and kept on the thread's first call.
    @inlinable
    package func object<Object: AnyObject>(orMake make: () -> Object) -> Object {
        if let existing = object { return unsafeDowncast(existing, to: Object.self) }
        let made = make()
        object = made
        return made
    }
}
