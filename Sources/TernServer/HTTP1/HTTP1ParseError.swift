public import HTTPTypes

/// Why a request was refused: the status to answer with, then close the connection, and a
/// short reason for the problem body and the log (never a copy of the input).
public struct HTTP1ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 400, 413, 414, 417, 431, 501 or 505.
    public let status: HTTPResponse.Status
    /// What was wrong, e.g. "conflicting Content-Length values".
    public let reason: String

    init(_ status: HTTPResponse.Status, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    static func bad(_ reason: String) -> HTTP1ParseError { .init(.badRequest, reason) }

    public var description: String { "\(status.code) \(reason)" }
}
