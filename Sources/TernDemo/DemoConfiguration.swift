public import TernMiddleware

/// The demo's settings, as the README's "Configuration" lists them. Its description leaves the API
/// keys out, so logging it never leaks them.
public struct DemoConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The address to bind (`--host`).
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (`--port`).
    public var port = 8080
    /// Event-loop threads (`--workers`).
    public var workers: Int
    /// Where the SQLite database lives (`--data-dir`).
    public var dataDirectory = "./data"
    /// The folder served under `/download` (`--files-dir`).
    public var filesDirectory = "./Public/files"
    /// The page, its assets and `openapi.json` (`--public-dir`).
    public var publicDirectory = "./Public"
    /// Requests per client and window (`--rate-limit`).
    public var rateLimit = RateLimitSetting.perWindow(requests: 100, seconds: 1)
    public var logLevel = "info"
    /// How log lines are written (`--log-format`).
    public var logFormat = LogFormat.text
    /// One line per request (`--access-log`): on by default.
    public var accessLog = true
    /// How long a transfer's response is replayed for its `Idempotency-Key`.
    public var idempotencyExpiry: Duration = .seconds(86_400)
    /// The largest file `PUT /download/{file}` stores (`--max-upload`).
    public var maxUpload = ByteSize(bytes: 1 << 30)
    /// Event streams (`GET /transfers/events`) at once; past it, 503 (`--max-subscribers`).
    public var maxSubscribers = 1000
    /// Peers whose `X-Forwarded-For` names the client (`--trusted-proxies`); none by default.
    public var trustedProxies: [IPAddressRange] = []
    /// Whether peers on the Unix socket are trusted proxies too (`--trusted-proxies unix`).
    public var trustsUnixSocketPeers = false
    /// A Unix domain socket to listen on instead of `host`:`port` (`--unix-socket`).
    public var unixSocketPath: String?
    /// `DEMO_API_KEY`: read-write.
    public var apiKey = "demo-key"
    /// `DEMO_READONLY_KEY`: read-only.
    public var readOnlyKey = "readonly-key"

    /// The documented defaults, with `workers` event loops.
    public init(workers: Int) {
        self.workers = workers
    }

    public var description: String {
        "host=\(host) port=\(port) workers=\(workers) data-dir=\(dataDirectory) files-dir=\(filesDirectory) "
            + "public-dir=\(publicDirectory) rate-limit=\(rateLimit) idempotency-expiry=\(idempotencyExpiry.components.seconds)s "
            + "max-upload=\(maxUpload) max-subscribers=\(maxSubscribers) trusted-proxies=\((trustedProxies.map(\.description) + (trustsUnixSocketPeers ? ["unix"] : [])).joined(separator: ",")) log-level=\(logLevel) log-format=\(logFormat.rawValue) "
            + "access-log=\(accessLog ? "on" : "off") unix-socket=\(unixSocketPath ?? "-")"
    }
}

/// `N/S` (N requests per S seconds per client) or `off`.
public enum RateLimitSetting: Sendable, Hashable, LosslessStringConvertible {
    case off
    case perWindow(requests: Int, seconds: Int)

    /// Parses `N/S` (both positive) or `off`; nil otherwise.
    public init?(_ description: String) {
        if description == "off" {
            self = .off
            return
        }
        let parts = description.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let requests = Int(parts[0]), let seconds = Int(parts[1]),
            requests > 0, seconds > 0
        else { return nil }
        self = .perWindow(requests: requests, seconds: seconds)
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .perWindow(let requests, let seconds): "\(requests)/\(seconds)"
        }
    }
}


/// A number of bytes, written plain or with a `K`, `M` or `G` suffix (powers of 1024): `1G`.
public struct ByteSize: Sendable, Hashable, LosslessStringConvertible {
    /// How many bytes.
    public let bytes: Int

    /// `bytes` bytes.
    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// Parses `N`, `NK`, `NM` or `NG` (N a positive integer, the suffix in either case); nil
    /// otherwise, or past what an `Int` holds.
    public init?(_ description: String) {
        let shifts: [Character: Int] = ["k": 10, "m": 20, "g": 30]
        let shift = description.last.flatMap { shifts[Character($0.lowercased())] } ?? 0
        let digits = shift == 0 ? Substring(description) : description.dropLast()
        guard let count = Int(digits), count > 0, count <= Int.max >> shift else { return nil }
        bytes = count << shift
    }

    public var description: String {
        for (suffix, shift) in [("G", 30), ("M", 20), ("K", 10)] where bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return String(bytes)
    }
}
