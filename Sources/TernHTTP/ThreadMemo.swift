/// The last value each thread computed, and the key it computed it for: for text asked for
/// again and again with the same input, such as a resource's `Last-Modified` or a route's
/// `Vary` list. Each thread keeps its own, so no lock is taken; a different key replaces it.
final class ThreadMemo<Key: Equatable, Value>: Sendable {
    private let slots = ThreadSlot()

    private final class Slot {
        var last: (key: Key, value: Value)?
    }

    /// The value for `key`: the one this thread made last if it was for `key`, else `make()`'s.
    func value(for key: Key, _ make: () -> Value) -> Value {
        let slot = slots.object { Slot() }
        if let last = slot.last, last.key == key { return last.value }
        let value = make()
        slot.last = (key, value)
        return value
    }
}
