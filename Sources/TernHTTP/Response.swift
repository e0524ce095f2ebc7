public import HTTPTypes

/// An HTTP response: a head (swift-http-types) and a body.
///
/// The server adds what framing needs: `Date` when absent, `Content-Length` from a body of
/// known length (https://www.rfc-editor.org/rfc/rfc9110#section-8.6) or chunked transfer
/// coding for a stream of unknown length, and `Connection: close` when it will close. It
/// never sends a body for HEAD, 1xx, 204 or 304 (https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1).
///
/// ```swift
/// Response(status: .ok, headerFields: [.contentType: "text/plain"], body: .string("hello\n"))
/// ```
public struct Response: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The content.
    public var body: ResponseBody

    /// A response with `head` and `body`.
    public init(head: HTTPResponse, body: ResponseBody = .empty) {
        self.head = head
        self.body = body
    }

    /// A response with `status`, `headerFields` and `body`.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: ResponseBody = .empty) {
        self.init(head: HTTPResponse(status: status, headerFields: headerFields), body: body)
    }

    /// The status code.
    public var status: HTTPResponse.Status {
        get { head.status }
        set { head.status = newValue }
    }

    /// The status code: `status.code`, read without making a `Status` (swift-http-types parses
    /// the `:status` pseudo-field and copies the reason phrase on every read of `status`), for
    /// middleware that look at the code alone.
    public var statusCode: Int {
        // The field holds three digits: HTTPResponse's status setter checks them.
        head.pseudoHeaderFields.status.withUnsafeBytesOfValue { digits in
            Int(digits[0] &- 48) &* 100 &+ Int(digits[1] &- 48) &* 10 &+ Int(digits[2] &- 48)
        }
    }

    /// The header fields.
    public var headerFields: HTTPFields {
        get { head.headerFields }
        // In place: with only get/set, `response.headerFields[name] = value` would copy every
        // field (the getter's copy shares the storage with `head`), once per middleware.
        _modify { yield &head.headerFields }
    }
}
