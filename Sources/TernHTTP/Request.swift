#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import HTTPTypes

/// An HTTP request as a handler sees it: the head (swift-http-types) and its content, read as
/// it arrives (`RequestBody`).
///
/// For HTTP/1.1 the head's `authority` is the `Host` field (or the authority of an
/// absolute-form target), and `Host` is not repeated in `headerFields`
/// (https://www.rfc-editor.org/rfc/rfc9112#section-3.2).
public struct Request: Sendable {
    /// Method, target and header fields.
    public var head: HTTPRequest {
        didSet { method = head.method }
    }
    /// The request content, read as it arrives.
    public var body: RequestBody

    /// A request with `head` and `body`.
    public init(head: HTTPRequest, body: RequestBody) {
        self.head = head
        self.body = body
        self.method = head.method
    }

    /// A request with `head` and a content already in memory.
    public init(head: HTTPRequest, body: [UInt8] = []) {
        self.init(head: head, body: RequestBody(body))
    }

    /// The request method: `head`'s, read once (`HTTPRequest` reads it from a pseudo-header
    /// field at every access, and middleware ask for it several times a request).
    public private(set) var method: HTTPRequest.Method

    /// The header fields.
    public var headerFields: HTTPFields { head.headerFields }

    /// The request target's path without its query, as sent (still percent-encoded).
    public var path: Substring {
        Self.path(of: head.path ?? "/")
    }

    /// The path of a request target (https://www.rfc-editor.org/rfc/rfc9112#section-3.2): the
    /// target up to its `?`, as sent.
    public static func path(of target: String) -> Substring {
        var target = target
        // By byte, not Character: `?` is ASCII, and grapheme breaking costs per request.
        let length = target.withUTF8 { bytes -> Int? in
            guard let base = bytes.baseAddress, let mark = memchr(base, Int32(UInt8(ascii: "?")), bytes.count) else { return nil }
            return UnsafeRawPointer(base).distance(to: mark)
        }
        // Without a query (most targets) the path is the whole target: no index to check.
        guard let length else { return Substring(target) }
        return target[..<target.utf8.index(target.startIndex, offsetBy: length)]
    }

    /// The request target's query without the `?`, or nil when the target has none.
    public var query: Substring? {
        guard let target = head.path, let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: mark)...]
    }
}
