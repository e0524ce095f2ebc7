/// The demo's settings, as API.md "Starting it" lists them. Its description leaves the API
/// keys out, so logging it never leaks them.
public struct DemoConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var host = "127.0.0.1"
    public var port = 8080
    public var workers: Int
    public var dataDirectory = "./data"
    public var filesDirectory = "./Public/files"
    public var publicDirectory = "./Public"
    public var rateLimit = RateLimitSetting.perWindow(requests: 100, seconds: 1)
    public var logLevel = "info"
    public var logFormat = LogFormat.text
    /// How long a transfer's response is replayed for its `Idempotency-Key`.
    public var idempotencyExpiry: Duration = .seconds(86_400)
    /// `DEMO_API_KEY`: read-write.
    public var apiKey = "demo-key"
    /// `DEMO_READONLY_KEY`: read-only.
    public var readOnlyKey = "readonly-key"

    public init(workers: Int) {
        self.workers = workers
    }

    public var description: String {
        "host=\(host) port=\(port) workers=\(workers) data-dir=\(dataDirectory) files-dir=\(filesDirectory) "
            + "public-dir=\(publicDirectory) rate-limit=\(rateLimit) idempotency-expiry=\(idempotencyExpiry.components.seconds)s log-level=\(logLevel) log-format=\(logFormat.rawValue)"
    }
}

/// `N/S` (N requests per S seconds per client) or `off`.
public enum RateLimitSetting: Sendable, Hashable, LosslessStringConvertible {
    case off
    case perWindow(requests: Int, seconds: Int)

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

/// How log lines are written.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    case text
    case json
}
