/// The demo's settings, as ../API.md "Starting it" lists them.
public struct DemoConfiguration: Sendable, Hashable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var workers: Int
    public var dataDirectory = "./data"
    public var filesDirectory = "./Public/files"
    public var publicDirectory = "./Public"
    public var rateLimit = RateLimitSetting.perWindow(requests: 100, seconds: 1)
    public var logLevel = "info"
    public var logFormat = LogFormat.text

    public init(workers: Int) {
        self.workers = workers
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
