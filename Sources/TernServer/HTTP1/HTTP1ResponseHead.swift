public import HTTPTypes
@_spi(Tern) import TernHTTP

/// How a response is framed on the wire, decided from the request and the response
/// before a byte is written.
public struct HTTP1ResponseFraming: Sendable, Hashable {
    /// How the body is delimited on the wire.
    public enum Body: Sendable, Hashable {
        /// No content is written (HEAD, 204, 304, or an empty body).
        case none
        /// Exactly this many bytes follow the head.
        case length(Int64)
        /// Chunked transfer coding (HTTP/1.1 only).
        case chunked
        /// Content until the connection closes (a stream of unknown length to HTTP/1.0).
        case untilClose
    }

    /// How the body is sent.
    public var body: Body
    /// Whether the connection stays open after this response.
    public var keepAlive: Bool
}

/// Writes a response head (https://www.rfc-editor.org/rfc/rfc9112#section-4), owning the
/// framing fields: a handler's `Transfer-Encoding` and `Connection` are replaced, and its
/// `Content-Length` kept only for HEAD and 304, where it describes the content not sent
/// (https://www.rfc-editor.org/rfc/rfc9110#section-8.6).
public enum HTTP1ResponseHead {
    /// Decides the framing of `response` to a request with `method` and `minorVersion`.
    /// `bodyLength` is the body's length (nil for a stream of unknown length); `mayKeepAlive`
    /// is the connection's answer before this response had its say.
    public static func framing(
        status: HTTPResponse.Status, fields: HTTPFields, bodyLength: Int64?,
        method: HTTPRequest.Method, minorVersion: Int, mayKeepAlive: Bool
    ) -> HTTP1ResponseFraming {
        var keepAlive = mayKeepAlive
        if let connection = fields.value(of: .connection), connection.lowercased().contains("close") {
            keepAlive = false
        }
        let body: HTTP1ResponseFraming.Body
        if method == .head || status == .noContent || status == .notModified {
            body = .none
        } else if let bodyLength {
            body = bodyLength == 0 ? .none : .length(bodyLength)
        } else if minorVersion >= 1 {
            body = .chunked
        } else {
            body = .untilClose
            keepAlive = false
        }
        return HTTP1ResponseFraming(body: body, keepAlive: keepAlive)
    }

    /// Appends the status line, fields and empty line for `response` framed as `framing`.
    /// `date` is a complete `date:` field line, used when the response has no `Date`.
    public static func write(
        _ response: HTTPResponse, framing: HTTP1ResponseFraming, bodyLength: Int64?,
        method: HTTPRequest.Method, minorVersion: Int, date: [UInt8], to out: inout [UInt8]
    ) {
        var head = OutputBuffer(capacity: 512)
        write(response, status: response.status, framing: framing, bodyLength: bodyLength, method: method,
              minorVersion: minorVersion, date: date, to: &head)
        out.append(contentsOf: head.bytes)
    }

    /// `write` into the loop's output buffer, with `response.status` already read:
    /// HTTPResponse parses the status from a pseudo-header field on every read, and the
    /// connection has read it for the framing.
    static func write(
        _ response: HTTPResponse, status: HTTPResponse.Status, framing: HTTP1ResponseFraming, bodyLength: Int64?,
        method: HTTPRequest.Method, minorVersion: Int, date: [UInt8], to out: inout OutputBuffer
    ) {
        out.append(ascii: "HTTP/1.1 ")
        let code = status.code
        out.append(UInt8(ascii: "0") + UInt8(code / 100))
        out.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(code % 10))
        out.append(UInt8(ascii: " "))
        out.append(utf8Of: status.reasonPhrase)
        out.append(ascii: "\r\n")
        var hasDate = false
        var hasContentLength = false
        let keepsDeclaredLength = method == .head || status == .notModified
        for field in response.headerFields {
            // The names the head owns differ in length; most fields are none of them, and a
            // length is cheaper to compare than a name.
            switch field.name.canonicalName.utf8.count {
            case 17 where field.name == .transferEncoding, 10 where field.name == .connection:
                continue
            case 14 where field.name == .contentLength:
                guard keepsDeclaredLength, !hasContentLength else { continue }
                hasContentLength = true
            case 4 where field.name == .date:
                hasDate = true
            default:
                break
            }
            out.append(utf8Of: field.name.rawName)
            out.append(ascii: ": ")
            field.withUnsafeBytesOfValue { out.append(UnsafeRawBufferPointer($0)) }
            out.append(ascii: "\r\n")
        }
        if !hasDate { out.append(date) }
        switch framing.body {
        case .length(let length):
            appendContentLength(length, to: &out)
        case .chunked:
            out.append(ascii: "transfer-encoding: chunked\r\n")
        case .none:
            // 204 and 304 announce nothing of their own; HEAD announces the length a GET
            // would have had; any other empty response says 0, or it would be read until
            // close (RFC 9110 sections 8.6 and 15.4.5, RFC 9112 section 6.3).
            if status == .noContent || status == .notModified || hasContentLength {
                break
            }
            if method != .head {
                appendContentLength(0, to: &out)
            } else if let bodyLength {
                appendContentLength(bodyLength, to: &out)
            }
        case .untilClose:
            break
        }
        if !framing.keepAlive {
            out.append(ascii: "connection: close\r\n")
        } else if minorVersion == 0 {
            out.append(ascii: "connection: keep-alive\r\n")
        }
        out.append(ascii: "\r\n")
    }

    private static func appendContentLength(_ length: Int64, to out: inout OutputBuffer) {
        out.append(ascii: "content-length: ")
        out.append(decimal: length)
        out.append(ascii: "\r\n")
    }
}
