import HTTPTypes
import Testing
@testable import TernServer

@Suite("Connection state machine — timers on an injected clock")
struct ConnectionStateMachineTests {
    let start = ContinuousClock.now
    var timeouts: HTTP1Timeouts {
        var timeouts = HTTP1Timeouts()
        timeouts.head = .seconds(10)
        timeouts.idle = .seconds(60)
        timeouts.bodyIdle = .seconds(30)
        return timeouts
    }

    func machine() -> HTTP1ConnectionStateMachine {
        HTTP1ConnectionStateMachine(timeouts: timeouts, now: start)
    }

    func dispatchedPath(_ action: HTTP1ConnectionStateMachine.Action) -> String? {
        if case .dispatch(let head, _) = action { return head.request.path }
        return nil
    }

    func dispatchedBody(_ action: HTTP1ConnectionStateMachine.Action) -> HTTP1ConnectionStateMachine.DispatchedBody? {
        if case .dispatch(_, let body) = action { return body }
        return nil
    }

    @Test func aNewConnectionMustSendItsHeadWithinTheHeadTimeout() {
        var m = machine()
        #expect(m.deadline == start + .seconds(10))
        #expect(m.timerFired(now: start + .seconds(9)) == .wait)
        #expect(m.timerFired(now: start + .seconds(10)) == .shutdownWrite, "nothing received: closed silently (after lingering)")
    }

    /// Slowloris: bytes keep coming, but the head is due by an absolute deadline.
    @Test func aDribbledHeadGets408AtTheHeadDeadline() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\n".utf8), now: start + .seconds(1))
        #expect(m.nextAction(now: start + .seconds(1)) == .wait)
        for second in 2..<11 {
            m.received(Array("X-\(second): v\r\n".utf8), now: start + .seconds(second))
            #expect(m.nextAction(now: start + .seconds(second)) == .wait)
        }
        #expect(m.deadline == start + .seconds(11), "from the first byte, not extended by later ones")
        #expect(m.timerFired(now: start + .seconds(11)) == .sendError(.requestTimeout, reason: "the request was not received in time", instance: "/"))
        #expect(!m.wantsInput)
    }

    /// The body's idle deadline runs only while the handler waits for content, and restarts
    /// with each piece.
    @Test func theBodyIdleTimerRestartsWithEachPiece() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 4))
        #expect(m.deadline == nil, "no deadline while the handler does not read")
        #expect(m.bodyRequested(now: start) == .deliverBody(Array("ab".utf8)))
        #expect(m.bodyRequested(now: start) == .wait)
        #expect(m.deadline == start + .seconds(30))
        m.received(Array("c".utf8), now: start + .seconds(20))
        #expect(m.nextAction(now: start + .seconds(20)) == .deliverBody(Array("c".utf8)))
        #expect(m.bodyRequested(now: start + .seconds(20)) == .wait)
        #expect(m.deadline == start + .seconds(50))
        #expect(m.timerFired(now: start + .seconds(40)) == .wait)
        #expect(m.timerFired(now: start + .seconds(50)) == .failBody(.requestTimeout, reason: "the request content was not received in time"))
        #expect(m.bodyRequested(now: start + .seconds(50)) == .failBody(.requestTimeout, reason: "the request content was not received in time"))
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: false, now: start + .seconds(51)) == .shutdownWrite)
    }

    @Test func keepAliveThenIdleTimeout() {
        var m = machine()
        m.received(Array("GET /a HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/a")
        #expect(m.deadline == nil, "no read deadline while the responder works")
        #expect(m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: true, now: start + .seconds(1)) == .wait)
        #expect(m.deadline == start + .seconds(61))
        #expect(m.timerFired(now: start + .seconds(61)) == .shutdownWrite)
    }

    @Test func pipelinedRequestsAreDispatchedOneAtATime() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.nextAction(now: start) == .wait, "the second waits for the first's response")
        #expect(dispatchedPath(m.responseSent(keepAlive: true, now: start)) == "/2")
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
    }

    @Test func connectionCloseEndsAfterTheResponse() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: false, now: start) == .shutdownWrite)
    }

    /// RFC 9110 section 10.1.1: the client holds its content back until it hears 100; the
    /// server says it when the handler first reads.
    @Test func expectContinueIsAnsweredAtTheFirstRead() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 2))
        #expect(m.nextAction(now: start) == .wait, "nothing said before the handler reads")
        #expect(m.bodyRequested(now: start) == .sendContinue)
        m.received(Array("ok".utf8), now: start)
        #expect(m.nextAction(now: start) == .deliverBody(Array("ok".utf8)))
        #expect(m.bodyRequested(now: start) == .endBody)
        #expect(m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
        #expect(m.deadline == start + .seconds(60), "idle again")
    }

    @Test func noContinueWhenTheBodyIsAlreadyHere() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .complete(Array("ok".utf8)))
        #expect(m.bodyRequested(now: start) == .endBody)
    }

    /// A handler that refuses (401, 412, 413) without reading never makes the client send the
    /// content: no 100, and the connection closes after the refusal.
    @Test func aRefusalWithoutReadingNeverSaysContinueAndCloses() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 2_000_000))
        #expect(!m.mayKeepAlive, "the client may or may not send the content: close")
        #expect(m.responseSent(keepAlive: false, now: start) == .shutdownWrite)
    }

    /// The socket is read no faster than the handler consumes: past the buffer's limit the
    /// machine wants no input until a read takes some.
    @Test func contentIsReadNoFasterThanTheHandlerConsumes() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 1_000_000))
        let piece = [UInt8](repeating: 7, count: 16 * 1024)
        for _ in 0..<4 {
            #expect(m.wantsInput)
            m.received(piece, now: start)
            #expect(m.nextAction(now: start) == .wait, "no read pending: nothing delivered")
        }
        #expect(!m.wantsInput, "64 KiB unread: stop reading the socket")
        guard case .deliverBody(let delivered) = m.bodyRequested(now: start) else {
            Issue.record("the buffered content was not delivered")
            return
        }
        #expect(delivered.count == 64 * 1024)
        #expect(m.wantsInput)
    }

    /// A handler that answers without reading a short content: the rest is read and dropped,
    /// and the next request is served on the same connection.
    @Test func aShortUnreadContentIsSkippedAndTheConnectionKeptOpen() {
        var m = machine()
        m.received(Array("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 10))
        #expect(m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
        #expect(m.deadline == start + .seconds(30), "the rest is due within the body timeout")
        m.received(Array("defghijGET /b HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/b")
    }

    /// Unknown or large rest (chunked, or more than 64 KiB to come): closing costs less than
    /// reading it.
    @Test(arguments: ["Transfer-Encoding: chunked", "Content-Length: 100000"])
    func aLongOrUnknownUnreadContentCloses(framing: String) {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\n\(framing)\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: false, now: start) == .shutdownWrite)
    }

    @Test func chunkedContentIsDeliveredPieceByPieceThenTheNextRequest() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: nil))
        #expect(m.bodyRequested(now: start) == .deliverBody(Array("abc".utf8)))
        #expect(m.bodyRequested(now: start) == .wait)
        m.received(Array("2\r\nde\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(m.nextAction(now: start) == .deliverBody(Array("de".utf8)))
        #expect(m.bodyRequested(now: start) == .endBody)
        #expect(m.nextAction(now: start) == .wait, "the next request waits for this one's response")
        #expect(dispatchedPath(m.responseSent(keepAlive: true, now: start)) == "/next")
    }

    @Test func aMalformedChunkFailsTheReadAndTheConnectionCloses() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.bodyRequested(now: start) == .failBody(.badRequest, reason: "invalid chunk size"))
        #expect(!m.mayKeepAlive)
    }

    /// The client leaves mid-content: the pending read fails (the transport cancels the handler).
    @Test func theClientLeavingMidContentFailsThePendingRead() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.bodyRequested(now: start) == .deliverBody(Array("abc".utf8)))
        #expect(m.bodyRequested(now: start) == .wait)
        #expect(m.inputEnded(now: start) == .failBody(.badRequest, reason: "the request content ended early"))
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: false, now: start) == .close)
    }

    /// Content that all arrived before the peer's FIN is still read whole.
    @Test func contentBufferedBeforeTheFINIsStillDelivered() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 70000\r\n\r\n".utf8) + [UInt8](repeating: 1, count: 70_000), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 70_000))
        #expect(m.inputEnded(now: start) == .wait)
        guard case .deliverBody(let piece) = m.bodyRequested(now: start) else {
            Issue.record("nothing delivered")
            return
        }
        #expect(piece.count == 70_000)
        #expect(m.bodyRequested(now: start) == .endBody)
    }

    @Test func aSecondReaderFailsAndTheFirstStaysPending() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.bodyRequested(now: start) == .wait)
        #expect(m.bodyRequested(now: start) == .failBody(.internalServerError, reason: "the request content is already being read"))
        m.received(Array("abc".utf8), now: start)
        #expect(m.nextAction(now: start) == .deliverBody(Array("abc".utf8)))
    }

    @Test func aReadAfterTheResponseFails() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == HTTP1ConnectionStateMachine.DispatchedBody.none)
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
        #expect(m.bodyRequested(now: start) == .failBody(.badRequest, reason: "the request is no longer being answered"))
    }

    @Test func shutdownWhileSkippingAnUnreadContentCloses() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
        #expect(m.shutdown(now: start) == .shutdownWrite)
    }

    @Test func inputEndingMidRequestCloses() {
        var m = machine()
        m.received(Array("GET / HT".utf8), now: start)
        #expect(m.nextAction(now: start) == .wait)
        #expect(m.inputEnded(now: start) == .close)
    }

    @Test func inputEndingWhileRespondingStillGetsTheResponseThenCloses() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.inputEnded(now: start) == .wait)
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: true, now: start) == .close)
    }

    @Test func shutdownClosesIdleConnectionsAndFinishesBusyOnes() {
        var idle = machine()
        #expect(idle.shutdown(now: start) == .shutdownWrite)
        var busy = machine()
        busy.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(busy.nextAction(now: start)) == "/")
        #expect(busy.shutdown(now: start) == .wait)
        #expect(!busy.mayKeepAlive, "the response says Connection: close")
        #expect(busy.responseSent(keepAlive: false, now: start) == .shutdownWrite)
    }

    @Test func aParseErrorClosesAfterItsResponse() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\n\r\n".utf8), now: start)
        #expect(m.nextAction(now: start) == .sendError(.badRequest, reason: "missing Host field", instance: "/"))
        #expect(!m.wantsInput)
        #expect(m.nextAction(now: start) == .wait)
    }

    /// A refusal names the request's path (without its query) once the request line was read,
    /// and nothing before it.
    @Test(arguments: [
        ("GET /users?limit=5 HTTP/1.1\r\nHost: h\r\nBad Field: x\r\n\r\n", HTTPResponse.Status.badRequest, "/users" as String?),
        ("POST /a%20b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .notImplemented, "/a%20b"),
        ("GET /p HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "v", count: 20_000))\r\n\r\n", .requestHeaderFieldsTooLarge, "/p"),
        ("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000000000000000\r\n\r\n", .contentTooLarge, "/upload"),
        ("\u{16}\u{03}\u{01}", .badRequest, nil),
        ("GET /\(String(repeating: "x", count: 9_000)) HTTP/1.1\r\n", .uriTooLong, nil),
    ])
    func refusalsNameTheRequestPathOnceItWasRead(input: String, status: HTTPResponse.Status, instance: String?) {
        var m = machine()
        m.received(Array(input.utf8), now: start)
        guard case .sendError(let refused, _, let named) = m.nextAction(now: start) else {
            Issue.record("not refused")
            return
        }
        #expect(refused == status)
        #expect(named == instance)
    }

    @Test func aTimeoutMidHeadNamesThePathOnceTheRequestLineCame() {
        var m = machine()
        m.received(Array("GET /slow?x=1 HTTP/1.1\r\nHost: h\r\n".utf8), now: start)
        #expect(m.nextAction(now: start) == .wait)
        guard case .sendError(.requestTimeout, _, let instance) = m.timerFired(now: start + .seconds(60)) else {
            Issue.record("no 408")
            return
        }
        #expect(instance == "/slow")
        var early = machine()
        early.received(Array("GET /sl".utf8), now: start)
        #expect(early.nextAction(now: start) == .wait)
        guard case .sendError(.requestTimeout, _, nil) = early.timerFired(now: start + .seconds(60)) else {
            Issue.record("a 408 before the request line must not name a path")
            return
        }
    }

    // MARK: the end of a connection

    /// RFC 9112 section 9.6: after the last response the server shuts down its side and reads
    /// (dropping) until the client's FIN or the linger deadline.
    @Test func afterTheLastResponseTheConnectionLingersThenCloses() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.responseSent(keepAlive: false, now: start) == .shutdownWrite)
        #expect(m.isEnding)
        #expect(m.deadline == start + .seconds(2), "the linger time")
        #expect(m.wantsInput, "read and dropped, so the client's late bytes do not reset the connection")
        m.received(Array("POST /late HTTP/1.1\r\n".utf8), now: start + .seconds(1))
        #expect(m.nextAction(now: start + .seconds(1)) == .wait, "nothing of it is parsed")
        #expect(m.timerFired(now: start + .seconds(1)) == .wait)
        #expect(m.timerFired(now: start + .seconds(2)) == .close)
    }

    @Test func theClientsFINWhileLingeringClosesAtOnce() {
        var m = machine()
        #expect(m.shutdown(now: start) == .shutdownWrite)
        #expect(m.inputEnded(now: start) == .close)
    }

    /// Output still queued: the connection ends only once it is written (the transport's
    /// write timeout bounds how long that may take).
    @Test func closingWaitsForQueuedOutput() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.responseSent(keepAlive: false, pendingOutput: 500_000, now: start) == .wait)
        #expect(m.isEnding)
        #expect(!m.wantsInput)
        #expect(m.deadline == nil, "no read deadline while output drains")
        #expect(m.outputDrained(now: start + .seconds(5)) == .shutdownWrite)
        #expect(m.deadline == start + .seconds(7))
    }

    /// The client's FIN came before the response: once it is written, the socket is released
    /// at once (nothing to linger for).
    @Test func theClientsFINBeforeTheResponseClosesAfterIt() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.inputEnded(now: start) == .wait, "the response is still written")
        #expect(m.responseSent(keepAlive: true, pendingOutput: 10, now: start) == .wait)
        #expect(m.outputDrained(now: start) == .close)
    }

    /// The client's FIN after a response, between requests: closed at once.
    @Test func theClientsFINBetweenRequestsCloses() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
        #expect(m.inputEnded(now: start) == .close)
    }

    /// Pipelined requests wait while the responses before them are backed up in the output.
    @Test func pipelinedRequestsWaitForBackedUpOutput() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.responseSent(keepAlive: true, pendingOutput: 300_000, now: start) == .wait, "/2 waits")
        #expect(m.nextAction(now: start) == .wait)
        #expect(dispatchedPath(m.outputDrained(now: start)) == "/2")
    }

    /// A refusal (here 400) is written, then the connection lingers.
    @Test func aRefusalIsWrittenThenTheConnectionLingers() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\n\r\n".utf8), now: start)
        guard case .sendError(.badRequest, _, _) = m.nextAction(now: start) else {
            Issue.record("not refused")
            return
        }
        #expect(m.errorQueued(pendingOutput: 200, now: start) == .wait)
        #expect(m.outputDrained(now: start) == .shutdownWrite)
    }
}
