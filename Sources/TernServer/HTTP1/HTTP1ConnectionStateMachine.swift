public import HTTPTypes
import TernHTTP

/// The life of one HTTP/1.1 connection as a value: it takes events (bytes received, a
/// response sent, the end of the peer's input, a timer, shutdown) with the instant they
/// happen, and answers with what to do. It owns the parser and the read-side deadlines;
/// the transport performs the actions and owns nothing but the socket.
///
/// Requests are answered one at a time; pipelined requests wait in the parser's buffer, so
/// responses leave in request order (https://www.rfc-editor.org/rfc/rfc9112#section-9.3.2).
public struct HTTP1ConnectionStateMachine: Sendable {
    /// What the transport should do next.
    public enum Action: Sendable, Hashable {
        /// Nothing until the next event (arm the timer for `deadline`, if any).
        case wait
        /// Write `HTTP/1.1 100 Continue` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1),
        /// then call `nextAction` again.
        case sendContinue
        /// Hand the request to the responder; call `responseSent` once its response is queued.
        case dispatch(HTTP1RequestHead, body: [UInt8])
        /// Answer with this error status, then close. `instance` is the request's path when
        /// its request line was read (the problem's `instance`), else nil.
        case sendError(HTTPResponse.Status, reason: String, instance: String?)
        /// Close once queued output is written.
        case close
    }

    /// Deadlines are kept as offsets from `epoch`: `ContinuousClock.Instant` is not `@frozen`,
    /// and a resilient payload would send every switch on `State` through runtime witnesses.
    typealias Deadline = Duration

    enum State: Sendable {
        /// Between requests, nothing of the next one received.
        case idle(deadline: Deadline)
        /// Part of a head received; the whole head is due by `deadline`.
        case readingHead(deadline: Deadline)
        /// A head parsed, its content arriving; more is due by `deadline`.
        case readingBody(HTTP1RequestHead, deadline: Deadline)
        /// A request is with the responder, or its response is being written.
        case responding(HTTP1RequestHead)
        case closed
    }

    private static let epoch = ContinuousClock.Instant.now

    static func offset(_ instant: ContinuousClock.Instant) -> Deadline {
        instant - epoch
    }

    /// The deadlines it enforces.
    public let timeouts: HTTP1Timeouts
    private(set) var parser: HTTP1RequestParser
    private(set) var state: State
    private var inputClosed = false
    private var shuttingDown = false

    /// A machine for a connection opened at `now`.
    public init(limits: HTTP1Limits = HTTP1Limits(), timeouts: HTTP1Timeouts = HTTP1Timeouts(), now: ContinuousClock.Instant) {
        self.timeouts = timeouts
        self.parser = HTTP1RequestParser(limits: limits)
        // A new connection's first head is due within the head timeout of accept.
        self.state = .idle(deadline: Self.offset(now) + timeouts.head)
    }

    /// When the transport should call `timerFired`, if at all.
    public var deadline: ContinuousClock.Instant? {
        deadlineOffset.map { Self.epoch + $0 }
    }

    /// `deadline` as an offset (see `offset(_:)`): compared without the clock's resilient
    /// instant type, which the transport does on every request.
    var deadlineOffset: Deadline? {
        switch state {
        case .idle(let deadline), .readingHead(let deadline), .readingBody(_, let deadline): deadline
        case .responding, .closed: nil
        }
    }

    /// Whether input should be passed to `received` now. While a request is being answered,
    /// input waits in the transport's buffer, bounded by its read watermark.
    public var wantsInput: Bool {
        switch state {
        case .idle, .readingHead, .readingBody: true
        case .responding, .closed: false
        }
    }

    /// Whether a request is with the responder (or its response is being written).
    public var isResponding: Bool {
        if case .responding = state { return true }
        return false
    }

    /// Whether the response about to be written may leave the connection open: the request
    /// allowed it and neither the peer nor a shutdown has ended the connection.
    public var mayKeepAlive: Bool {
        guard case .responding(let head) = state else { return false }
        return head.keepAlive && !inputClosed && !shuttingDown
    }

    /// Bytes arrived. Follow with `nextAction(now:)` until it answers `.wait`.
    public mutating func received(_ bytes: some Collection<UInt8>, now: ContinuousClock.Instant) {
        parser.append(bytes)
        noteInput(now: now)
    }

    private mutating func noteInput(now: ContinuousClock.Instant) {
        switch state {
        case .idle where parser.bufferedByteCount > 0:
            state = .readingHead(deadline: Self.offset(now) + timeouts.head)
        case .readingBody(let head, _):
            state = .readingBody(head, deadline: Self.offset(now) + timeouts.bodyIdle)
        default:
            break
        }
    }

    /// The next thing to do; call until it answers `.wait` or the connection is closing.
    public mutating func nextAction(now: ContinuousClock.Instant) -> Action {
        while true {
            switch state {
            case .closed, .responding:
                return .wait
            case .idle, .readingHead, .readingBody:
                break
            }
            let event: HTTP1RequestParser.Event
            do {
                event = try parser.next()
            } catch {
                let instance = requestPath
                state = .closed
                return .sendError(error.status, reason: error.reason, instance: instance)
            }
            switch event {
            case .needMoreData:
                if case .idle = state, inputClosed || shuttingDown {
                    state = .closed
                    return .close
                }
                if inputClosed {
                    // The peer ended its input in the middle of a request.
                    state = .closed
                    return .close
                }
                return .wait
            case .head(let head):
                state = .readingBody(head, deadline: Self.offset(now) + timeouts.bodyIdle)
                if head.expectsContinue, head.framing != .none, parser.bufferedByteCount == 0 {
                    return .sendContinue
                }
            case .message(let body):
                guard case .readingBody(let head, _) = state else {
                    preconditionFailure("the parser completed a message without a head")
                }
                state = .responding(head)
                return .dispatch(head, body: body)
            }
        }
    }

    /// The response to the current request is queued. `keepAlive` is what its head said
    /// (false when `mayKeepAlive` was false, or the response itself closes). Continues with
    /// the next pipelined request, if one is buffered.
    public mutating func responseSent(keepAlive: Bool, now: ContinuousClock.Instant) -> Action {
        guard case .responding = state else { return .wait }
        guard keepAlive, !inputClosed, !shuttingDown else {
            state = .closed
            return .close
        }
        state = .idle(deadline: Self.offset(now) + timeouts.idle)
        noteInput(now: now)
        return nextAction(now: now)
    }

    /// The peer will send nothing more. A request being answered still gets its response
    /// (the transport may cancel its handler); otherwise the connection closes.
    public mutating func inputEnded(now: ContinuousClock.Instant) -> Action {
        inputClosed = true
        switch state {
        case .responding, .closed:
            return .wait
        case .idle, .readingHead, .readingBody:
            return nextAction(now: now)
        }
    }

    /// The timer armed for `deadline` fired. A partial request is answered with 408; an idle
    /// connection is closed silently (https://www.rfc-editor.org/rfc/rfc9112#section-9.5).
    public mutating func timerFired(now: ContinuousClock.Instant) -> Action {
        guard let deadline, now >= deadline else { return .wait }
        switch state {
        case .idle:
            state = .closed
            return .close
        case .readingHead, .readingBody:
            let instance = requestPath
            state = .closed
            return .sendError(.requestTimeout, reason: "the request was not received in time", instance: instance)
        case .responding, .closed:
            return .wait
        }
    }

    /// The path of the request being read, once its request line has been: what a refusal's
    /// problem names as its `instance`.
    private var requestPath: String? {
        let target: String? =
            switch state {
            case .readingBody(let head, _): head.request.path
            default: parser.requestTarget
            }
        return target.map { String(Request.path(of: $0)) }
    }

    /// The server is stopping: an idle connection closes now, one with a request under way
    /// closes after its response.
    public mutating func shutdown() -> Action {
        shuttingDown = true
        if case .idle = state {
            state = .closed
            return .close
        }
        return .wait
    }
}
