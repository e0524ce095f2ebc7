import CLibevent
import TernHTTP

/// A one-shot timer on an event loop that runs a closure (inside the loop's job scope, so the
/// tasks it resumes run before the callback returns). Armed, re-armed and cancelled on the
/// loop's thread only; released with its owner.
package final class LoopTimer {
    private let loop: EventLoop
    private let action: () -> Void
    private var event: OpaquePointer?

    /// A timer that calls `action` each time it fires. Made on `loop`'s thread.
    package init(loop: EventLoop, _ action: @escaping () -> Void) {
        precondition(loop.isCurrent, "a timer is made on its loop")
        self.loop = loop
        self.action = action
        event = event_new(loop.base, -1, 0, { _, _, context in
            let timer = Unmanaged<LoopTimer>.fromOpaque(context!).takeUnretainedValue()
            timer.loop.withJobScope { timer.action() }
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        if let event { event_free(event) }
    }

    /// Fires once after `delay` (replacing any earlier arming).
    package func arm(after delay: Duration) {
        tern_event_add_timeout(event, delay.wholeNanoseconds)
    }

    /// Does not fire until armed again.
    package func cancel() {
        event_del(event)
    }

    /// Whether it is armed and has not fired yet.
    package var isArmed: Bool {
        event_pending(event, Int16(EV_TIMEOUT), nil) != 0
    }
}
