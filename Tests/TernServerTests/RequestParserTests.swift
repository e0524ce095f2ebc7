import HTTPTypes
import Testing
@testable import TernServer

@Suite("HTTP/1.1 request parser — RFC 9112")
struct RequestParserTests {
    @Test(arguments: [false, true])
    func simpleGet(byteByByte: Bool) throws {
        let (events, error) = parseAll("GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n", byteByByte: byteByByte)
        #expect(error == nil)
        let head = try #require(heads(events).first)
        #expect(head.request.method == .get)
        #expect(head.request.path == "/a/b?c=d")
        #expect(head.request.authority == "example.com")
        #expect(head.request.scheme == "http")
        #expect(head.request.headerFields[.accept] == "*/*")
        #expect(head.request.headerFields[HTTPField.Name("Host")!] == nil, "Host becomes the authority")
        #expect(head.minorVersion == 1)
        #expect(head.keepAlive)
        #expect(bodies(events) == [""])
    }

    @Test(arguments: [false, true])
    func contentLengthBody(byteByByte: Bool) {
        let (events, error) = parseAll("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", byteByByte: byteByByte)
        #expect(error == nil)
        #expect(heads(events).first?.framing == .length(5))
        #expect(bodies(events) == ["hello"])
    }

    /// RFC 9112 section 7.1's chunked coding, with extensions and a trailer section.
    @Test(arguments: [false, true])
    func chunkedBody(byteByByte: Bool) {
        let input = "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5 ; quoted=\"a \\\"b\\\" c\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n"
        let (events, error) = parseAll(input, byteByByte: byteByByte)
        #expect(error == nil)
        #expect(heads(events).first?.framing == .chunked)
        #expect(bodies(events) == ["Wikipedia in\r\n\r\nchunks."])
    }

    @Test(arguments: [false, true])
    func pipelinedRequestsInOrder(byteByByte: Bool) {
        let input = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: h\r\n\r\n"
        let (events, error) = parseAll(input, byteByByte: byteByByte)
        #expect(error == nil)
        #expect(heads(events).map(\.request.path) == ["/1", "/2", "/3"])
        #expect(bodies(events) == ["", "abc", ""])
    }

    /// A connection's heads start from the last request when Host repeats: each
    /// head here differs from the one before in one of them (or in its fields, or not at all),
    /// and each gets its own.
    @Test func eachHeadOnAConnectionGetsItsOwnRequest() {
        let input = "GET /a HTTP/1.1\r\nHost: h:1\r\nX-N: 1\r\n\r\n"
            + "GET /a HTTP/1.1\r\nHost: h:1\r\nX-N: 2\r\n\r\n"
            + "GET /a HTTP/1.1\r\nHost: h:2\r\n\r\n"
            + "GET /b HTTP/1.1\r\nHost: h:2\r\n\r\n"
            + "HEAD /b HTTP/1.1\r\nHost: h:2\r\n\r\n"
            + "HEAD http://other/b HTTP/1.1\r\nHost: h:2\r\n\r\n"
            + "HEAD /b HTTP/1.1\r\nHost: h:2\r\n\r\n"
            + "HEAD /b HTTP/1.0\r\n\r\n"
            + "HEAD /b HTTP/1.0\r\nHost: h:2\r\n\r\n"
        let (events, error) = parseAll(input)
        #expect(error == nil)
        let requests = heads(events).map(\.request)
        #expect(requests.map { "\($0.method) \($0.authority ?? "-") \($0.path ?? "-")" } == [
            "GET h:1 /a", "GET h:1 /a", "GET h:2 /a", "GET h:2 /b", "HEAD h:2 /b", "HEAD other /b", "HEAD h:2 /b",
            "HEAD - /b", "HEAD h:2 /b",
        ])
        #expect(requests.map { $0.headerFields[HTTPField.Name("X-N")!] } == ["1", "2", nil, nil, nil, nil, nil, nil, nil])
    }

    /// An idle connection keeps its last request only when it is small: a long target is not
    /// held between requests.
    @Test func aLongTargetIsNotKeptBetweenRequests() throws {
        var parser = HTTP1RequestParser()
        let long = "/" + String(repeating: "a", count: RecentRequest.maxKeptLength)
        for (target, kept) in [("/short", true), (long, false), ("/short", true), ("/short", true)] {
            parser.append(Array("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
            guard case .head(let head) = try parser.next() else { Issue.record("no head for \(target.prefix(8))"); return }
            #expect(head.request.path == target)
            #expect((parser.recentRequest != nil) == kept, "\(target.prefix(8))")
            #expect(try parser.next() == .end)
        }
    }

    /// A Host the connection's last request did not have is checked, whatever came before it.
    @Test func anInvalidHostAfterAValidOneIsRefused() {
        let (events, error) = parseAll("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h h\r\n\r\n")
        #expect(heads(events).count == 1)
        #expect(error?.status == .badRequest)
    }

    @Test func leadingEmptyLinesAreSkipped() {
        let (events, error) = parseAll("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(error == nil)
        #expect(heads(events).count == 1)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nCONNECTION: Keep-ALIVE\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed, clos\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: \"close\"\r\n\r\n", true),
        ("GET / HTTP/1.9\r\nHost: h\r\n\r\n", true),
    ])
    func persistence(input: String, keepAlive: Bool) throws {
        let head = try #require(heads(parseAll(input).events).first)
        #expect(head.keepAlive == keepAlive)
    }

    @Test func absoluteFormReplacesHost() throws {
        let head = try #require(heads(parseAll("GET http://Example.org:8080?x=1 HTTP/1.1\r\nHost: other\r\n\r\n").events).first)
        #expect(head.request.authority == "Example.org:8080")
        #expect(head.request.path == "/?x=1")
    }

    @Test func asteriskFormForOptions() throws {
        let head = try #require(heads(parseAll("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").events).first)
        #expect(head.request.path == "*")
    }

    @Test func identicalContentLengthsAreOne() {
        let (events, error) = parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(error == nil)
        #expect(bodies(events) == ["abc"])
    }

    @Test func expectContinue() throws {
        let head = try #require(heads(parseAll("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").events).first)
        #expect(head.expectsContinue)
        let old = try #require(heads(parseAll("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").events).first)
        #expect(!old.expectsContinue, "HTTP/1.0 ignores Expect")
        #expect(parseAll("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continued\r\nContent-Length: 1\r\n\r\n").error?.status == .expectationFailed)
    }

    @Test func fieldValuesKeepObsTextAndInnerWhitespace() throws {
        let head = try #require(heads(parseAll("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t one \t two\u{00E9} \t\r\n\r\n").events).first)
        #expect(head.request.headerFields[HTTPField.Name("X-A")!] == "one \t two\u{00E9}")
    }

    /// Every malformed or hostile form is refused with its status, and the parser stays failed.
    @Test(arguments: [
        // Request line.
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("GET /\r\nHost: h\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /%4 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501),
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET http:/// HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Line endings.
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Fields.
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n\tfolded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{1}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(A): a\r\n\r\n", 400),
        // Host (RFC 9112 section 3.2).
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost:\r\n\r\n", 400),
        // Content-Length (RFC 9110 section 8.6, RFC 9112 section 6.3).
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nab", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\na", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413),
        // Transfer-Encoding (RFC 9112 section 6.1).
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;x=1\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // Chunk sizes and extensions (RFC 9112 section 7.1).
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\nhello\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nBad Trailer\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n folded\r\n\r\n", 400),
        // Expect (RFC 9110 section 10.1.1).
        ("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417),
    ])
    func refused(input: String, status: Int) {
        for byteByByte in [false, true] {
            let (_, error) = parseAll(input, byteByByte: byteByByte)
            #expect(error?.status.code == status, "byte by byte: \(byteByByte)")
        }
    }

    /// The parser leaves the content's limit to whoever reads it (a route's limit); a length
    /// no `Int` holds is refused as it is read.
    @Test func chunkSizesPastAnIntAre413() {
        let largest = String(Int.max, radix: 16)
        let accepted = parseAll("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(largest)\r\nab")
        #expect(accepted.error == nil)
        #expect(accepted.events.last == .body(Array("ab".utf8)))
        for size in ["8000000000000000", "10000000000000000", "fffffffffffffffffff"] {
            let (_, error) = parseAll("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n")
            #expect(error?.status == .contentTooLarge, "\(size)")
        }
    }

    @Test func contentArrivesInPiecesAsItIsReceived() throws {
        var parser = HTTP1RequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhe".utf8))
        guard case .head = try? parser.next() else { Issue.record("no head"); return }
        #expect(try parser.next() == .body(Array("he".utf8)))
        #expect(parser.remainingContentLength == 3)
        #expect(try parser.next() == .needMoreData)
        parser.append(Array("lloGET".utf8))
        #expect(try parser.next() == .body(Array("llo".utf8)), "no further than the content's length")
        #expect(try parser.next() == .end)
        #expect(parser.bufferedByteCount == 3)
    }

    @Test func targetOverTheLimitIs414EvenBeforeTheLineEnds() {
        let long = "GET /" + String(repeating: "a", count: 8 * 1024 + 100)
        #expect(parseAll(long + " HTTP/1.1\r\nHost: h\r\n\r\n").error?.status == .uriTooLong)
        #expect(parseAll(long).error?.status == .uriTooLong, "no need to wait for the end of the line")
        let exact = "GET /" + String(repeating: "a", count: 8 * 1024 - 1) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parseAll(exact).error == nil, "exactly 8 KiB is allowed")
    }

    @Test func headOverTheLimitIs431() {
        let big = "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X-Filler: " + String(repeating: "v", count: 1000) + "\r\n", count: 17) + "\r\n"
        #expect(parseAll(big).error?.status == .requestHeaderFieldsTooLarge)
        #expect(parseAll(String(big.dropLast(2))).error?.status == .requestHeaderFieldsTooLarge, "decided before the head ends")
    }

    @Test func tooManyFieldsIs431() {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        #expect(parseAll("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n").error?.status == .requestHeaderFieldsTooLarge)
        let justEnough = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(parseAll("GET / HTTP/1.1\r\nHost: h\r\n" + justEnough + "\r\n").error == nil)
    }

    @Test func failedParserStaysFailed() {
        var parser = HTTP1RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTP1ParseError.self) { try parser.next() }
        #expect(throws: HTTP1ParseError.self) { try parser.next() }
    }

    @Test func consumedBytesAreReleased() throws {
        var parser = HTTP1RequestParser()
        for _ in 0..<1000 {
            parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
            _ = try parser.next()
            _ = try parser.next()
        }
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.buffer.count < 64, "the buffer does not grow with the number of requests")
    }
}
