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
    public var head: HTTPResponse {
        get { storedHead }
        _modify {
            // A change made through `head` may change the status: its code is read again.
            defer { statusCode = Self.code(of: storedHead) }
            yield &storedHead
        }
    }
    /// The content.
    public var body: ResponseBody

    private var storedHead: HTTPResponse

    /// The status code: `status.code`, kept beside the head. swift-http-types parses the
    /// `:status` pseudo-field (and copies the reason phrase) on every read of `status`; the
    /// middleware that look at the code alone, several per response, read this instead.
    public private(set) var statusCode: Int

    /// A response with `head` and `body`.
    public init(head: HTTPResponse, body: ResponseBody = .empty) {
        self.storedHead = head
        self.statusCode = Self.code(of: head)
        self.body = body
    }

    /// A response with `status`, `headerFields` and `body`.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: ResponseBody = .empty) {
        self.storedHead = HTTPResponse(status: status, headerFields: headerFields)
        self.statusCode = status.code
        self.body = body
    }

    /// The status code and reason phrase.
    public var status: HTTPResponse.Status {
        get { storedHead.status }
        set {
            storedHead.status = newValue
            statusCode = newValue.code
        }
    }

    /// The code in `head`'s `:status` field, read without making a `Status`.
    private static func code(of head: HTTPResponse) -> Int {
        // The field holds three digits: HTTPResponse's status setter checks them.
        head.pseudoHeaderFields.status.withUnsafeBytesOfValue { digits in
            Int(digits[0] &- 48) &* 100 &+ Int(digits[1] &- 48) &* 10 &+ Int(digits[2] &- 48)
        }
    }

    /// The header fields.
    public var headerFields: HTTPFields {
        get { storedHead.headerFields }
        // In place: with only get/set, `response.headerFields[name] = value` would copy every
        // field (the getter's copy shares the storage with `head`), once per middleware.
        _modify { yield &storedHead.headerFields }
    }
}
