public import HTTPTypes
import TernHTTP

/// The life of one HTTP/1.1 connection as a value: it takes events (bytes received, the
/// handler asking for content, a response's head, its streamed content and end, output
/// written or drained, the end of the peer's input, a failed socket, a timer, shutdown) with the instant they
/// happen, and answers with what to do. It owns the parser, the buffered input, the framing
/// of each response (the one place that decides HEAD, 204, 304, chunked and close), every
/// deadline including the write timeout, and the end of the connection: output is flushed,
/// our side shut down, and the peer's remaining input read and dropped until its FIN or the
/// linger deadline (https://www.rfc-editor.org/rfc/rfc9112#section-9.6). The transport
/// performs the actions, and after each event asks `settle` whether to pause or resume
/// reading and when its timer should fire.
///
/// A request is handed to the responder as soon as its head is read; its content is parsed
/// only as the handler asks for it (`bodyRequested`), so unread input stays in the parser's
/// buffer and the transport stops reading once that holds `inputBufferLimit` bytes
/// (`.pauseReading`): backpressure from the handler to the socket. Requests are answered one at
/// a time; pipelined requests wait in the same buffer, so responses leave in request order
/// (https://www.rfc-editor.org/rfc/rfc9112#section-9.3.2).
public struct HTTP1ConnectionStateMachine: Sendable {
    /// What the transport should do next.
    public enum Action: Sendable, Hashable {
        /// Nothing more for this event (then `settle`).
        case wait
        /// Write `HTTP/1.1 100 Continue` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1):
        /// the handler asked for content the client holds back until it hears it. The read
        /// stays pending.
        case sendContinue
        /// Hand the request to the responder (resuming the handler's task that waits for it,
        /// or starting one); call `responseSent` once its response is queued.
        case dispatch(HTTP1RequestHead, body: DispatchedBody)
        /// The handler's task has waited `handlerIdleLifetime` for another request: end it,
        /// so an idle connection keeps no task's memory (the next request starts another).
        case releaseHandler
        /// Give this piece of content to the handler's pending read.
        case deliverBody([UInt8])
        /// The handler's pending read gets the end of the content.
        case endBody
        /// The handler's pending read fails with this status: the content is malformed (400),
        /// ended early (400) or stopped arriving (408). The connection closes after the response.
        case failBody(HTTPResponse.Status, reason: String)
        /// Answer with this error status, then call `errorQueued`: the connection ends after
        /// it. `instance` is the request's path when its request line was read (the problem's
        /// `instance`), else nil.
        case sendError(HTTPResponse.Status, reason: String, instance: String?)
        /// Shut down our side (all output is written) and keep reading, dropping what arrives,
        /// until the peer's FIN or the linger deadline: a client still sending does not turn
        /// the last response into a reset.
        case shutdownWrite
        /// Release the socket now.
        case close
        /// Write the response's head, framed so, with its content in the same write: the
        /// content is in memory, or file regions of at most `copiedContentLimit` bytes read into
        /// it; the head alone when the framing has no content (HEAD, 204, 304, an empty body).
        /// Then `responseSent`.
        case writeResponse(HTTP1ResponseFraming)
        /// Write the head, then send the content's file regions from their files (sendfile(2)):
        /// they are longer than `copiedContentLimit`. Then `responseSent`.
        case sendFileRegions(HTTP1ResponseFraming)
        /// Write the head, then run the stream's producer: its writes go through
        /// `contentProduced` and its end through `contentEnded`. Then `responseSent`.
        case writeStream(HTTP1ResponseFraming)
        /// Queue bytes a streamed response's producer wrote: as they are, or as one chunk
        /// (https://www.rfc-editor.org/rfc/rfc9112#section-7.1). While `isStreamPaused`, the
        /// producer then waits for `.resumeStream`.
        case writeContent([UInt8], chunked: Bool)
        /// Queue the last chunk (`0\r\n\r\n`): the end of a chunked response.
        case writeLastChunk
        /// The output drained: a paused producer goes on.
        case resumeStream
        /// A streamed response did not write the `Content-Length` it announced (more, or
        /// less by its end): the response cannot be completed, so the connection is released
        /// and the producer fails.
        case failStream(announced: Int64)
        /// Stop reading the socket: the input buffer holds `inputBufferLimit` unconsumed bytes,
        /// the peer sent its FIN, or the connection is ending. (From `settle`.)
        case pauseReading
        /// Read the socket again. (From `settle`.)
        case resumeReading
        /// Arm the timer to fire this long from now, replacing any armed; call `timerFired`
        /// then. (From `settle`.)
        case armTimer(after: Duration)
    }

    /// A response's content, as far as writing it goes.
    public enum ResponseContent: Sendable, Hashable {
        /// Bytes in memory, `count` of them (none for an empty body).
        case bytes(count: Int)
        /// Regions of files (and bytes between them), `length` bytes in all.
        case fileRegions(length: Int64)
        /// Written by a producer as it runs; `length` when the response announced one.
        case stream(length: Int64?)

        /// The content's length, when known before it is written.
        var length: Int64? {
            switch self {
            case .bytes(let count): Int64(count)
            case .fileRegions(let length): length
            case .stream(let length): length
            }
        }
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
        /// A request is with the responder, or its response is being written; `keepAlive`:
        /// whether the request allows another after it. (The head itself stays out of the
        /// state: every switch over the state would copy it.)
        case responding(keepAlive: Bool, BodyProgress)
        /// The response was sent before the handler read all the content: the rest is read
        /// and dropped, and is due by `deadline` (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1).
        case discardingBody(deadline: Deadline)
        /// The connection ends once the output queued is written.
        case closing
        /// Our side is shut down; input is dropped until the peer's FIN or `deadline`.
        case lingering(deadline: Deadline)
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
    /// Output the transport has queued and not yet written.
    private var pendingOutput = 0

    /// Unconsumed input past which the transport stops reading until the machine consumes
    /// some: the per-connection bound on a request's content in memory.
    public static let inputBufferLimit = 64 * 1024
    /// The largest content handed over whole with its head (when all of it has arrived);
    /// a larger one streams.
    static let completeBodyLimit = 64 * 1024
    /// The most unread content skipped to keep a connection open after a response that did
    /// not read it; past it, or when its length is unknown, the connection closes.
    static let discardLimit = 64 * 1024
    /// Output queued past which pipelined requests wait until it is written.
    public static let outputHighWatermark = 256 * 1024
    /// Output queued past which a streamed response's producer waits until it is written.
    public static let streamHighWatermark = 64 * 1024
    /// The longest content of file regions read into memory and written with the head in one
    /// `send`. Below this, `pread` and one copy cost less than what sendfile needs: the head
    /// written first, a second call for the file, and the write event armed in between.
    public static let copiedContentLimit: Int64 = 16 * 1024

    /// The framing of the response being written, from `responseStarted` to `responseSent`.
    private var response: HTTP1ResponseFraming?
    /// The content a streamed response has written so far.
    private var streamed: Int64 = 0
    /// A streamed response's producer waits for the output to drain.
    private var streamPaused = false

    /// Whether a streamed response's producer should wait for `.resumeStream` (the output
    /// holds more than `streamHighWatermark`).
    public var isStreamPaused: Bool { streamPaused }
    /// While output is queued: when some of it must have been written (the write timeout).
    private var writeDeadline: Deadline?
    /// When the handler's task, waiting for the next request since the last response, ends.
    private var handlerDeadline: Deadline?
    /// Whether the transport was told to stop reading (`.pauseReading`).
    private var readingPaused = false
    /// The deadline the transport's timer is armed for (`.armTimer`), until it fires.
    private var armedDeadline: Deadline?

    /// How long the handler's task waits for another request before it ends.
    public static let handlerIdleLifetime = Duration.seconds(1)

    /// A machine for a connection opened at `now`.
    public init(limits: HTTP1Limits = HTTP1Limits(), timeouts: HTTP1Timeouts = HTTP1Timeouts(), now: ContinuousClock.Instant) {
        self.timeouts = timeouts
        self.parser = HTTP1RequestParser(limits: limits)
        // A new connection's first head is due within the head timeout of accept.
        self.state = .idle(deadline: Self.offset(now) + timeouts.head)
    }

    /// The earliest deadline, if any: `settle` arms the transport's timer no later than it.
    public var deadline: ContinuousClock.Instant? {
        deadlineOffset.map { Self.epoch + $0 }
    }

    /// `deadline` as an offset (see `offset(_:)`): compared without the clock's resilient
    /// instant type, which `settle` does on every request.
    private var deadlineOffset: Deadline? {
        let deadline: Deadline? = switch state {
        case .idle(let deadline), .readingHead(let deadline), .discardingBody(let deadline), .lingering(let deadline): deadline
        case .responding(_, .awaited(let deadline)): deadline
        case .responding, .closing, .closed: nil
        }
        return Self.earliest(Self.earliest(deadline, writeDeadline), handlerDeadline)
    }

    private static func earliest(_ a: Deadline?, _ b: Deadline?) -> Deadline? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    /// Whether the transport should read the socket: the connection is open (or lingering,
    /// when input is read and dropped) and its unconsumed input is under `inputBufferLimit`.
    public var wantsInput: Bool {
        if inputClosed { return false }
        switch state {
        case .closed, .closing: return false
        case .lingering: return true
        default: return parser.bufferedByteCount < Self.inputBufferLimit
        }
    }

    /// Brings the transport's reading and timer in line with the machine; call after
    /// performing an event's actions, until it answers `.wait`. Answers `.pauseReading` or
    /// `.resumeReading` when `wantsInput` changed since the last, and `.armTimer` when the
    /// earliest deadline is earlier than the one armed. A later deadline does not re-arm the
    /// timer (deadlines mostly move later: a keep-alive request arms it once, not once per
    /// state); when it fires early, `timerFired` answers `.wait` and the next `settle` arms it
    /// for the deadline then.
    public mutating func settle(now: ContinuousClock.Instant) -> Action {
        if wantsInput == readingPaused {
            readingPaused.toggle()
            return readingPaused ? .pauseReading : .resumeReading
        }
        if let deadline = deadlineOffset, armedDeadline.map({ deadline < $0 }) ?? true {
            armedDeadline = deadline
            return .armTimer(after: max(.zero, deadline - Self.offset(now)))
        }
        return .wait
    }

    /// Whether the connection is ending: no request is taken any more.
    public var isEnding: Bool {
        switch state {
        case .closing, .lingering, .closed: true
        default: false
        }
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
    var mayKeepAlive: Bool {
        guard case .responding(true, let body) = state, !inputClosed, !shuttingDown else { return false }
        switch body {
        case .complete: return true
        case .failed, .unread(continuePending: true): return false
        case .unread(continuePending: false), .awaited: return (parser.remainingContentLength ?? .max) <= Self.discardLimit
        }
    }

    /// Bytes arrived. Follow with `nextAction(now:)` until it answers `.wait`. Once the
    /// connection is ending they are dropped.
    public mutating func received(_ bytes: some Collection<UInt8>, now: ContinuousClock.Instant) {
        if isEnding { return }
        parser.append(bytes)
        noteInput(now: now)
    }

    private mutating func noteInput(now: ContinuousClock.Instant) {
        switch state {
        case .idle where parser.bufferedByteCount > 0:
            state = .readingHead(deadline: Self.offset(now) + timeouts.head)
        case .responding(let keepAlive, .awaited):
            state = .responding(keepAlive: keepAlive, .awaited(deadline: Self.offset(now) + timeouts.bodyIdle))
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
            case .closed, .closing, .lingering:
                return .wait
            case .responding(let keepAlive, .awaited):
                return readBody(keepAlive: keepAlive, now: now)
            case .responding:
                return .wait
            case .discardingBody:
                if let action = discard(now: now) { return action }
                continue
            case .idle, .readingHead:
                // Pipelined requests wait while the responses before them are not written.
                if pendingOutput > Self.outputHighWatermark { return .wait }
            }
            let event: HTTP1RequestParser.Event
            do {
                event = try parser.next()
            } catch {
                let instance = requestPath
                state = .closing
                return .sendError(error.status, reason: error.reason, instance: instance)
            }
            switch event {
            case .needMoreData:
                if inputClosed || (shuttingDown && isIdle) {
                    // The peer ended its input, between requests or in the middle of one.
                    return end(now: now)
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
        handlerDeadline = nil
        switch head.framing {
        case .none:
            parser.skipEmptyContent()
            state = .responding(keepAlive: head.keepAlive, .complete)
            return .dispatch(head, body: .none)
        case .length(let length) where length <= Self.completeBodyLimit && length <= parser.bufferedByteCount:
            guard case .body(let content)? = try? parser.next(), case .end? = try? parser.next() else {
                preconditionFailure("a content already buffered did not parse whole")
            }
            state = .responding(keepAlive: head.keepAlive, .complete)
            return .dispatch(head, body: .complete(content))
        case .length(let length):
            state = .responding(keepAlive: head.keepAlive, .unread(continuePending: head.expectsContinue && parser.bufferedByteCount == 0))
            return .dispatch(head, body: .streamed(length: length))
        case .chunked:
            state = .responding(keepAlive: head.keepAlive, .unread(continuePending: head.expectsContinue && parser.bufferedByteCount == 0))
            return .dispatch(head, body: .streamed(length: nil))
        }
    }

    /// The handler asks for the next piece of its request's content. Answers `.deliverBody`,
    /// `.endBody` or `.failBody` for the read, or `.sendContinue`/`.wait` while it stays
    /// pending (a later `nextAction` or `timerFired` answers it).
    public mutating func bodyRequested(now: ContinuousClock.Instant) -> Action {
        guard case .responding(let keepAlive, let body) = state else {
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
            let action = readBody(keepAlive: keepAlive, now: now)
            if action == .wait, continuePending { return .sendContinue }
            return action
        }
    }

    /// Parses the next piece of the content for a read: delivers it, the end, or a failure;
    /// or leaves the read pending with its deadline.
    private mutating func readBody(keepAlive: Bool, now: ContinuousClock.Instant) -> Action {
        let event: HTTP1RequestParser.Event
        do {
            event = try parser.next()
        } catch {
            state = .responding(keepAlive: keepAlive, .failed(error.status, reason: error.reason))
            return .failBody(error.status, reason: error.reason)
        }
        switch event {
        case .body(let piece):
            state = .responding(keepAlive: keepAlive, .unread(continuePending: false))
            return .deliverBody(piece)
        case .end:
            state = .responding(keepAlive: keepAlive, .complete)
            return .endBody
        case .needMoreData:
            if inputClosed { return failBody(keepAlive: keepAlive, .badRequest, reason: "the request content ended early") }
            if case .responding(_, .awaited) = state { return .wait }
            state = .responding(keepAlive: keepAlive, .awaited(deadline: Self.offset(now) + timeouts.bodyIdle))
            return .wait
        case .head:
            preconditionFailure("the parser yielded a head inside a request's content")
        }
    }

    private mutating func failBody(keepAlive: Bool, _ status: HTTPResponse.Status, reason: String) -> Action {
        state = .responding(keepAlive: keepAlive, .failed(status, reason: reason))
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
                return end(now: now)
            }
            switch event {
            case .body:
                continue
            case .end:
                state = .idle(deadline: Self.offset(now) + timeouts.idle)
                noteInput(now: now)
                return nil
            case .needMoreData:
                if inputClosed || shuttingDown { return end(now: now) }
                return .wait
            case .head:
                preconditionFailure("the parser yielded a head inside a request's content")
            }
        }
    }

    /// Ends the connection: once the queued output is written, our side shuts down and the
    /// rest of the peer's input is dropped for the linger time, or, when the peer already
    /// sent its FIN, the socket is released.
    private mutating func end(now: ContinuousClock.Instant) -> Action {
        guard pendingOutput == 0 else {
            state = .closing
            return .wait
        }
        if inputClosed {
            state = .closed
            return .close
        }
        state = .lingering(deadline: Self.offset(now) + timeouts.linger)
        return .shutdownWrite
    }

    /// The error response `sendError` asked for is queued, `pendingOutput` bytes of it (and of
    /// anything before it) not yet written: the connection ends after them.
    public mutating func errorQueued(pendingOutput: Int, now: ContinuousClock.Instant) -> Action {
        noteOutput(pendingOutput, now: now)
        return end(now: now)
    }

    /// Everything queued has been written. A closing connection shuts down its side; one
    /// holding pipelined requests back goes on with them.
    public mutating func outputDrained(now: ContinuousClock.Instant) -> Action {
        let waited = pendingOutput > Self.outputHighWatermark
        noteOutput(0, now: now)
        switch state {
        case .closing: return end(now: now)
        case .idle, .readingHead: return waited ? nextAction(now: now) : .wait
        case .responding where streamPaused:
            streamPaused = false
            return .resumeStream
        default: return .wait
        }
    }

    /// Some queued output was written, `pendingOutput` bytes still queued: the write timeout
    /// starts again (https://www.rfc-editor.org/rfc/rfc9112#section-9.5 leaves its length to us).
    public mutating func outputWritten(pendingOutput: Int, now: ContinuousClock.Instant) {
        self.pendingOutput = pendingOutput
        writeDeadline = pendingOutput > 0 ? Self.offset(now) + timeouts.writeIdle : nil
    }

    /// Records the output queued; the write deadline runs from the moment some is.
    private mutating func noteOutput(_ pendingOutput: Int, now: ContinuousClock.Instant) {
        self.pendingOutput = pendingOutput
        if pendingOutput == 0 {
            writeDeadline = nil
        } else if writeDeadline == nil {
            writeDeadline = Self.offset(now) + timeouts.writeIdle
        }
    }

    /// The handler's response to the current request is ready to be written: decides its
    /// framing, which the transport follows for the head and the content, and how the content
    /// is written. No content for HEAD, 204 and 304
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1); a length when known; chunked
    /// for a stream to HTTP/1.1, else content until the connection closes
    /// (https://www.rfc-editor.org/rfc/rfc9112#section-6.3); and the connection kept only when
    /// the request, the response's `Connection` field and the connection's state
    /// (`mayKeepAlive`) all allow it. Answers `.writeResponse`, `.sendFileRegions` or
    /// `.writeStream`, each with the framing.
    public mutating func responseStarted(
        status: HTTPResponse.Status, fields: HTTPFields, content: ResponseContent, method: HTTPRequest.Method, minorVersion: Int
    ) -> Action {
        precondition(isResponding && response == nil, "one response per request, while it is being answered")
        let framing = HTTP1ResponseHead.framing(
            status: status, fields: fields, bodyLength: content.length, method: method, minorVersion: minorVersion,
            mayKeepAlive: mayKeepAlive)
        response = framing
        if framing.body == .none { return .writeResponse(framing) }
        switch content {
        case .bytes:
            return .writeResponse(framing)
        case .fileRegions(let length):
            return length <= Self.copiedContentLimit ? .writeResponse(framing) : .sendFileRegions(framing)
        case .stream:
            return .writeStream(framing)
        }
    }

    /// A streamed response's producer wrote `content` (more than nothing), with
    /// `pendingOutput` bytes already queued. Answers `.writeContent` (framed as the head
    /// said; `isStreamPaused` once the output holds more than `streamHighWatermark`),
    /// `.failStream` past an announced length, or `.wait` for a response framed without
    /// content, whose bytes are dropped.
    public mutating func contentProduced(_ content: [UInt8], pendingOutput: Int, now: ContinuousClock.Instant) -> Action {
        guard let framing = response?.body else { return .wait }
        streamed += Int64(content.count)
        let chunked: Bool
        switch framing {
        case .none:
            return .wait
        case .length(let length):
            if streamed > length {
                state = .closed
                return .failStream(announced: length)
            }
            chunked = false
        case .untilClose:
            chunked = false
        case .chunked:
            chunked = true
        }
        let queued = pendingOutput + content.count
        noteOutput(queued, now: now)
        streamPaused = queued > Self.streamHighWatermark
        return .writeContent(content, chunked: chunked)
    }

    /// A streamed response's producer returned: `.writeLastChunk` for a chunked response,
    /// `.failStream` when it wrote less than the length it announced, else `.wait`. Then
    /// `responseSent`.
    public mutating func contentEnded() -> Action {
        switch response?.body {
        case .chunked?:
            return .writeLastChunk
        case .length(let length)? where streamed != length:
            state = .closed
            return .failStream(announced: length)
        default:
            return .wait
        }
    }

    /// The response to the current request is queued, `pendingOutput` bytes of what is queued
    /// not yet written. Continues with the content the handler left unread, then the next
    /// pipelined request, if one is buffered; or ends the connection, as the response's
    /// framing said (`responseStarted`).
    public mutating func responseSent(pendingOutput: Int = 0, now: ContinuousClock.Instant) -> Action {
        guard case .responding(_, let body) = state else { return .wait }
        let keepAlive = response?.keepAlive ?? false
        response = nil
        streamed = 0
        streamPaused = false
        noteOutput(pendingOutput, now: now)
        guard keepAlive, !inputClosed, !shuttingDown else { return end(now: now) }
        handlerDeadline = Self.offset(now) + Self.handlerIdleLifetime
        switch body {
        case .complete:
            state = .idle(deadline: Self.offset(now) + timeouts.idle)
        case .unread(continuePending: false), .awaited:
            state = .discardingBody(deadline: Self.offset(now) + timeouts.bodyIdle)
        case .unread(continuePending: true), .failed:
            return end(now: now)
        }
        noteInput(now: now)
        return nextAction(now: now)
    }

    /// The connection cannot go on: the socket failed (the peer reset it, or an error), or
    /// the response being written cannot be completed (its file ended early, its producer
    /// failed). Nothing more is written or read: answers `.close`, and whatever the handler
    /// still produces for the response is dropped.
    public mutating func connectionFailed() -> Action {
        state = .closed
        response = nil
        streamPaused = false
        writeDeadline = nil
        handlerDeadline = nil
        return .close
    }

    /// The peer will send nothing more. A request being answered still gets its response
    /// (the transport may cancel its handler), and a pending read of its content fails
    /// unless the content is all here; otherwise the connection closes.
    public mutating func inputEnded(now: ContinuousClock.Instant) -> Action {
        inputClosed = true
        switch state {
        case .responding(_, .awaited), .idle, .readingHead, .discardingBody:
            return nextAction(now: now)
        case .lingering:
            state = .closed
            return .close
        case .responding, .closing, .closed:
            return .wait
        }
    }

    /// The timer armed for `deadline` fired. A partial request is answered with 408, and a
    /// read of content that stopped arriving fails with 408; an idle connection is closed
    /// silently (https://www.rfc-editor.org/rfc/rfc9112#section-9.5).
    public mutating func timerFired(now: ContinuousClock.Instant) -> Action {
        armedDeadline = nil
        guard let deadline, now >= deadline else { return .wait }
        if let writeDeadline, Self.offset(now) >= writeDeadline {
            // The peer stopped reading: nothing more can be said to it.
            state = .closed
            return .close
        }
        if let handlerDeadline, Self.offset(now) >= handlerDeadline {
            self.handlerDeadline = nil
            return .releaseHandler
        }
        switch state {
        case .idle, .discardingBody:
            return end(now: now)
        case .readingHead:
            let instance = requestPath
            state = .closing
            return .sendError(.requestTimeout, reason: "the request was not received in time", instance: instance)
        case .responding(let keepAlive, .awaited):
            return failBody(keepAlive: keepAlive, .requestTimeout, reason: "the request content was not received in time")
        case .lingering:
            state = .closed
            return .close
        case .responding, .closing, .closed:
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
    public mutating func shutdown(now: ContinuousClock.Instant) -> Action {
        shuttingDown = true
        switch state {
        case .idle, .discardingBody: return end(now: now)
        default: return .wait
        }
    }
}
