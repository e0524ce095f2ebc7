public import HTTPTypes

/// A parsed request head and what the connection needs to know about it.
public struct HTTP1RequestHead: Sendable, Hashable {
    /// How the request content is delimited (https://www.rfc-editor.org/rfc/rfc9112#section-6.3).
    public enum Framing: Sendable, Hashable {
        case none
        case length(Int)
        case chunked
    }

    /// Method, scheme `http`, authority (from `Host`, or from an absolute-form target),
    /// target and fields (without `Host`).
    public var request: HTTPRequest
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1 (and any later 1.x, answered as 1.1).
    public var minorVersion: Int
    /// Whether the connection may carry another request after this one
    /// (https://www.rfc-editor.org/rfc/rfc9112#section-9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1).
    public var expectsContinue: Bool
    /// How the body is delimited.
    public var framing: Framing
}
