import CLibevent
import HTTPTypes
import Logging
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// One accepted socket: a read event that feeds an `HTTP1ConnectionStateMachine`, a
/// bufferevent that writes, and the task that answers its requests. Lives on one loop; every
/// method runs on that loop's thread.
final class HTTP1Connection {
    // The state below is the loop thread's alone, and every access to it is one statement
    // that calls nothing re-entering the connection, so no two accesses can overlap: the
    // hottest properties skip the runtime's dynamic exclusivity check (a thread-local lookup
    // per access, about 2,000 instructions per request in all).
    unowned let worker: Worker
    let loop: EventLoop
    let server: ServerCore
    let remoteAddress: SocketAddress?
    @exclusivity(unchecked) private(set) var bufferEvent: OpaquePointer?
    @exclusivity(unchecked) private var timer: OpaquePointer?
    /// Reads the socket (the bufferevent only writes): one `recv` per readable event, where
    /// libevent's read path adds an `ioctl(FIONREAD)` to size each read.
    @exclusivity(unchecked) private var readEvent: OpaquePointer?
    /// Tells the machine each time queued output is written, for its write timeout.
    @exclusivity(unchecked) private var outputWatch: OpaquePointer?
    @exclusivity(unchecked) var machine: HTTP1ConnectionStateMachine
    /// The task that answers the connection's requests, one after another.
    @exclusivity(unchecked) var task: Task<Void, Never>?
    /// The task, waiting for the next request.
    @exclusivity(unchecked) var requestWaiter: UnsafeContinuation<ReceivedRequest?, Never>?
    /// A request parsed while the task was still finishing the previous response.
    @exclusivity(unchecked) var pendingRequest: ReceivedRequest?
    /// Set while a streamed body waits for output to drain.
    var drainWaiter: CheckedContinuation<Void, any Error>?
    /// The handler, waiting for a piece of its request's content.
    @exclusivity(unchecked) var bodyWaiter: UnsafeContinuation<[UInt8]?, any Error>?
    /// Counts dispatched requests: a request's content source reads only while its request
    /// is the one being answered.
    @exclusivity(unchecked) var exchange: UInt64 = 0

    init(socket: Int32, remoteAddress: SocketAddress?, worker: Worker) {
        self.worker = worker
        self.loop = worker.loop
        self.server = worker.server
        self.remoteAddress = remoteAddress
        self.machine = HTTP1ConnectionStateMachine(
            limits: server.configuration.limits, timeouts: server.configuration.timeouts, now: .now)
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let context = Unmanaged.passUnretained(self).toOpaque()
        bufferEvent = bufferevent_socket_new(worker.loop.base, socket, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue))
        timer = event_new(worker.loop.base, -1, 0, { _, _, context in
            let connection = Unmanaged<HTTP1Connection>.fromOpaque(context!).takeUnretainedValue()
            connection.loop.withJobScope { connection.timerFired() }
        }, context)
        guard let bufferEvent else {
            close(socket)
            return
        }
        readEvent = event_new(worker.loop.base, socket, Int16(EV_READ | EV_PERSIST), { _, _, context in
            let connection = Unmanaged<HTTP1Connection>.fromOpaque(context!).takeUnretainedValue()
            connection.loop.withJobScope { connection.readable() }
        }, context)
        bufferevent_setcb(
            bufferEvent,
            nil,
            { _, context in
                let connection = Unmanaged<HTTP1Connection>.fromOpaque(context!).takeUnretainedValue()
                connection.loop.withJobScope { connection.writable() }
            },
            { _, events, context in
                let connection = Unmanaged<HTTP1Connection>.fromOpaque(context!).takeUnretainedValue()
                connection.loop.withJobScope { connection.event(events) }
            },
            context)
        outputWatch = evbuffer_add_cb(bufferevent_get_output(bufferEvent), { buffer, info, context in
            // Called on every change of the output; only the socket's writes remove bytes.
            guard let info, info.pointee.n_deleted > 0 else { return }
            let connection = Unmanaged<HTTP1Connection>.fromOpaque(context!).takeUnretainedValue()
            connection.outputWritten(pendingOutput: evbuffer_get_length(buffer))
        }, context)
        bufferevent_enable(bufferEvent, Int16(EV_WRITE))
        event_add(readEvent, nil)
        settle(now: .now)
    }

    var isOpen: Bool { bufferEvent != nil }

    var output: OpaquePointer? { bufferEvent.map { bufferevent_get_output($0) } }

    // MARK: libevent events

    private func readable() {
        guard let bufferEvent else { return }
        let buffer = loop.readBuffer
        let count = recv(bufferevent_getfd(bufferEvent), buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if count > 0 {
            // The clock is read once for all the machine does with these bytes.
            let now = ContinuousClock.now
            machine.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), now: now)
            process(now: now)
        } else if count == 0 {
            endOfInput()
        } else if errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
            perform(machine.connectionFailed())
        }
    }

    /// The output drained: the machine goes on (a closing connection ends, held-back
    /// pipelined requests are parsed, a paused stream resumes).
    private func writable() {
        let now = ContinuousClock.now
        process(after: machine.outputDrained(now: now), now: now)
    }

    /// Queued output was written: the machine's write timeout starts again. (Drained output
    /// is `writable`'s, called by the bufferevent after this.)
    private func outputWritten(pendingOutput: Int) {
        machine.outputWritten(pendingOutput: pendingOutput, now: .now)
    }

    /// Write-side failures (reading is `readable`'s).
    private func event(_ events: Int16) {
        if events & Int16(BEV_EVENT_ERROR | BEV_EVENT_EOF) != 0 { perform(machine.connectionFailed()) }
    }

    /// The peer sent its FIN.
    private func endOfInput() {
        // The client is gone, or has half-closed: a handler still running is cancelled
        // (its response is written if it still makes one), nothing more is read. Only
        // while a request is answered: cancellation sticks to the connection's task, and
        // no request follows one answered after the peer's FIN.
        if machine.isResponding { task?.cancel() }
        let now = ContinuousClock.now
        process(after: machine.inputEnded(now: now), now: now)
        failBodyRead(CancellationError())
    }

    private func timerFired() {
        let now = ContinuousClock.now
        process(after: machine.timerFired(now: now), now: now)
    }

    // MARK: driving the state machine

    /// Performs what the machine answers for the input it holds, until it waits: the next
    /// request, or content for a pending read; then settles reading and the timer. `now` is
    /// the time of the event that called it.
    func process(now: ContinuousClock.Instant) {
        defer { settle(now: now) }
        while isOpen {
            let action = machine.nextAction(now: now)
            perform(action)
            if case .wait = action { return }
        }
    }

    /// Performs `action`, an event's answer, then `process`es what follows it, if anything
    /// can (the machine did not answer `.wait`); then settles reading and the timer.
    func process(after action: HTTP1ConnectionStateMachine.Action, now: ContinuousClock.Instant) {
        perform(action)
        if case .wait = action {
            settle(now: now)
        } else {
            process(now: now)
        }
    }

    /// Performs the machine's `settle` actions: pausing or resuming reading, arming the timer.
    func settle(now: ContinuousClock.Instant) {
        while isOpen {
            let action = machine.settle(now: now)
            if case .wait = action { return }
            perform(action)
        }
    }

    /// Does what the machine said.
    func perform(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .wait:
            break
        case .sendContinue:
            if let output { evbuffer_add(output, Self.continueLine, Self.continueLine.count) }
        case .dispatch(let head, let body):
            dispatch(head, body: body)
        case .deliverBody(let piece):
            resumeBodyRead(returning: piece)
        case .endBody:
            resumeBodyRead(returning: nil)
        case .failBody(let status, let reason):
            failBodyRead(HTTPError(status, detail: reason))
        case .sendError(let status, let reason, let instance):
            sendError(status, reason: reason, instance: instance)
        case .shutdownWrite:
            linger()
        case .close:
            free()
        case .writeContent, .writeLastChunk, .resumeStream, .failStream:
            performForStream(action)
        case .releaseHandler:
            releaseWaitingTask()
        case .pauseReading, .resumeReading, .armTimer:
            performForTransport(action)
        case .writeResponse, .sendFileRegions, .writeStream:
            preconditionFailure("a response is written by send(_:to:), which holds its content")
        }
    }

    /// Does what the machine said about a streamed response. Kept out of `perform`, which
    /// every request runs several times: its cases there cost each call about 60 instructions.
    @inline(never)
    private func performForStream(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .writeContent(let content, let chunked):
            guard let output else { return }
            if chunked { addChunk(content, to: output) } else { add(content, to: output) }
        case .writeLastChunk:
            if let output { evbuffer_add(output, "0\r\n\r\n", 5) }
        case .resumeStream:
            if let waiter = drainWaiter {
                drainWaiter = nil
                waiter.resume()
            }
        case .failStream:
            free()
        default:
            preconditionFailure("\(action) is not a streamed response's action")
        }
    }

    /// Does what the machine's `settle` said: reading and the timer. Apart from `perform` for
    /// the reason `performForStream` is.
    @inline(never)
    private func performForTransport(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .pauseReading:
            if let readEvent { event_del(readEvent) }
        case .resumeReading:
            if let readEvent { event_add(readEvent, nil) }
        case .armTimer(let delay):
            if let timer { tern_event_add_timeout(timer, delay.wholeNanoseconds) }
        default:
            preconditionFailure("\(action) is not a settling action")
        }
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    // MARK: closing

    /// Our side is done: the handler's task ends, the socket's write side shuts down, and
    /// reading goes on (the machine drops what arrives) until the peer's FIN or the linger
    /// deadline, so a client still sending does not turn our last response into a reset
    /// (https://www.rfc-editor.org/rfc/rfc9112#section-9.6).
    private func linger() {
        guard let bufferEvent else { return }
        task?.cancel()
        releaseWaitingTask()
        failBodyRead(CancellationError())
        Glibc.shutdown(bufferevent_getfd(bufferEvent), Int32(SHUT_WR))
    }

    /// Releases the socket and everything with it, now.
    func free() {
        guard let bufferEvent else { return }
        self.bufferEvent = nil
        task?.cancel()
        releaseWaitingTask()
        if let waiter = drainWaiter {
            drainWaiter = nil
            waiter.resume(throwing: CancellationError())
        }
        failBodyRead(CancellationError())
        if let timer {
            event_free(timer)
            self.timer = nil
        }
        if let readEvent {
            event_free(readEvent)
            self.readEvent = nil
        }
        if let outputWatch {
            evbuffer_remove_cb_entry(bufferevent_get_output(bufferEvent), outputWatch)
            self.outputWatch = nil
        }
        bufferevent_free(bufferEvent)
        worker.remove(self)
    }

    /// The server is stopping: close now if idle, else after the current response.
    func shutdown() {
        let now = ContinuousClock.now
        process(after: machine.shutdown(now: now), now: now)
    }
}
