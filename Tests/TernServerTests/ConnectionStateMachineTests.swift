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

    @Test func aNewConnectionMustSendItsHeadWithinTheHeadTimeout() {
        var m = machine()
        #expect(m.deadline == start + .seconds(10))
        #expect(m.timerFired(now: start + .seconds(9)) == .wait)
        #expect(m.timerFired(now: start + .seconds(10)) == .close, "nothing received: closed silently")
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

    @Test func theBodyIdleTimerRestartsWithEachPiece() {
        var m = machine()
        m.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab".utf8), now: start)
        #expect(m.nextAction(now: start) == .wait)
        #expect(m.deadline == start + .seconds(30))
        m.received(Array("c".utf8), now: start + .seconds(20))
        #expect(m.nextAction(now: start + .seconds(20)) == .wait)
        #expect(m.deadline == start + .seconds(50))
        #expect(m.timerFired(now: start + .seconds(40)) == .wait)
        #expect(m.timerFired(now: start + .seconds(50)) == .sendError(.requestTimeout, reason: "the request was not received in time", instance: "/"))
    }

    @Test func keepAliveThenIdleTimeout() {
        var m = machine()
        m.received(Array("GET /a HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/a")
        #expect(m.deadline == nil, "no read deadline while the responder works")
        #expect(m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: true, now: start + .seconds(1)) == .wait)
        #expect(m.deadline == start + .seconds(61))
        #expect(m.timerFired(now: start + .seconds(61)) == .close)
    }

    @Test func pipelinedRequestsAreDispatchedOneAtATime() {
        var m = machine()
        m.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/1")
        #expect(m.nextAction(now: start) == .wait, "the second waits for the first's response")
        #expect(!m.wantsInput)
        #expect(dispatchedPath(m.responseSent(keepAlive: true, now: start)) == "/2")
        #expect(m.responseSent(keepAlive: true, now: start) == .wait)
    }

    @Test func connectionCloseEndsAfterTheResponse() {
        var m = machine()
        m.received(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
        #expect(!m.mayKeepAlive)
        #expect(m.responseSent(keepAlive: false, now: start) == .close)
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8), now: start)
        #expect(m.nextAction(now: start) == .sendContinue)
        #expect(m.nextAction(now: start) == .wait)
        m.received(Array("ok".utf8), now: start)
        let head = m.currentHeadForTesting
        #expect(head?.request.method == .put)
        #expect(m.nextAction(now: start) == head.map { .dispatch($0, body: Array("ok".utf8)) })
    }

    @Test func noContinueWhenTheBodyIsAlreadyHere() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok".utf8), now: start)
        #expect(dispatchedPath(m.nextAction(now: start)) == "/")
    }

    @Test func aTooLargeBodyIsRefusedWithoutContinue() {
        var m = machine()
        m.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n".utf8), now: start)
        #expect(m.nextAction(now: start) == .sendError(.contentTooLarge, reason: "content too large", instance: "/"))
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
        #expect(idle.shutdown() == .close)
        var busy = machine()
        busy.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: start)
        #expect(dispatchedPath(busy.nextAction(now: start)) == "/")
        #expect(busy.shutdown() == .wait)
        #expect(!busy.mayKeepAlive, "the response says Connection: close")
        #expect(busy.responseSent(keepAlive: false, now: start) == .close)
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
        ("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n", .contentTooLarge, "/upload"),
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
}

extension HTTP1ConnectionStateMachine {
    /// The head whose content is being read, for building expected actions.
    var currentHeadForTesting: HTTP1RequestHead? {
        if case .readingBody(let head, _) = state { return head }
        return nil
    }
}
