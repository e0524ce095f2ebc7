import HTTPTypes
import Testing
@testable import TernServer

@Suite("Response framing — RFC 9110 sections 6.4.1 and 8.6, RFC 9112 section 6.3")
struct ResponseHeadTests {
    func head(
        _ status: HTTPResponse.Status, _ fields: HTTPFields = [:], length: Int64?, method: HTTPRequest.Method = .get,
        minor: Int = 1, keepAlive: Bool = true
    ) -> (HTTP1ResponseFraming, String) {
        let framing = HTTP1ResponseHead.framing(
            status: status, fields: fields, bodyLength: length, method: method, minorVersion: minor, mayKeepAlive: keepAlive)
        var bytes: [UInt8] = []
        HTTP1ResponseHead.write(
            HTTPResponse(status: status, headerFields: fields), framing: framing, bodyLength: length, method: method,
            minorVersion: minor, date: Array("date: D\r\n".utf8), to: &bytes)
        return (framing, String(decoding: bytes, as: UTF8.self))
    }

    @Test func lengthKnown() {
        let (framing, text) = head(.ok, [.contentType: "text/plain", .contentLength: "999"], length: 5)
        #expect(framing == HTTP1ResponseFraming(body: .length(5), keepAlive: true))
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ndate: D\r\ncontent-length: 5\r\n\r\n", "the body's length wins")
    }

    @Test func emptyBodySaysZero() {
        #expect(head(.ok, length: 0).1 == "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 0\r\n\r\n")
    }

    @Test func headKeepsTheLengthOfTheGetBody() {
        let (framing, text) = head(.ok, length: 42, method: .head)
        #expect(framing.body == .none)
        #expect(text.contains("content-length: 42\r\n"))
        let declared = head(.ok, [.contentLength: "7"], length: 0, method: .head).1
        #expect(declared.contains("Content-Length: 7\r\n"), "a HEAD handler may declare the length itself")
        #expect(!declared.contains("content-length: 0"))
    }

    @Test func noContentAndNotModifiedCarryNoBodyOrLength() {
        let (framing, text) = head(.noContent, [.contentLength: "3"], length: 3)
        #expect(framing.body == .none)
        #expect(!text.lowercased().contains("content-length"))
        let (notModified, text304) = head(.notModified, length: 10)
        #expect(notModified.body == .none)
        #expect(!text304.lowercased().contains("content-length"))
    }

    @Test func streamsAreChunkedTo11AndCloseDelimitedTo10() {
        let (chunked, text) = head(.ok, [.transferEncoding: "gzip"], length: nil)
        #expect(chunked.body == .chunked)
        #expect(text.contains("transfer-encoding: chunked\r\n"))
        #expect(!text.contains("gzip"), "the server owns the framing fields")
        let (untilClose, text10) = head(.ok, length: nil, minor: 0)
        #expect(untilClose == HTTP1ResponseFraming(body: .untilClose, keepAlive: false))
        #expect(text10.contains("connection: close\r\n"))
    }

    @Test func connectionFields() {
        #expect(head(.ok, [.connection: "close"], length: 0).0.keepAlive == false)
        #expect(head(.ok, length: 0, keepAlive: false).1.contains("connection: close\r\n"))
        #expect(head(.ok, length: 0, minor: 0).1.contains("connection: keep-alive\r\n"))
        #expect(!head(.ok, [.connection: "upgrade"], length: 0).1.lowercased().contains("upgrade"))
    }

    @Test func handlerDateIsKept() {
        let text = head(.ok, [.date: "Sun, 06 Nov 1994 08:49:37 GMT"], length: 0).1
        #expect(text.contains("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"))
        #expect(!text.contains("date: D"))
    }

    @Test func customStatusAndEmptyReason() {
        #expect(head(HTTPResponse.Status(code: 299), length: 0).1.hasPrefix("HTTP/1.1 299 \r\n"))
    }
}
