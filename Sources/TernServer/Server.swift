public import Logging
public import TernHTTP
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Tern's HTTP/1.1 server: one `SO_REUSEPORT` listener per event loop (or one Unix domain
/// socket that every loop listens on), each loop serving the connections it accepts, all
/// calling one `Responder`.
///
/// ```swift
/// let server = Server(configuration: .init(host: "127.0.0.1", port: 8080), responder: app)
/// try server.run { address in print("listening on http://\(address)") }
/// ```
public final class Server: Sendable {
    private let core: ServerCore
    let state = Locked<State>(State())
    /// The loops given at `init`, or nil: the server makes `configuration.workers` loops of
    /// its own at `start()` and stops them when it stops.
    private let sharedLoops: EventLoopGroup?

    struct State {
        var workers: [Worker] = []
        var ownLoops: EventLoopGroup?
        var shutdownRequested = false
        /// The Unix socket listened on, its file removed at shutdown.
        var unixSocket: UnixListeningSocket?
        var started = false
    }

    /// - Parameters:
    ///   - logger: where the server logs what it could not tell a client (a responder's error,
    ///     a failed accept); also each request context's logger.
    ///   - loops: the event loops to serve on (one listener each; `configuration.workers` is
    ///     then not used), shared with the clients the responder awaits, such as a
    ///     `PostgresClient`. The server never stops them. Nil: the server runs loops of its own.
    public init(
        configuration: ServerConfiguration = ServerConfiguration(), responder: some Responder,
        logger: Logger = Logger(label: "tern.server"), loops: EventLoopGroup? = nil
    ) {
        core = ServerCore(configuration: configuration, responder: responder, logger: logger)
        sharedLoops = loops
    }

    /// Binds, starts serving on every loop and returns the address bound (with the real port
    /// when the configuration asked for port 0; for a Unix socket, its path as `host` and port
    /// 0). Throws when the address cannot be bound. Not callable from a loop thread.
    @discardableResult
    public func start() throws(ServerError) -> SocketAddress {
        // A peer that resets must not kill the process when a write reaches it.
        signal(SIGPIPE, SIG_IGN)
        state.withLock { $0.started = true }
        let configuration = core.configuration
        var unixSocket: UnixListeningSocket?
        if let path = configuration.unixSocketPath {
            unixSocket = try UnixListeningSocket.open(path: path, permissions: configuration.unixSocketPermissions, backlog: configuration.backlog)
            state.withLock { $0.unixSocket = unixSocket }
        } else {
            try ListeningSocket.checkFree(host: configuration.host, port: configuration.port)
        }
        let group: EventLoopGroup
        if let sharedLoops {
            group = sharedLoops
        } else {
            group = try EventLoopGroup(loopCount: configuration.workers)
            state.withLock { $0.ownLoops = group }
        }
        var workers: [Worker] = []
        var address: SocketAddress?
        do throws(ServerError) {
            for loop in group.loops {
                let socket: Int32
                if let unixSocket {
                    // One socket: the first loop listens on it, the others on copies.
                    socket = address == nil ? unixSocket.descriptor : try unixSocket.duplicate()
                    address = SocketAddress(host: unixSocket.path, port: 0)
                } else {
                    // The first socket fixes the port (port 0 picks one); the others share it.
                    let port = address?.port ?? configuration.port
                    let bound: SocketAddress
                    (socket, bound) = try ListeningSocket.open(host: configuration.host, port: port, backlog: configuration.backlog)
                    address = address ?? bound
                }
                let core = self.core
                core.runningWorkers.enter()
                do throws(ServerError) {
                    workers.append(try loop.submitAndWait { () throws(ServerError) in
                        try Worker(loop: loop, server: core, socket: socket)
                    })
                } catch {
                    core.runningWorkers.leave()
                    throw error
                }
            }
        } catch {
            state.withLock { $0.workers = workers }
            shutdown()
            throw error
        }
        // A shutdown asked for while the loops were starting found none of them to stop.
        if state.withLock({ state in
            state.workers = workers
            return state.shutdownRequested
        }) {
            shutdown()
        }
        return address!
    }

    /// Stops accepting and closes idle connections; requests in flight are answered (with
    /// `Connection: close`) within `configuration.shutdownGracePeriod`, after which what is
    /// left is closed. Returns at once; `wait()` returns when every loop has done so.
    public func shutdown() {
        let (workers, ownLoops, unixSocket) = state.withLock { state in
            state.shutdownRequested = true
            defer { state.unixSocket = nil }
            return (state.workers, state.ownLoops, state.unixSocket)
        }
        for worker in workers { worker.requestShutdown() }
        // New clients find no socket file, rather than one nobody will accept on.
        unixSocket?.remove()
        if let ownLoops {
            core.runningWorkers.notify(queue: .global()) { ownLoops.shutdown() }
        }
    }

    /// Blocks the calling thread until every loop has stopped serving (and, for loops of the
    /// server's own, until their threads have ended). In async code, use
    /// `waitUntilStopped()`, which blocks no thread.
    public func wait() {
        core.runningWorkers.wait()
        state.withLock { $0.ownLoops }?.wait()
    }

    /// Returns when every loop has stopped serving (at once if the server never started).
    public func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            core.runningWorkers.notify(queue: .global()) { continuation.resume() }
        }
        await state.withLock { $0.ownLoops }?.waitUntilStopped()
    }

    /// Starts, calls `onStart` with the bound address, serves until SIGINT or SIGTERM (or
    /// `shutdown()`), then shuts down gracefully and returns when every loop has stopped.
    /// Blocks the two signals in the calling thread, and so in the loop threads it starts.
    /// - Parameter onSignal: called when the signal arrives, before the shutdown begins: e.g.
    ///   to make a health check fail, so a load balancer stops sending requests here.
    public func run(onStart: (SocketAddress) -> Void = { _ in }, onSignal: () -> Void = {}) throws(ServerError) {
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
                onSignal()
                shutdown()
            }
        }
        wait()
    }

    /// Connections open now, across all loops.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }
}

extension Server {
    /// Whether the calling thread runs one of Tern's event loops. Work that blocks (disk,
    /// databases) must not run where this is true; a handler can assert it after handing
    /// such work to its own threads.
    public static var isEventLoopThread: Bool { LoopThreadMarker.current != nil }
}
