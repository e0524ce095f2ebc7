public import HTTPTypes
import TernHTTP

/// The life of one HTTP/1.1 connection as a value: it takes events (bytes received, the
/// handler asking for content, a response sent, the end of the peer's input, a timer,
/// shutdown) with the instant they happen, and answers with what to do. It owns the parser,
/// the buffered input and every read-side deadline; the transport performs the actions.
///
/// A request is handed to the responder as soon as its head is read; its content is parsed
/// only as the handler asks for it (`bodyRequested`), so unread input stays in the parser's
/// buffer and the transport stops reading once that holds `inputBufferLimit` bytes
/// (`wantsInput`): backpressure from the handler to the socket. Requests are answered one at
/// a time; pipelined requests wait in the same buffer, so responses leave in request order
/// (https://www.rfc-editor.org/rfc/rfc9112#section-9.3.2).
public struct HTTP1ConnectionStateMachine: Sendable {
    /// What the transport should do next.
    public enum Action: Sendable, Hashable {
        /// Nothing until the next event (arm the timer for `deadline`, if any).
        case wait
        /// Write `HTTP/1.1 100 Continue` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1):
        /// the handler asked for content the client holds back until it hears it. The read
        /// stays pending.
        case sendContinue
        /// Hand the request to the responder; call `responseSent` once its response is queued.
        case dispatch(HTTP1RequestHead, body: DispatchedBody)
        /// Give this piece of content to the handler's pending read.
        case deliverBody([UInt8])
        /// The handler's pending read gets the end of the content.
        case endBody
        /// The handler's pending read fails with this status: the content is malformed (400),
        /// ended early (400) or stopped arriving (408). The connection closes after the response.
        case failBody(HTTPResponse.Status, reason: String)
        /// Answer with this error status, then close. `instance` is the request's path when
        /// its request line was read (the problem's `instance`), else nil.
        case sendError(HTTPResponse.Status, reason: String, instance: String?)
        /// Close once queued output is written.
        case close
    }

    /// A dispatched request's content.
    public enum DispatchedBody: Sendable, Hashable {
        /// It has none.
        case none
        /// It had all arrived with the head: here it is.
        case complete([UInt8])
        /// It follows as the handler asks (`bodyRequested`); `length` as announced, nil when chunked.
        case streamed(length: Int?)
    }

    /// Deadlines are kept as offsets from `epoch`: `ContinuousClock.Instant` is not `@frozen`,
    /// and a resilient payload would send every switch on `State` through runtime witnesses.
    typealias Deadline = Duration

    enum State: Sendable {
        /// Between requests, nothing of the next one received.
        case idle(deadline: Deadline)
        /// Part of a head received; the whole head is due by `deadline`.
        case readingHead(deadline: Deadline)
        /// A request is with the responder, or its response is being written.
        case responding(HTTP1RequestHead, BodyProgress)
        /// The response was sent before the handler read all the content: the rest is read
        /// and dropped, and is due by `deadline` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1).
        case discardingBody(deadline: Deadline)
        case closed
    }

    /// How far the handler has read the content of the request being answered.
    enum BodyProgress: Sendable {
        /// Nothing more to read: it had none, came whole, or was read to its end.
        case complete
        /// More to come and no read pending; `continuePending` while the client waits for
        /// `100 Continue` before sending it.
        case unread(continuePending: Bool)
        /// A read is pending; more content is due by `deadline`.
        case awaited(deadline: Deadline)
        /// It cannot be read: reads fail with this status; the connection closes after the response.
        case failed(HTTPResponse.Status, reason: String)
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

    /// Unconsumed input past which the transport stops reading until the machine consumes
    /// some: the per-connection bound on a request's content in memory.
    public static let inputBufferLimit = 64 * 1024
    /// The largest content handed over whole with its head (when all of it has arrived);
    /// a larger one streams.
    static let completeBodyLimit = 64 * 1024
    /// The most unread content skipped to keep a connection open after a response that did
    /// not read it; past it, or when its length is unknown, the connection closes.
    static let discardLimit = 64 * 1024

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
        case .idle(let deadline), .readingHead(let deadline), .discardingBody(let deadline): deadline
        case .responding(_, .awaited(let deadline)): deadline
        case .responding, .closed: nil
        }
    }

    /// Whether the transport should read the socket: the connection is open and its
    /// unconsumed input is under `inputBufferLimit`.
    public var wantsInput: Bool {
        if case .closed = state { return false }
        return parser.bufferedByteCount < Self.inputBufferLimit
    }

    /// Whether a request is with the responder (or its response is being written).
    public var isResponding: Bool {
        if case .responding = state { return true }
        return false
    }

    /// Whether the response about to be written may leave the connection open: the request
    /// allowed it, neither the peer nor a shutdown has ended the connection, and whatever
    /// content the handler left unread can be skipped (its rest known and at most
    /// `discardLimit`, and not held back by the client for a `100 Continue` never sent).
    public var mayKeepAlive: Bool {
        guard case .responding(let head, let body) = state, head.keepAlive, !inputClosed, !shuttingDown else { return false }
        switch body {
        case .complete: return true
        case .failed, .unread(continuePending: true): return false
        case .unread(continuePending: false), .awaited: return (parser.remainingContentLength ?? .max) <= Self.discardLimit
        }
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
        case .responding(let head, .awaited):
            state = .responding(head, .awaited(deadline: Self.offset(now) + timeouts.bodyIdle))
        case .discardingBody:
            state = .discardingBody(deadline: Self.offset(now) + timeouts.bodyIdle)
        default:
            break
        }
    }

    /// The next thing to do; call until it answers `.wait` or the connection is closing.
    public mutating func nextAction(now: ContinuousClock.Instant) -> Action {
        while true {
            switch state {
            case .closed:
                return .wait
            case .responding(let head, .awaited):
                return readBody(of: head, now: now)
            case .responding:
                return .wait
            case .discardingBody:
                if let action = discard(now: now) { return action }
                continue
            case .idle, .readingHead:
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
                if inputClosed || (shuttingDown && isIdle) {
                    // The peer ended its input, between requests or in the middle of one.
                    state = .closed
                    return .close
                }
                return .wait
            case .head(let head):
                return dispatch(head)
            case .body, .end:
                preconditionFailure("the parser yielded content outside a request")
            }
        }
    }

    private var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Hands `head` to the responder, with its content when all of it is already here.
    private mutating func dispatch(_ head: HTTP1RequestHead) -> Action {
        switch head.framing {
        case .none:
            // The parser's end of a request without content.
            _ = try? parser.next()
            state = .responding(head, .complete)
            return .dispatch(head, body: .none)
        case .length(let length) where length <= Self.completeBodyLimit && length <= parser.bufferedByteCount:
            guard case .body(let content)? = try? parser.next(), case .end? = try? parser.next() else {
                preconditionFailure("a content already buffered did not parse whole")
            }
            state = .responding(head, .complete)
            return .dispatch(head, body: .complete(content))
        case .length(let length):
            state = .responding(head, .unread(continuePending: head.expectsContinue && parser.bufferedByteCount == 0))
            return .dispatch(head, body: .streamed(length: length))
        case .chunked:
            state = .responding(head, .unread(continuePending: head.expectsContinue && parser.bufferedByteCount == 0))
            return .dispatch(head, body: .streamed(length: nil))
        }
    }

    /// The handler asks for the next piece of its request's content. Answers `.deliverBody`,
    /// `.endBody` or `.failBody` for the read, or `.sendContinue`/`.wait` while it stays
    /// pending (a later `nextAction` or `timerFired` answers it).
    public mutating func bodyRequested(now: ContinuousClock.Instant) -> Action {
        guard case .responding(let head, let body) = state else {
            return .failBody(.badRequest, reason: "the request is no longer being answered")
        }
        switch body {
        case .complete:
            return .endBody
        case .failed(let status, let reason):
            return .failBody(status, reason: reason)
        case .awaited:
            // Two readers at once (say, two child tasks): the second fails, the first stays.
            return .failBody(.internalServerError, reason: "the request content is already being read")
        case .unread(let continuePending):
            let action = readBody(of: head, now: now)
            if action == .wait, continuePending { return .sendContinue }
            return action
        }
    }

    /// Parses the next piece of the content for a read: delivers it, the end, or a failure;
    /// or leaves the read pending with its deadline.
    private mutating func readBody(of head: HTTP1RequestHead, now: ContinuousClock.Instant) -> Action {
        let event: HTTP1RequestParser.Event
        do {
            event = try parser.next()
        } catch {
            state = .responding(head, .failed(error.status, reason: error.reason))
            return .failBody(error.status, reason: error.reason)
        }
        switch event {
        case .body(let piece):
            state = .responding(head, .unread(continuePending: false))
            return .deliverBody(piece)
        case .end:
            state = .responding(head, .complete)
            return .endBody
        case .needMoreData:
            if inputClosed { return failBody(of: head, .badRequest, reason: "the request content ended early") }
            if case .responding(_, .awaited) = state { return .wait }
            state = .responding(head, .awaited(deadline: Self.offset(now) + timeouts.bodyIdle))
            return .wait
        case .head:
            preconditionFailure("the parser yielded a head inside a request's content")
        }
    }

    private mutating func failBody(of head: HTTP1RequestHead, _ status: HTTPResponse.Status, reason: String) -> Action {
        state = .responding(head, .failed(status, reason: reason))
        return .failBody(status, reason: reason)
    }

    /// Reads and drops the rest of a content the handler left unread; nil once it is done
    /// (the machine is idle again).
    private mutating func discard(now: ContinuousClock.Instant) -> Action? {
        while true {
            let event: HTTP1RequestParser.Event
            do {
                event = try parser.next()
            } catch {
                // Already answered: nothing to say about the rest.
                state = .closed
                return .close
            }
            switch event {
            case .body:
                continue
            case .end:
                state = .idle(deadline: Self.offset(now) + timeouts.idle)
                noteInput(now: now)
                return nil
            case .needMoreData:
                if inputClosed || shuttingDown {
                    state = .closed
                    return .close
                }
                return .wait
            case .head:
                preconditionFailure("the parser yielded a head inside a request's content")
            }
        }
    }

    /// The response to the current request is queued. `keepAlive` is what its head said
    /// (false when `mayKeepAlive` was false, or the response itself closes). Continues with
    /// the content the handler left unread, then the next pipelined request, if one is buffered.
    public mutating func responseSent(keepAlive: Bool, now: ContinuousClock.Instant) -> Action {
        guard case .responding(_, let body) = state else { return .wait }
        guard keepAlive, !inputClosed, !shuttingDown else {
            state = .closed
            return .close
        }
        switch body {
        case .complete:
            state = .idle(deadline: Self.offset(now) + timeouts.idle)
        case .unread(continuePending: false), .awaited:
            state = .discardingBody(deadline: Self.offset(now) + timeouts.bodyIdle)
        case .unread(continuePending: true), .failed:
            state = .closed
            return .close
        }
        noteInput(now: now)
        return nextAction(now: now)
    }

    /// The peer will send nothing more. A request being answered still gets its response
    /// (the transport may cancel its handler), and a pending read of its content fails
    /// unless the content is all here; otherwise the connection closes.
    public mutating func inputEnded(now: ContinuousClock.Instant) -> Action {
        inputClosed = true
        switch state {
        case .responding(_, .awaited), .idle, .readingHead, .discardingBody:
            return nextAction(now: now)
        case .responding, .closed:
            return .wait
        }
    }

    /// The timer armed for `deadline` fired. A partial request is answered with 408, and a
    /// read of content that stopped arriving fails with 408; an idle connection is closed
    /// silently (https://www.rfc-editor.org/rfc/rfc9112#section-9.5).
    public mutating func timerFired(now: ContinuousClock.Instant) -> Action {
        guard let deadline, now >= deadline else { return .wait }
        switch state {
        case .idle, .discardingBody:
            state = .closed
            return .close
        case .readingHead:
            let instance = requestPath
            state = .closed
            return .sendError(.requestTimeout, reason: "the request was not received in time", instance: instance)
        case .responding(let head, .awaited):
            return failBody(of: head, .requestTimeout, reason: "the request content was not received in time")
        case .responding, .closed:
            return .wait
        }
    }

    /// The path of the request line being read, once that line has been: what a refusal's
    /// problem names as its `instance`.
    private var requestPath: String? {
        parser.requestTarget.map { String(Request.path(of: $0)) }
    }

    /// The server is stopping: an idle connection closes now, one with a request under way
    /// closes after its response.
    public mutating func shutdown() -> Action {
        shuttingDown = true
        switch state {
        case .idle, .discardingBody:
            state = .closed
            return .close
        default:
            return .wait
        }
    }
}
