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
        #expect(m.respond(keepAlive: false, now: start + .seconds(51)) == .shutdownWrite)
    }

    @Test func keepAliveThenIdleTimeout() {
        var m = machine()
        m.received(Array("GET /a HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/a")
        #expect(m.deadline == nil, "no read deadline while the responder works")
        #expect(m.mayKeepAlive)
        #expect(m.respond(keepAlive: true, now: start + .seconds(1)) == .wait)
        #expect(m.deadline == start + .seconds(2), "first the handler's task stops waiting")
        #expect(m.timerFired(now: start + .seconds(2)) == .releaseHandler)
        #expect(m.deadline == start + .seconds(61))
        #expect(m.timerFired(now: start + .seconds(61)) == .shutdownWrite)
    }

    @Test func pipelinedRequestsAreDispatchedOneAtATime() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.nextAction(now: start) == .wait, "the second waits for the first's response")
        #expect(dispatchedPath(m.respond(keepAlive: true, now: start)) == "/2")
        #expect(m.respond(keepAlive: true, now: start) == .wait)
    }

    @Test func connectionCloseEndsAfterTheResponse() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(!m.mayKeepAlive)
        #expect(m.respond(keepAlive: false, now: start) == .shutdownWrite)
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
        #expect(m.respond(keepAlive: true, now: start) == .wait)
        #expect(m.timerFired(now: start + .seconds(1)) == .releaseHandler)
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
        #expect(m.respond(keepAlive: false, now: start) == .shutdownWrite)
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
        #expect(m.respond(keepAlive: true, now: start) == .wait)
        #expect(m.timerFired(now: start + .seconds(1)) == .releaseHandler)
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
        #expect(m.respond(keepAlive: false, now: start) == .shutdownWrite)
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
        #expect(dispatchedPath(m.respond(keepAlive: true, now: start)) == "/next")
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
        #expect(m.respond(keepAlive: false, now: start) == .close)
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
        #expect(m.respond(keepAlive: true, now: start) == .wait)
        #expect(m.bodyRequested(now: start) == .failBody(.badRequest, reason: "the request is no longer being answered"))
    }

    @Test func shutdownWhileSkippingAnUnreadContentCloses() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.respond(keepAlive: true, now: start) == .wait)
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
        #expect(m.respond(keepAlive: true, now: start) == .close)
    }

    @Test func shutdownClosesIdleConnectionsAndFinishesBusyOnes() {
        var idle = machine()
        #expect(idle.shutdown(now: start) == .shutdownWrite)
        var busy = machine()
        busy.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(busy.nextAction(now: start)) == "/")
        #expect(busy.shutdown(now: start) == .wait)
        #expect(!busy.mayKeepAlive, "the response says Connection: close")
        #expect(busy.respond(keepAlive: false, now: start) == .shutdownWrite)
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
        #expect(m.respond(keepAlive: false, now: start) == .shutdownWrite)
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
        #expect(m.respond(keepAlive: false, pendingOutput: 500_000, now: start) == .wait)
        #expect(m.isEnding)
        #expect(!m.wantsInput)
        #expect(m.deadline == start + .seconds(30), "no read deadline while output drains, only the write timeout")
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
        #expect(m.respond(keepAlive: true, pendingOutput: 10, now: start) == .wait)
        #expect(m.outputDrained(now: start) == .close)
    }

    /// The client's FIN after a response, between requests: closed at once.
    @Test func theClientsFINBetweenRequestsCloses() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.respond(keepAlive: true, now: start) == .wait)
        #expect(m.inputEnded(now: start) == .close)
    }

    /// Pipelined requests wait while the responses before them are backed up in the output.
    @Test func pipelinedRequestsWaitForBackedUpOutput() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.respond(keepAlive: true, pendingOutput: 300_000, now: start) == .wait, "/2 waits")
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

    /// Output that stops moving closes the connection after the write timeout, counted from
    /// the last byte written.
    @Test func theWriteTimeoutCountsFromTheLastByteWritten() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.respond(keepAlive: false, pendingOutput: 500_000, now: start) == .wait)
        #expect(m.deadline == start + .seconds(30))
        m.outputWritten(pendingOutput: 400_000, now: start + .seconds(20))
        #expect(m.deadline == start + .seconds(50))
        #expect(m.timerFired(now: start + .seconds(49)) == .wait)
        #expect(m.timerFired(now: start + .seconds(50)) == .close)
        #expect(!m.wantsInput)
    }

    /// Between requests the handler's task waits `handlerIdleLifetime`, then is released;
    /// a request within it resumes the task instead.
    @Test func theHandlersTaskWaitsForTheNextRequestOnlySoLong() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.respond(keepAlive: true, now: start) == .wait)
        #expect(m.deadline == start + HTTP1ConnectionStateMachine.handlerIdleLifetime)
        m.received(Array("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start + .milliseconds(500))
        #expect(dispatchedPath(m.nextAction(now: start + .milliseconds(500))) == "/2")
        #expect(m.deadline == nil, "the task answers /2: nothing to release")
        #expect(m.respond(keepAlive: true, now: start + .seconds(2)) == .wait)
        #expect(m.timerFired(now: start + .milliseconds(2999)) == .wait)
        #expect(m.timerFired(now: start + .seconds(3)) == .releaseHandler)
        #expect(m.timerFired(now: start + .seconds(3)) == .wait, "released once")
        #expect(m.deadline == start + .seconds(62))
    }

    /// Written output ends the write timeout; the idle deadline takes over.
    @Test func writtenOutputEndsTheWriteTimeout() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.respond(keepAlive: true, pendingOutput: 100, now: start) == .wait)
        m.outputWritten(pendingOutput: 0, now: start + .seconds(1))
        #expect(m.timerFired(now: start + .seconds(1)) == .releaseHandler)
        #expect(m.deadline == start + .seconds(60), "the idle deadline of the response's instant")
    }

    /// One rule frames every response (RFC 9110 §6.4.1, RFC 9112 §6.3): a request's method,
    /// the response's status and length, the protocol version and the connection's state.
    @Test(arguments: [
        ("GET", 200, Int64?(5), 1, "", "length(5)", true),
        ("HEAD", 200, Int64?(5), 1, "", "none", true),
        ("GET", 204, Int64?(5), 1, "", "none", true),
        ("GET", 304, Int64?(5), 1, "", "none", true),
        ("HEAD", 200, nil, 1, "", "none", true),
        ("GET", 200, nil, 1, "", "chunked", true),
        ("GET", 200, nil, 0, "", "untilClose", false),
        ("GET", 200, Int64?(0), 1, "", "none", true),
        ("GET", 200, Int64?(5), 1, "close", "length(5)", false),
    ])
    func everyResponseIsFramedByOneRule(
        method: String, status: Int, length: Int64?, minor: Int, connection: String, body: String, keepAlive: Bool
    ) throws {
        var m = machine()
        m.received(Array("\(method) / HTTP/1.\(minor)\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        var fields = HTTPFields()
        if !connection.isEmpty { fields[.connection] = connection }
        let action = m.responseStarted(
            status: HTTPResponse.Status(code: status), fields: fields, content: length.map { .bytes(count: Int($0)) } ?? .stream(length: nil),
            method: HTTPRequest.Method(method)!, minorVersion: minor)
        let framing = try #require(Self.framing(of: action))
        #expect("\(framing.body)" == body)
        // An HTTP/1.0 request without keep-alive closes whatever the response says.
        #expect(framing.keepAlive == (keepAlive && minor == 1))
    }

    typealias Content = HTTP1ConnectionStateMachine.ResponseContent
    static let contentCases: [(String, Int, Content, String, String)] = [
        ("GET", 200, Content.bytes(count: 1 << 20), "writeResponse", "length(1048576)"),
        ("GET", 200, Content.fileRegions(length: 16 * 1024), "writeResponse", "length(16384)"),
        ("GET", 200, Content.fileRegions(length: 16 * 1024 + 1), "sendFileRegions", "length(16385)"),
        ("HEAD", 200, Content.fileRegions(length: 1 << 20), "writeResponse", "none"),
        ("GET", 206, Content.fileRegions(length: 1 << 20), "sendFileRegions", "length(1048576)"),
        ("GET", 200, Content.stream(length: nil), "writeStream", "chunked"),
        ("GET", 200, Content.stream(length: 1 << 20), "writeStream", "length(1048576)"),
        ("GET", 304, Content.stream(length: nil), "writeResponse", "none"),
        ("HEAD", 200, Content.stream(length: nil), "writeResponse", "none"),
        ("GET", 200, Content.bytes(count: 0), "writeResponse", "none"),
    ]

    /// How the content is written: with the head in one write when it is in memory or short
    /// file regions (nothing when the framing has none), sendfile past `copiedContentLimit`,
    /// a producer for a stream.
    @Test(arguments: contentCases)
    func theMachineDecidesHowContentIsWritten(
        method: String, status: Int, content: Content, action: String, body: String
    ) throws {
        var m = machine()
        m.received(Array("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        let started = m.responseStarted(
            status: HTTPResponse.Status(code: status), fields: [:], content: content, method: HTTPRequest.Method(method)!, minorVersion: 1)
        #expect(String(describing: started).hasPrefix(action + "("), "\(started)")
        #expect("\(try #require(Self.framing(of: started)).body)" == body)
    }

    static func framing(of action: HTTP1ConnectionStateMachine.Action) -> HTTP1ResponseFraming? {
        switch action {
        case .writeResponse(let framing), .sendFileRegions(let framing), .writeStream(let framing): framing
        default: nil
        }
    }

    /// A stream of unknown length to HTTP/1.1 goes out in chunks and ends with the last one;
    /// the producer pauses while the output is full and resumes once it drains.
    @Test func aChunkedStreamPausesOnFullOutputAndEndsWithTheLastChunk() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        _ = m.responseStarted(status: .ok, fields: [:], content: .stream(length: nil), method: .get, minorVersion: 1)
        #expect(m.contentProduced([1, 2], pendingOutput: 0, now: start) == .writeContent([1, 2], chunked: true))
        #expect(!m.isStreamPaused)
        let big = [UInt8](repeating: 7, count: 70_000)
        #expect(m.contentProduced(big, pendingOutput: 10, now: start) == .writeContent(big, chunked: true))
        #expect(m.isStreamPaused)
        #expect(m.deadline == start + .seconds(30), "the write timeout runs while output is queued")
        #expect(m.outputDrained(now: start + .seconds(1)) == .resumeStream)
        #expect(!m.isStreamPaused)
        #expect(m.contentEnded() == .writeLastChunk)
        #expect(m.responseSent(now: start + .seconds(1)) == .wait)
        #expect(m.timerFired(now: start + .seconds(2)) == .releaseHandler)
        #expect(m.deadline == start + .seconds(61))
    }

    /// The client leaves in the middle of a response (its socket fails): the connection is
    /// released at once, and what the producer still writes, and its end, are dropped.
    @Test func aClientLeavingMidResponseReleasesTheConnection() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        _ = m.responseStarted(status: .ok, fields: [:], content: .stream(length: nil), method: .get, minorVersion: 1)
        let big = [UInt8](repeating: 7, count: 70_000)
        #expect(m.contentProduced(big, pendingOutput: 0, now: start) == .writeContent(big, chunked: true))
        #expect(m.isStreamPaused)
        #expect(m.connectionFailed() == .close)
        #expect(m.isEnding)
        #expect(!m.isStreamPaused)
        #expect(m.deadline == nil, "nothing left to time")
        #expect(m.contentProduced([1], pendingOutput: 0, now: start) == .wait, "dropped")
        #expect(m.contentEnded() == .wait)
        #expect(m.responseSent(now: start) == .wait)
        #expect(m.bodyRequested(now: start) == .failBody(.badRequest, reason: "the request is no longer being answered"))
        #expect(m.settled(now: start) == [.pauseReading])
    }

    /// A stream that announced its length is held to it: a byte more, or fewer by its end,
    /// and the connection is released (the response cannot be completed as framed).
    @Test func aStreamIsHeldToItsAnnouncedLength() {
        var long = machine()
        long.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(long.nextAction(now: start)) == "/")
        _ = long.responseStarted(status: .ok, fields: [:], content: .stream(length: 3), method: .get, minorVersion: 1)
        #expect(long.contentProduced([1, 2], pendingOutput: 0, now: start) == .writeContent([1, 2], chunked: false))
        #expect(long.contentProduced([3, 4], pendingOutput: 0, now: start) == .failStream(announced: 3))
        #expect(!long.wantsInput)

        var short = machine()
        short.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(short.nextAction(now: start)) == "/")
        _ = short.responseStarted(status: .ok, fields: [:], content: .stream(length: 3), method: .get, minorVersion: 1)
        #expect(short.contentProduced([1, 2], pendingOutput: 0, now: start) == .writeContent([1, 2], chunked: false))
        #expect(short.contentEnded() == .failStream(announced: 3))
    }

    /// HEAD, 204 and 304 never carry content: what a stream produces for them is dropped.
    @Test(arguments: [("HEAD", 200), ("GET", 204), ("GET", 304)])
    func aResponseWithoutContentWritesNone(method: String, status: Int) {
        var m = machine()
        m.received(Array("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        let started = m.responseStarted(
            status: HTTPResponse.Status(code: status), fields: [:], content: .stream(length: nil), method: HTTPRequest.Method(method)!,
            minorVersion: 1)
        #expect(started == .writeResponse(HTTP1ResponseFraming(body: .none, keepAlive: true)), "the head alone: no stream runs")
        #expect(m.contentProduced([1], pendingOutput: 0, now: start) == .wait)
        #expect(m.contentEnded() == .wait)
        #expect(m.responseSent(now: start) == .wait)
    }

    // MARK: settling reading and the timer

    /// The timer is armed for the first deadline, and again only when one comes earlier than
    /// the one armed; a timer that fires early is armed again for the deadline then.
    @Test func theTimerIsArmedOnlyForAnEarlierDeadline() {
        var m = machine()
        #expect(m.settled(now: start) == [.armTimer(after: .seconds(10))], "the head timeout of a new connection")
        #expect(m.settled(now: start) == [], "armed already")
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start + .seconds(1))
        #expect(dispatchedPath(m.nextAction(now: start + .seconds(1))) == "/")
        #expect(m.respond(keepAlive: true, now: start + .seconds(1)) == .wait)
        #expect(m.settled(now: start + .seconds(1)) == [.armTimer(after: .seconds(1))], "the handler's deadline (2 s) is earlier than the armed 10 s")
        #expect(m.timerFired(now: start + .seconds(2)) == .releaseHandler)
        #expect(m.settled(now: start + .seconds(2)) == [.armTimer(after: .seconds(59))], "fired: armed for the idle deadline (61 s)")
        m.received(Array("GET /big HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start + .seconds(20))
        #expect(dispatchedPath(m.nextAction(now: start + .seconds(20))) == "/big")
        #expect(m.respond(keepAlive: true, pendingOutput: 100_000, now: start + .seconds(20)) == .wait)
        #expect(m.settled(now: start + .seconds(20)) == [.armTimer(after: .seconds(1))], "the handler's deadline is earlier than the idle one")
        #expect(m.timerFired(now: start + .seconds(21)) == .releaseHandler)
        #expect(m.settled(now: start + .seconds(21)) == [.armTimer(after: .seconds(29))], "then the write timeout, from the response")
    }

    /// A timer that fires early changes nothing but is armed again.
    @Test func aTimerFiredEarlyIsArmedAgain() {
        var m = machine()
        #expect(m.settled(now: start) == [.armTimer(after: .seconds(10))])
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(m.respond(keepAlive: true, now: start + .seconds(5)) == .wait)
        #expect(m.settled(now: start + .seconds(5)) == [.armTimer(after: .seconds(1))], "the handler's deadline")
        #expect(m.timerFired(now: start + .seconds(3)) == .wait, "early")
        #expect(m.settled(now: start + .seconds(3)) == [.armTimer(after: .seconds(3))])
    }

    /// Reading pauses when the input buffer is full and resumes when the handler takes some;
    /// it stops for good at the peer's FIN.
    @Test func readingPausesOnAFullBufferAndResumesWhenItIsRead() {
        var m = machine()
        #expect(m.settled(now: start) == [.armTimer(after: .seconds(10))])
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 1_000_000))
        #expect(m.settled(now: start) == [])
        m.received([UInt8](repeating: 7, count: 64 * 1024), now: start)
        #expect(m.nextAction(now: start) == .wait)
        #expect(m.settled(now: start) == [.pauseReading])
        guard case .deliverBody = m.bodyRequested(now: start) else {
            Issue.record("the buffered content was not delivered")
            return
        }
        #expect(m.settled(now: start) == [.resumeReading])
        #expect(m.bodyRequested(now: start + .seconds(1)) == .wait)
        #expect(m.settled(now: start + .seconds(1)) == [], "the body's deadline (31 s) is later than the armed head timeout")
        #expect(m.timerFired(now: start + .seconds(10)) == .wait)
        #expect(m.settled(now: start + .seconds(10)) == [.armTimer(after: .seconds(21))], "fired early: armed for the body's deadline")
        #expect(m.inputEnded(now: start + .seconds(12)) == .failBody(.badRequest, reason: "the request content ended early"))
        #expect(m.settled(now: start + .seconds(12)) == [.pauseReading], "nothing more to read after the FIN")
    }

    /// A connection that stopped reading on a full buffer reads again while it lingers, so
    /// the client's late bytes are taken and dropped rather than turning into a reset.
    @Test func aLingeringConnectionReadsAgain() {
        var m = machine()
        _ = m.settled(now: start)
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n".utf8), now: start)
        #expect(dispatchedBody(m.nextAction(now: start)) == .streamed(length: 1_000_000))
        m.received([UInt8](repeating: 7, count: 64 * 1024), now: start)
        #expect(m.nextAction(now: start) == .wait)
        #expect(m.settled(now: start) == [.pauseReading])
        #expect(m.respond(keepAlive: true, now: start) == .shutdownWrite, "too much unread content to skip")
        #expect(m.settled(now: start) == [.resumeReading, .armTimer(after: .seconds(2))], "read and dropped until the linger deadline")
    }
}

extension HTTP1ConnectionStateMachine {
    /// Answers the request being answered with an empty 200, closing the connection unless
    /// `keepAlive`, as the transport does: `responseStarted`, then `responseSent`.
    mutating func respond(keepAlive: Bool, pendingOutput: Int = 0, now: ContinuousClock.Instant) -> Action {
        _ = responseStarted(
            status: .ok, fields: keepAlive ? [:] : [.connection: "close"], content: .bytes(count: 0), method: .get, minorVersion: 1)
        return responseSent(pendingOutput: pendingOutput, now: now)
    }

    /// What `settle` answers until `.wait`, as the transport performs it.
    mutating func settled(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        while case let action = settle(now: now), action != .wait { actions.append(action) }
        return actions
    }
}
