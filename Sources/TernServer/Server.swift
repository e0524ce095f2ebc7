public import Logging
public import TernHTTP
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Tern's HTTP/1.1 server: `configuration.workers` event loops, one thread each, each with
/// its own `SO_REUSEPORT` listener, calling one `Responder`.
///
/// ```swift
/// let server = Server(configuration: .init(host: "127.0.0.1", port: 8080), responder: app)
/// try server.run { address in print("listening on http://\(address)") }
/// ```
public final class Server: Sendable {
    private let core: ServerCore
    private let state = Locked<State>(State())

    private struct State {
        var workers: [Worker] = []
        var shutdownRequested = false
    }

    /// - Parameters:
    ///   - logger: where the server logs what it could not tell a client (a responder's error,
    ///     a failed accept); also each request context's logger.
    public init(configuration: ServerConfiguration = ServerConfiguration(), responder: some Responder, logger: Logger = Logger(label: "tern.server")) {
        core = ServerCore(configuration: configuration, responder: responder, logger: logger)
    }

    /// Binds, starts the event-loop threads and returns the address bound (with the real
    /// port when the configuration asked for port 0). Throws when the address cannot be bound.
    @discardableResult
    public func start() throws(ServerError) -> SocketAddress {
        // A peer that resets must not kill the process when a write reaches it.
        signal(SIGPIPE, SIG_IGN)
        let configuration = core.configuration
        try ListeningSocket.checkFree(host: configuration.host, port: configuration.port)
        var workers: [Worker] = []
        var address: SocketAddress?
        for _ in 0..<max(1, configuration.workers) {
            // The first socket fixes the port (port 0 picks one); the others share it.
            let port = address?.port ?? configuration.port
            let (socket, bound) = try ListeningSocket.open(host: configuration.host, port: port, backlog: configuration.backlog)
            address = address ?? bound
            workers.append(try Worker(loop: try EventLoop(), server: core, socket: socket))
        }
        state.withLock { $0.workers = workers }
        for worker in workers {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(worker).toOpaque()
            core.runningLoops.enter()
            guard pthread_create(&thread, nil, runWorker, context) == 0 else {
                core.runningLoops.leave()
                Unmanaged<Worker>.fromOpaque(context).release()
                shutdown()
                throw .eventLoop("pthread_create failed")
            }
            pthread_detach(thread)
        }
        return address!
    }

    /// Stops accepting and closes idle connections; requests in flight are answered (with
    /// `Connection: close`) within `configuration.shutdownGracePeriod`, after which what is
    /// left is closed. Returns at once; `wait()` returns when all loops have stopped.
    public func shutdown() {
        let workers = state.withLock { state in
            state.shutdownRequested = true
            return state.workers
        }
        for worker in workers { worker.requestShutdown() }
    }

    /// Blocks the calling thread until every loop has stopped. In async code, use
    /// `waitUntilStopped()`, which blocks no thread.
    public func wait() {
        core.runningLoops.wait()
    }

    /// Returns when every loop has stopped (at once if the server never started).
    public func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            core.runningLoops.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Starts, calls `onStart` with the bound address, serves until SIGINT or SIGTERM (or
    /// `shutdown()`), then shuts down gracefully and returns when every loop has stopped.
    /// Blocks the two signals in the calling thread, and so in the loop threads it starts.
    public func run(onStart: (SocketAddress) -> Void = { _ in }) throws(ServerError) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let address = try start()
        onStart(address)
        var interval = timespec(tv_sec: 0, tv_nsec: 200_000_000)
        while !state.withLock({ $0.shutdownRequested }) {
            let signal = sigtimedwait(&signals, nil, &interval)
            if signal == SIGINT || signal == SIGTERM {
                core.logger.info("shutting down", metadata: ["signal": "\(signal)"])
                shutdown()
            }
        }
        wait()
    }

    /// Connections open now, across all loops.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }
}

/// A loop thread's body: runs one worker's loop until it stops.
private func runWorker(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue()
    worker.loop.run()
    worker.server.runningLoops.leave()
    return nil
}

extension Server {
    /// Whether the calling thread runs one of Tern's event loops. Work that blocks (disk,
    /// databases) must not run where this is true; a handler can assert it after handing
    /// such work to its own threads.
    public static var isEventLoopThread: Bool { LoopThreadMarker.current != nil }
}
