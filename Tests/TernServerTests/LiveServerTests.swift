import Foundation
import HTTPTypes
import Testing
@_spi(Tern) import TernHTTP
@testable import TernServer
import TernTesting

@Suite("Live server on 127.0.0.1:0", .serialized)
struct LiveServerTests {
    static let get = "GET /path HTTP/1.1\r\nHost: t\r\n\r\n"

    @Test func keepAliveReusesTheConnection() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        for _ in 0..<3 {
            let response = try await connection.exchange(Self.get)
            #expect(response.status == 200)
            #expect(response.text == "GET /path t")
            #expect(response.field("date") != nil)
            #expect(response.field("connection") == nil)
        }
        }
    }

    @Test func pipelinedResponsesComeInRequestOrder() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        try await connection.send(
            "GET /sleep?50 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET /path HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await connection.readResponse().text == "slept")
        #expect(try await connection.readResponse().text == "hello")
        #expect(try await connection.readResponse().text == "GET /path t")
        }
    }

    @Test func headKeepsTheGetLengthAndSendsNoBody() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let head = try await connection.exchange("HEAD /path HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(head.status == 200)
        #expect(head.field("content-length") == String("HEAD /path t".utf8.count), "the length of the body the handler made")
        // Were a body sent, it would be read as the next response's status line.
        let next = try await connection.exchange("GET /no-content HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(next.status == 204)
        #expect(next.field("content-length") == nil)
        #expect(try await connection.exchange(Self.get).text == "GET /path t", "204 carried no body")
        }
    }

    @Test func aThrownErrorIs500WithoutDetailAndTheServerKeepsServing() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let response = try await connection.exchange("GET /throw HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(response.status == 500)
        #expect(response.field("content-type") == "application/problem+json")
        #expect(response.text == #"{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"the server failed to answer this request; the failure has been logged","instance":"/throw"}"#)
        #expect(!response.text.contains("passwd"))
        #expect(try await connection.exchange(Self.get).status == 200)
        }
    }

    @Test func anInterimStatusReturnedAsTheResponseIs500AndTheServerKeepsServing() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let response = try await connection.exchange("GET /interim HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(response.status == 500)
        #expect(response.field("content-type") == "application/problem+json")
        #expect(response.field("link") == nil, "the handler's fields go with its response")
        #expect(response.text.contains(#""instance":"/interim""#))
        #expect(try await connection.exchange(Self.get).status == 200)
        }
    }

    @Test func handlersRunOnTheirLoopBeforeAndAfterSuspending() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let inline = try await live.exchange("GET /inline HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(inline.text == "loop=true")
        let suspended = try await live.exchange("GET /thread HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(suspended.text == "loop-before=true loop-after=true same-loop=true same-thread=true")
        }
    }

    @Test func streamedBodyIsChunkedAndComplete() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let response = try await connection.exchange("GET /stream?128 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(response.wasChunked)
        #expect(response.body.count == 128 * 16 * 1024)
        #expect(response.body[16 * 1024 * 100] == 100)
        #expect(try await connection.exchange(Self.get).status == 200, "the connection is reusable after a stream")
        }
    }

    @Test func streamToHTTP10IsDelimitedByClose() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let response = try await live.exchange("GET /stream?4 HTTP/1.0\r\n\r\n")
        #expect(!response.wasChunked)
        #expect(response.field("connection") == "close")
        #expect(response.body.count == 4 * 16 * 1024)
        }
    }

    @Test func aStreamShorterThanAnnouncedClosesTheConnection() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        try await connection.send("GET /stream-wrong-length HTTP/1.1\r\nHost: t\r\n\r\n")
        await #expect(throws: TestClientError.self) { try await connection.readResponse() }
        #expect(try await live.exchange(Self.get).status == 200)
        }
    }

    @Test func fileRegionsAreSentInOrder() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let response = try await live.exchange("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
        let content = TestApplication.fileContent
        #expect(response.body == Array("<".utf8) + content[10..<20] + Array(">".utf8) + content)
        #expect(response.field("content-length") == String(content.count + 12))
        }
    }

    /// A response larger than the loop's output buffer grows it for its one send and arrives
    /// whole; the responses after it, written into the buffer at its usual size, do too.
    @Test func responsesLargerThanTheOutputBufferArriveWhole() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
            let connection = try live.connect()
            let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            #expect(body.count > OutputBuffer.usualCapacity * 4)
            try await connection.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let echoed = try await connection.readResponse()
            #expect(echoed.status == 200)
            #expect(echoed.body == body)
            let file = try await connection.exchange("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(file.body == Array("<".utf8) + TestApplication.fileContent[10..<20] + Array(">".utf8) + TestApplication.fileContent)
            #expect(try await connection.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok").body == Array("ok".utf8))
        }
    }

    /// While a stream's producer pauses, the loop answers another connection through the
    /// output buffer they share; the stream's connection gets its own bytes and nothing else.
    @Test func aPausedStreamSharesItsLoopWithOtherResponses() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.workers = 1 }) { live in
            let streaming = try live.connect()
            try await streaming.send("GET /stream-pause HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(50))
            let other = try await live.exchange("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(other.body.count == TestApplication.fileContent.count + 12)
            let streamed = try await streaming.readResponse()
            #expect(streamed.body == Array("first second".utf8))
            let next = try await streaming.exchange("GET /inline HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(next.status == 200)
            #expect(next.body == Array("loop=true".utf8))
        }
    }

    /// RFC 9110 section 10.1.1: the client sends its content only after `100 Continue`, which
    /// the server says when the handler reads.
    @Test func expectContinueIsAnsweredWhenTheHandlerReads() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try await connection.readResponse(returningInterim: true).status == 100, "the content is sent only after this")
        try await connection.send("body")
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "body")
        #expect(try await connection.exchange(Self.get).status == 200, "kept open")
        }
    }

    /// A handler that refuses without reading never makes the client send the content: the
    /// refusal is the first thing it hears, and the connection closes after it.
    @Test func aRefusalWithoutReadingSendsNoContinue() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        try await connection.send("PUT /refuse HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
        let response = try await connection.readResponse(returningInterim: true)
        #expect(response.status == 401, "no 100 before the refusal")
        #expect(response.field("connection") == "close")
        #expect(try await connection.waitForClose())
        }
    }

    /// A short content the handler did not read is skipped: the connection serves the next
    /// request.
    @Test func aShortUnreadContentIsSkipped() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let refused = try await connection.exchange("PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        #expect(refused.status == 401)
        #expect(refused.field("connection") == nil)
        #expect(try await connection.exchange(Self.get).text == "GET /path t")
        }
    }

    /// 64 MiB through a handler that keeps none of it: every byte arrives, in pieces no larger
    /// than the connection's input buffer and one read (the socket is not read ahead of the
    /// handler), and the connection is kept open.
    @Test func aLargeContentStreamsInBoundedPieces() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.limits.maxBodyLength = 1 << 30 }) { live in
        let connection = try live.connect()
        let size = 64 << 20
        try await connection.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
        let block = [UInt8](repeating: 0x5A, count: 1 << 20)
        for _ in 0..<64 { try await connection.send(block) }
        let response = try await connection.readResponse()
        let fields = Dictionary(uniqueKeysWithValues: response.text.split(separator: " ").map { pair in
            let parts = pair.split(separator: "=")
            return (String(parts[0]), Int(parts[1]) ?? -1)
        })
        #expect(fields["bytes"] == size)
        #expect((fields["largest"] ?? .max) <= HTTP1ConnectionStateMachine.inputBufferLimit + 64 * 1024)
        #expect(try await connection.exchange(Self.get).status == 200)
        }
    }

    @Test func aChunkedContentOverTheLimitIs413AsItGrows() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.limits.maxBodyLength = 8 }) { live in
        let connection = try live.connect()
        let response = try await connection.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n")
        #expect(response.status == 413)
        #expect(response.field("connection") == "close")
        }
    }

    /// The client leaves in the middle of the content: the handler's read throws and its task
    /// is cancelled; the server keeps serving.
    @Test func aClientLeavingMidContentEndsTheHandlersRead() async throws {
        let application = TestApplication()
        try await LiveServer.with(responder: application) { live in
        let connection = try live.connect()
        try await connection.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "x", count: 1000))
        #expect(try await TestTiming.eventually { application.observations.started.load(ordering: .relaxed) >= 1 })
        connection.close()
        #expect(try await TestTiming.eventually { application.observations.cancelled.load(ordering: .relaxed) }, "the read threw")
        #expect(try await live.exchange(Self.get).status == 200)
        }
    }

    @Test func anAnnouncedBodyOverTheLimitIsRefusedBeforeItIsSent() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let response = try await connection.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10485760\r\n\r\n")
        #expect(response.status == 413)
        #expect(response.field("connection") == "close")
        #expect(try await connection.waitForClose())
        }
    }

    /// Malformed and hostile input: its status, the connection closed, and the next
    /// connection served.
    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400, "/"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "/"),
        ("GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", 400, "/"),
        ("GET / HTTP/1.1\r\nHost: t\r\nX: a\u{0}b\r\n\r\n", 400, "/"),
        ("GET / HTTP/1.1\nHost: t\r\n\r\n", 400, nil),
        ("GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", 400, "/"),
        ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505, nil),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400, "/echo"),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 413, "/echo"),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414, nil),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X-Big: " + String(repeating: "b", count: 1000) + "\r\n", count: 17) + "\r\n", 431, "/"),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431, "/"),
        ("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: the-impossible\r\nContent-Length: 1\r\n\r\nx", 417, "/echo"),
    ])
    func malformedRequest(raw: String, status: Int, instance: String?) async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let connection = try live.connect()
        let response = try await connection.exchange(raw)
        #expect(response.status == status)
        #expect(response.field("connection") == "close")
        #expect(response.field("content-type") == "application/problem+json")
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(problem["status"] as? Int == status)
        #expect((problem["detail"] as? String)?.isEmpty == false, "every refusal says why")
        #expect(problem["instance"] as? String == instance, "the path, once the request line was read")
        #expect(try await connection.waitForClose())
        #expect(try await live.exchange(Self.get).status == 200)
        }
    }

    @Test func chunkedRequestBodyIsDecoded() async throws {
        try await LiveServer.with(responder: TestApplication()) { live in
        let response = try await live.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        #expect(response.text == "hello world")
        }
    }

    /// Slowloris: a head dribbled byte by byte is cut off at the head deadline with 408,
    /// while other clients are served. Judged by what happens, not how long it takes: the
    /// dribble (a byte every 100 ms, well inside the 600 ms deadline) goes on until the server
    /// ends the connection, which it can only do if the bytes do not extend the deadline.
    @Test func slowHeadsAreClosedAtTheHeadDeadlineWhileOthersAreServed() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.timeouts.head = .milliseconds(600) }) { live in
        let slow = try live.connect()
        let started = ContinuousClock.now
        try await slow.send("GET /slow HTTP/1.1\r\n")
        let normal = try live.connect()
        var served = 0
        // Others are served while the slow head is open (first, so a loaded machine's slow
        // dribble loop cannot starve the count).
        for _ in 0..<2 where try await normal.exchange(Self.get).status == 200 {
            served += 1
        }
        // 3,000 bytes would take five minutes: only a server that ignores the deadline lets
        // the dribble run that long, whatever the machine's speed.
        var dribbled = 0
        dribbling: while dribbled < 3_000 {
            do {
                try await slow.send("X")
            } catch {
                break dribbling
            }
            dribbled += 1
            if try await normal.exchange(Self.get).status == 200 { served += 1 }
            if slow.hasInput() { break dribbling }
            try await Task.sleep(for: .milliseconds(100))
        }
        let response = try await slow.readResponse()
        #expect(response.status == 408)
        let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(problem?["instance"] as? String == "/slow")
        #expect(try await slow.waitForClose())
        #expect(ContinuousClock.now - started >= .milliseconds(600), "not before the head deadline")
        #expect(dribbled < 3_000, "closed while the dribble went on: each byte did not extend the deadline")
        #expect(served >= 2, "others were served during the attack")
        }
    }

    @Test func oneThousandConcurrentConnectionsAreAllAnswered() async throws {
        LiveServer.raiseOpenFileLimit(atLeast: 4096)
        try await LiveServer.with(responder: TestApplication()) { live in
        var connections: [TestConnection] = []
        // Each request right after its connection: a complete request is never cut by the
        // head deadline, however slowly (a sanitizer) the other 999 are opened.
        for _ in 0..<1000 {
            let connection = try live.connect()
            try await connection.send(Self.get)
            connections.append(connection)
        }
        var answered = 0
        for connection in connections where try await connection.readResponse().status == 200 {
            answered += 1
        }
        #expect(answered == 1000)
        }
    }

    @Test func pastTheConnectionLimitNewConnectionsGet503() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.maxConnections = 2; $0.workers = 1 }) { live in
        let first = try live.connect()
        let second = try live.connect()
        #expect(try await first.exchange(Self.get).status == 200)
        #expect(try await second.exchange(Self.get).status == 200)
        let third = try await live.connect().exchange(Self.get)
        #expect(third.status == 503)
        first.close()
        #expect(try await TestTiming.eventually { live.server.openConnections <= 1 })
        #expect(try await live.exchange(Self.get).status == 200, "recovers once a connection closes")
        }
    }

    @Test func clientLeavingCancelsItsHandler() async throws {
        let application = TestApplication()
        try await LiveServer.with(responder: application) { live in
        let connection = try live.connect()
        // Sleeps ten minutes: only a cancellation ends it within the test's patience.
        try await connection.send("GET /sleep?600000 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await TestTiming.eventually { application.observations.started.load(ordering: .relaxed) >= 1 })
        connection.close()
        #expect(try await TestTiming.eventually { application.observations.cancelled.load(ordering: .relaxed) }, "cancelled")
        #expect(try await live.exchange(Self.get).status == 200)
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequests() async throws {
        let application = TestApplication()
        let live = try LiveServer(responder: application)
        let busy = try live.connect()
        let idle = try live.connect()
        #expect(try await idle.exchange(Self.get).status == 200)
        // Long enough that a loaded machine still delivers the shutdown while the handler sleeps.
        // Under the shutdown grace period (10 s), scaled a little under sanitizers.
        try await busy.send("GET /sleep?\(min(1500 * TestTiming.scale, 5000)) HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await TestTiming.eventually { application.observations.started.load(ordering: .relaxed) >= 2 })
        live.server.shutdown()
        let response = try await busy.readResponse()
        #expect(response.text == "slept", "the request in flight is finished")
        // Announced with Connection: close when the shutdown reached the loop before the
        // response; closed right after it either way.
        #expect(try await busy.waitForClose())
        #expect(try await idle.waitForClose())
        await live.server.waitUntilStopped()
        // Not judged by connecting to the old port: tests run in parallel, and another test's
        // server may already listen on it.
        #expect(live.server.openConnections == 0)
    }

    @Test func idleKeepAliveConnectionsAreClosedSilently() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.timeouts.idle = .milliseconds(300) }) { live in
        let connection = try live.connect()
        #expect(try await connection.exchange(Self.get).status == 200)
        #expect(try await connection.waitForClose(), "closed without a response")
        }
    }

    @Test func aStalledBodyGets408() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.timeouts.bodyIdle = .milliseconds(300) }) { live in
        let connection = try live.connect()
        try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
        let response = try await connection.readResponse()
        #expect(response.status == 408)
        #expect(try await connection.waitForClose())
        }
    }

    /// A client that stops reading a large response is cut off once no output has moved for the
    /// write-idle time: when it reads again, it finds far less than the response and the end.
    @Test func aClientThatStopsReadingIsDropped() async throws {
        try await LiveServer.with(responder: TestApplication(), configure: { $0.timeouts.writeIdle = .milliseconds(300) }) { live in
            let connection = try live.connect()
            try await connection.send("GET /stream?2000 HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .seconds(1))
            let received = try await connection.readToEnd()
            #expect(received > 0)
            #expect(received < 2000 * 16 * 1024, "cut off long before the end of the 32 MB response")
            #expect(live.server.openConnections == 0)
            #expect(try await live.exchange(Self.get).status == 200)
        }
    }
}
