public import TernHTTP
public import TernServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A real Tern server on `127.0.0.1:0` for a test, and connections to it.
///
/// ```swift
/// try await LiveServer.with(responder: app) { live in
///     let response = try await live.connect().exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
/// }
/// ```
public final class LiveServer: Sendable {
    /// The running server.
    public let server: Server
    /// Where it listens: `127.0.0.1` and the port the system picked.
    public let address: SocketAddress

    /// Starts `responder` with two workers unless `configure` says otherwise, or on `loops`.
    public init(responder: some Responder, loops: EventLoopGroup? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.workers = 2
        configure(&configuration)
        var logger = Logger(label: "tern.test")
        logger.logLevel = .critical
        server = Server(configuration: configuration, responder: responder, logger: logger, loops: loops)
        address = try server.start()
    }

    /// A new connection to the server.
    public func connect(timeout: Duration = TestTiming.patience) throws -> TestConnection {
        try TestConnection(to: address, timeout: timeout)
    }

    /// Sends one request on a new connection and reads its response.
    public func exchange(_ request: String) async throws -> TestResponse {
        try await connect().exchange(request)
    }

    /// Raises this process's soft limit on open files to at least `count` (up to the hard
    /// limit), for tests that hold many connections: each costs a descriptor on both ends.
    public static func raiseOpenFileLimit(atLeast count: Int) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < rlim_t(count) else { return }
        limit.rlim_cur = min(rlim_t(count), limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Graceful shutdown; returns when every loop has stopped, blocking no thread.
    public func stop() async {
        server.shutdown()
        await server.waitUntilStopped()
    }

    /// Starts a server, runs `body` with it, and stops it afterwards, also when `body` throws.
    public static func with<Result>(
        responder: some Responder, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (LiveServer) async throws -> Result
    ) async throws -> Result {
        let live = try LiveServer(responder: responder, configure: configure)
        do {
            let result = try await body(live)
            await live.stop()
            return result
        } catch {
            await live.stop()
            throw error
        }
    }
}
