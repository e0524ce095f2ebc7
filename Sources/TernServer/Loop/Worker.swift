import CLibevent
import Logging
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// One event loop serving its own listening socket: accepts, enforces the connection
/// limit, keeps its connections, and stops them on shutdown. Made on its loop's thread.
final class Worker: @unchecked Sendable {
    // Sendable proof: every `var` is used only on `loop`'s thread: in libevent callbacks of
    // `loop.base`, or in `requestShutdown`'s task, which prefers `loop` as its executor.
    let loop: EventLoop
    let server: ServerCore
    private var listener: OpaquePointer?
    private var connections: [ObjectIdentifier: HTTP1Connection] = [:]
    private var stopping = false
    private var pauseTimer: LoopTimer?
    private var graceTimer: LoopTimer?
    private var finished = false

    init(loop: EventLoop, server: ServerCore, socket: Int32) throws(ServerError) {
        self.loop = loop
        self.server = server
        precondition(loop.isCurrent, "a worker is made on its loop")
        let context = Unmanaged.passUnretained(self).toOpaque()
        let flags = UInt32(LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC)
        guard let listener = evconnlistener_new(loop.base, { _, fd, address, _, context in
            let worker = Unmanaged<Worker>.fromOpaque(context!).takeUnretainedValue()
            worker.loop.withJobScope { worker.accept(fd, address) }
        }, context, flags, 0, socket) else {
            close(socket)
            throw .eventLoop("evconnlistener_new failed")
        }
        self.listener = listener
        evconnlistener_set_error_cb(listener) { listener, context in
            let worker = Unmanaged<Worker>.fromOpaque(context!).takeUnretainedValue()
            worker.acceptFailed(errno: errno)
        }
        pauseTimer = LoopTimer(loop: loop) { [unowned self] in
            if let listener = self.listener { evconnlistener_enable(listener) }
        }
        graceTimer = LoopTimer(loop: loop) { [unowned self] in closeAll() }
    }

    deinit {
        // After shutdown, it is nil; a worker that never shut down belongs to a group that was
        // shut down first, whose loop runs no more callbacks.
        if let listener { evconnlistener_free(listener) }
    }

    private func accept(_ socket: Int32, _ address: UnsafeMutablePointer<sockaddr>?) {
        let open = server.openConnections.add(1, ordering: .relaxed).newValue
        let limit = server.configuration.maxConnections
        // Far past the limit, not even a 503: the descriptor is closed at once.
        if open > limit + 1024 {
            server.openConnections.subtract(1, ordering: .relaxed)
            close(socket)
            return
        }
        let connection = HTTP1Connection(
            socket: socket, remoteAddress: address.flatMap { SocketAddress(sockaddr: $0) }, worker: self)
        guard connection.isOpen else {
            server.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        connections[ObjectIdentifier(connection)] = connection
        server.openConnectionsGauge.increment()
        if open > limit {
            connection.sendError(.serviceUnavailable, reason: "the server has too many open connections; retry later", instance: nil)
        }
    }

    /// accept(2) failed, typically for want of descriptors: pause accepting briefly instead of
    /// spinning on a listener that stays readable.
    private func acceptFailed(errno code: Int32) {
        guard let listener, let pauseTimer else { return }
        server.logger.warning("accept failed; pausing for 100 ms", metadata: ["errno": "\(code)"])
        evconnlistener_disable(listener)
        pauseTimer.arm(after: .milliseconds(100))
    }

    /// A connection has released its socket.
    func remove(_ connection: HTTP1Connection) {
        guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        server.openConnections.subtract(1, ordering: .relaxed)
        server.openConnectionsGauge.decrement()
        if stopping, connections.isEmpty { finish() }
    }

    /// Stops accepting, lets in-flight requests finish within the grace period, then stops the
    /// loop. Callable from any thread.
    func requestShutdown() {
        Task(executorPreference: loop) {
            self.beginShutdown()
        }
    }

    private func beginShutdown() {
        guard !stopping else { return }
        stopping = true
        if let listener {
            evconnlistener_free(listener)
            self.listener = nil
        }
        for connection in Array(connections.values) { connection.shutdown() }
        if connections.isEmpty {
            finish()
        } else {
            graceTimer?.arm(after: server.configuration.shutdownGracePeriod)
        }
    }

    private func closeAll() {
        for connection in Array(connections.values) { connection.free() }
    }

    /// The last connection is gone after shutdown: releases the loop's events and tells the
    /// server, once. The loop itself runs on for whatever else its group serves.
    private func finish() {
        guard !finished else { return }
        finished = true
        pauseTimer = nil
        graceTimer = nil
        server.runningWorkers.leave()
    }
}
