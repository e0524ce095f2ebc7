#if canImport(Glibc)
import Glibc
#endif
public import CoreMetrics
public import HTTPTypes

/// Where and how a `Server` listens, and the limits it enforces.
public struct ServerConfiguration: Sendable {
    /// The address to bind: a numeric IPv4 or IPv6 address, or a name to resolve.
    public var host: String = "127.0.0.1"
    /// The port; 0 lets the system pick one, which `Server.start()` returns.
    public var port: Int = 8080
    /// A Unix domain socket to listen on instead of `host`:`port`: for a load balancer on the
    /// same machine. A socket file left there by a server that died is replaced; the file is
    /// removed at shutdown. Requests over it have no `remoteAddress`.
    public var unixSocketPath: String?
    /// Who may connect to `unixSocketPath`: the socket file's mode (owner and group by default).
    public var unixSocketPermissions: UInt32 = 0o660
    /// Event-loop threads, each with its own `SO_REUSEPORT` listener.
    public var workers: Int = ServerConfiguration.processorCount
    /// The listen backlog.
    public var backlog: Int32 = 1024
    /// Request size limits.
    public var limits = HTTP1Limits()
    /// Per-connection timeouts.
    public var timeouts = HTTP1Timeouts()
    /// Open connections across all loops; past it, new connections get 503 and are closed.
    public var maxConnections: Int = 10_000
    /// On shutdown, how long in-flight requests may take before their connections are closed.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Fields added to the responses the server writes itself, before any responder sees a
    /// request (400 for a malformed request, 408, 413, 414, 431, 501, 505, the connection
    /// limit's 503), called once per response: e.g. a new request id, so that every response
    /// carries one.
    public var serverResponseFields: @Sendable () -> HTTPFields = { [:] }
    /// Where the server reports `http_open_connections` (a gauge); nil: the factory
    /// `MetricsSystem` was bootstrapped with, when the server is created.
    public var metricsFactory: (any MetricsFactory)?

    /// A server on `host`:`port`, other settings at their defaults.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// The processors online.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
