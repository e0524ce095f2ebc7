import HTTPTypes
import TernHTTP

/// The fields that decide framing and connection handling, gathered while a head is parsed
/// and judged together once it is complete.
struct SpecialFields {
    private var host: ArraySlice<UInt8>?
    private var hostCount = 0
    private var contentLength: ArraySlice<UInt8>?
    private var transferCodings: [String] = []
    private var hasTransferEncoding = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectsContinue = false
    private var unsupportedExpectation = false

    /// Takes note of `line`; true when the line is consumed here (`Host`, which becomes the
    /// request's authority) rather than kept as a field of the request.
    mutating func note(_ line: FieldLine) throws(HTTP1ParseError) -> Bool {
        // The five names differ in length: most lines are none of them, and a length is
        // cheaper to compare than a name.
        let name = line.name.canonicalName
        switch name.utf8.count {
        case 4 where name == "host":
            if host == nil { host = line.value }
            hostCount += 1
            return true
        case 14 where name == "content-length":
            // A list of identical values is one value (RFC 9110 section 8.6); anything else is 400.
            for element in Self.elements(line.value) {
                guard !element.isEmpty, element.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
                else { throw .bad("invalid Content-Length") }
                if let known = contentLength, !known.elementsEqual(element) {
                    throw .bad("conflicting Content-Length values")
                }
                contentLength = element
            }
        case 17 where name == "transfer-encoding":
            hasTransferEncoding = true
            // Empty list elements are ignored (RFC 9110 section 5.6.1).
            for element in Self.elements(line.value) where !element.isEmpty {
                guard element.allSatisfy({ ByteClass.token[Int($0)] }) else {
                    throw .bad("invalid transfer coding")
                }
                transferCodings.append(String(decoding: element, as: UTF8.self).lowercased())
            }
        case 10 where name == "connection":
            for element in Self.elements(line.value) {
                if Self.element(element, is: "close") { connectionClose = true }
                if Self.element(element, is: "keep-alive") { connectionKeepAlive = true }
            }
        case 6 where name == "expect":
            for element in Self.elements(line.value) where !element.isEmpty {
                if Self.element(element, is: "100-continue") {
                    expectsContinue = true
                } else {
                    unsupportedExpectation = true
                }
            }
        default:
            break
        }
        return false
    }

    /// `uri-host [ ":" port ]` (RFC 9112 section 3.2, RFC 3986 section 3.2.2): host characters,
    /// an IP-literal in brackets, and a port of digits only.
    static func isValidHost(_ value: ArraySlice<UInt8>) -> Bool {
        guard !value.isEmpty, value.allSatisfy({ ByteClass.host[Int($0)] }) else { return false }
        var rest = value[...]
        if rest.first == UInt8(ascii: "[") {
            guard let close = rest.firstIndex(of: UInt8(ascii: "]")), close > rest.startIndex + 1 else { return false }
            rest = rest[rest.index(after: close)...]
            guard rest.isEmpty || rest.first == UInt8(ascii: ":") else { return false }
        } else {
            guard !rest.contains(UInt8(ascii: "[")), !rest.contains(UInt8(ascii: "]")) else { return false }
            guard let colon = rest.firstIndex(of: UInt8(ascii: ":")) else { return true }
            guard colon > rest.startIndex else { return false }
            rest = rest[colon...]
        }
        return rest.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The head of `line` and `fields` with the fields noted. `recent` is the connection's last
    /// request: reused when `Host` is the same, replaced otherwise.
    func makeHead(line: RequestLine, fields: HTTPFields, recent: inout RecentRequest?) throws(HTTP1ParseError) -> HTTP1RequestHead {
        // Host: exactly one in HTTP/1.1, at most one in 1.0, always valid (RFC 9112 section 3.2).
        if hostCount > 1 { throw .bad("more than one Host field") }
        if line.minorVersion >= 1, host == nil { throw .bad("missing Host field") }
        var request: HTTPRequest
        if let reused = recent?.request(for: line, host: host) {
            request = reused
        } else {
            if let host, !Self.isValidHost(host) {
                throw .bad("invalid Host field")
            }
            let authority = line.targetAuthority ?? host.map { String(decoding: $0, as: UTF8.self) }
            request = HTTPRequest(method: line.method, scheme: "http", authority: authority, path: line.path, headerFields: [:])
            recent = RecentRequest(request, line: line, host: host)
        }
        request.headerFields = fields
        let keepAlive = line.minorVersion >= 1 ? !connectionClose : connectionKeepAlive && !connectionClose
        let head = HTTP1RequestHead(
            request: request, minorVersion: line.minorVersion, keepAlive: keepAlive,
            expectsContinue: expectsContinue && line.minorVersion >= 1, framing: try framing(line: line))
        // An expectation other than 100-continue (RFC 9110 section 10.1.1); HTTP/1.0 ignores Expect.
        if unsupportedExpectation, line.minorVersion >= 1 {
            throw HTTP1ParseError(.expectationFailed, "unsupported expectation")
        }
        return head
    }

    /// https://www.rfc-editor.org/rfc/rfc9112#section-6.3
    private func framing(line: RequestLine) throws(HTTP1ParseError) -> HTTP1RequestHead.Framing {
        if hasTransferEncoding {
            if line.minorVersion == 0 { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
            if contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding") }
            guard transferCodings.last == "chunked" else { throw .bad("chunked is not the final transfer coding") }
            guard transferCodings.count(where: { $0 == "chunked" }) == 1 else { throw .bad("chunked applied more than once") }
            guard transferCodings.count == 1 else {
                throw HTTP1ParseError(.notImplemented, "unsupported transfer coding")
            }
            return .chunked
        }
        guard let digits = contentLength else { return .none }
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= 18 else { throw HTTP1ParseError(.contentTooLarge, "content too large") }
        let length = significant.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return length == 0 ? .none : .length(length)
    }

    /// Whether `element` is the token `lowercase`, ignoring ASCII case; no string is made.
    private static func element(_ element: ArraySlice<UInt8>, is lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { ASCIICase.equal(element, $0) }
    }

    /// The comma-separated elements of a list value, each without surrounding whitespace.
    private static func elements(_ value: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { element in
            var trimmed = element
            while let first = trimmed.first, ByteClass.isWhitespace(first) { trimmed = trimmed.dropFirst() }
            while let last = trimmed.last, ByteClass.isWhitespace(last) { trimmed = trimmed.dropLast() }
            return trimmed
        }
    }
}
