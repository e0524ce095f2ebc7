#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last value each thread computed, and the key it computed it for: for text asked for
/// again and again with the same input, such as a resource's `Last-Modified` or a route's
/// `Vary` list. Each thread keeps its own, so no lock is taken; a different key replaces it.
final class ThreadMemo<Key: Equatable, Value>: @unchecked Sendable {
    // Sendable proof: a slot is created, read and written by one thread only (it is found
    // through that thread's pthread-specific value), and released when the thread ends.
    private let slotKey: pthread_key_t

    private final class Slot {
        var last: (key: Key, value: Value)?
    }

    init() {
        var slotKey = pthread_key_t()
        // A thread's slot is released when the thread ends.
        let created = pthread_key_create(&slotKey) { $0.map { Unmanaged<AnyObject>.fromOpaque($0).release() } }
        precondition(created == 0, "pthread_key_create failed")
        self.slotKey = slotKey
    }

    /// The value for `key`: the one this thread made last if it was for `key`, else `make()`'s.
    func value(for key: Key, _ make: () -> Value) -> Value {
        let slot: Slot
        if let pointer = pthread_getspecific(slotKey) {
            slot = Unmanaged<Slot>.fromOpaque(pointer).takeUnretainedValue()
        } else {
            slot = Slot()
            pthread_setspecific(slotKey, Unmanaged.passRetained(slot).toOpaque())
        }
        if let last = slot.last, last.key == key { return last.value }
        let value = make()
        slot.last = (key, value)
        return value
    }
}
