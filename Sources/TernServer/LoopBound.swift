/// A reference to an object that lives on one event loop, carried through a task that runs
/// on that loop.
struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    // Sendable proof: `value` is only read on `loop`'s thread (checked on every read), and the
    // tasks that carry a LoopBound prefer `loop` as their executor, so every nonisolated
    // function they call runs there.
    private let wrapped: Value
    let loop: EventLoop

    init(_ value: Value, on loop: EventLoop) {
        precondition(loop.isCurrent, "a LoopBound is made on its loop")
        self.wrapped = value
        self.loop = loop
    }

    var value: Value {
        precondition(loop.isCurrent, "a LoopBound is read on its loop only")
        return wrapped
    }
}
