import TernServer

/// Drives the connection state machine with input bytes, reads of a request's content,
/// responses (fixed or streamed, of any status), written and drained output, timer ticks, the
/// end of input and a failed socket, interleaved as the input chooses; traps if an action
/// contradicts the state: two requests dispatched at once (responses leave in request order,
/// one per request), content delivered with no read pending or to no request, an empty piece,
/// content framed or written for a response to HEAD or with status 204 or 304, sendfile for
/// anything but long file regions, a producer run for anything but a stream, a stream written
/// past its announced length, a connection that does not end closed once its input has ended
/// and its response is sent. After each event it settles reading and the timer as the
/// transport does, and traps when reading is paused twice or resumed twice, when the transport
/// would read while the machine wants no input or the reverse, or when a deadline has no timer
/// armed to fire by it; at the end, time moves only to the armed timer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var now = ContinuousClock.now
    var machine = HTTP1ConnectionStateMachine(now: now)
    var responding = false
    var request: HTTP1RequestHead?
    var readPending = false
    var closed = false
    // Output the transport would have queued: some responses leave part of themselves behind.
    var pendingOutput = 0
    var index = 0
    // The transport's reading and timer, as `settle` set them.
    var reading = true
    var armedAt: ContinuousClock.Instant?
    func settle() {
        while !closed {
            switch machine.settle(now: now) {
            case .wait:
                precondition(reading == machine.wantsInput, "reading while no input is wanted, or the reverse")
                if let deadline = machine.deadline {
                    precondition(armedAt.map { $0 <= max(deadline, now) } ?? false, "a deadline with no timer armed by it")
                }
                return
            case .pauseReading:
                precondition(reading, "reading paused twice")
                reading = false
            case .resumeReading:
                precondition(!reading, "reading resumed twice")
                reading = true
            case .armTimer(let delay):
                precondition(delay >= .zero, "a timer armed in the past")
                armedAt = now + delay
            default:
                preconditionFailure("settle answered an event's action")
            }
        }
    }
    func fireTimer() {
        armedAt = nil
        process(after: machine.timerFired(now: now))
    }
    /// Performs an event's answer and, unless it was `.wait`, what the machine does next.
    func process(after first: HTTP1ConnectionStateMachine.Action) {
        var action = first
        perform(action)
        while action != .wait, !closed {
            action = machine.nextAction(now: now)
            perform(action)
        }
    }
    func perform(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .dispatch(let head, _):
            precondition(!responding, "two requests dispatched at once")
            responding = true
            request = head
        case .deliverBody(let piece):
            precondition(responding && readPending, "content delivered with no read pending")
            precondition(!piece.isEmpty, "an empty piece of content")
            readPending = false
        case .endBody, .failBody:
            precondition(responding && readPending, "a read answered with no read pending")
            readPending = false
        case .sendError:
            precondition(!responding, "an error response while a request is answered")
            perform(machine.errorQueued(pendingOutput: pendingOutput, now: now))
        case .shutdownWrite:
            precondition(machine.isEnding && machine.wantsInput, "lingering without reading")
        case .close:
            closed = true
        case .failStream:
            closed = true
        case .wait, .sendContinue, .writeContent, .writeLastChunk, .resumeStream, .releaseHandler:
            break
        case .pauseReading, .resumeReading, .armTimer:
            preconditionFailure("an event answered a settling action")
        case .writeResponse, .sendFileRegions, .writeStream:
            preconditionFailure("an event other than responseStarted answered a response's write")
        }
    }
    let statuses = [200, 204, 304, 206, 404]
    /// Answers the request: a status, a length or a stream of `streamed` bytes (in pieces of
    /// up to 4 KiB), then the end.
    func respond(control: UInt8, streamed: Int) {
        guard let request else { preconditionFailure("a response with no request") }
        let status = statuses[Int(control >> 2) % statuses.count]
        let length: Int64? = control & 0x2 == 0 ? Int64(control >> 4) : nil
        let content: HTTP1ConnectionStateMachine.ResponseContent = switch length {
        case nil: .stream(length: nil)
        case let length? where control & 0x80 != 0: .fileRegions(length: length << 12)
        case let length?: .bytes(count: Int(length))
        }
        let started = machine.responseStarted(
            status: .init(code: status), fields: control & 0x1 == 0 ? [:] : [.connection: "close"], content: content,
            method: request.request.method, minorVersion: request.minorVersion)
        let framing: HTTP1ResponseFraming
        switch started {
        case .writeResponse(let decided):
            framing = decided
        case .sendFileRegions(let decided):
            guard case .fileRegions(let length) = content, length > HTTP1ConnectionStateMachine.copiedContentLimit else {
                preconditionFailure("sendfile for content that is not long file regions")
            }
            framing = decided
        case .writeStream(let decided):
            guard case .stream = content else { preconditionFailure("a producer run for content that is not a stream") }
            framing = decided
        default:
            preconditionFailure("a response started with \(started)")
        }
        let bodiless = request.request.method == .head || status == 204 || status == 304
        precondition(!bodiless || framing.body == .none, "a response to HEAD, 204 or 304 framed with content")
        precondition(framing.body != .none || started == .writeResponse(framing), "content to write for a response framed without")
        if length == nil {
            var left = streamed
            while left > 0, !closed {
                let piece = min(left, 4096)
                left -= piece
                let action = machine.contentProduced([UInt8](repeating: 0, count: piece), pendingOutput: pendingOutput, now: now)
                if case .writeContent = action {
                    precondition(!bodiless, "content written for a response to HEAD, 204 or 304")
                    pendingOutput += piece
                }
                perform(action)
                if machine.isStreamPaused {
                    pendingOutput = 0
                    perform(machine.outputDrained(now: now))
                }
            }
            let end = machine.contentEnded()
            precondition(!bodiless || end == .wait, "a response to HEAD, 204 or 304 ended with content")
            perform(end)
        }
        guard !closed else { return }
        responding = false
        // A read still pending ends with its exchange (the transport fails it).
        readPending = false
        process(after: machine.responseSent(pendingOutput: pendingOutput, now: now))
    }
    while index < bytes.count, !closed {
        let control = bytes[index]
        index += 1
        switch control % 8 {
        case 0:
            pendingOutput = control & 0x40 == 0 ? 0 : Int(control) << 12
            if responding { respond(control: index < bytes.count ? bytes[index] : 0, streamed: Int(control >> 3) << 11) }
        case 1:
            now += .seconds(Int(control >> 3))
            fireTimer()
        case 2:
            if control & 0x80 == 0 {
                process(after: machine.inputEnded(now: now))
            } else if control & 0x40 == 0 {
                pendingOutput = 0
                process(after: machine.outputDrained(now: now))
            } else {
                pendingOutput /= 2
                machine.outputWritten(pendingOutput: pendingOutput, now: now)
            }
        case 3:
            if control & 0xF0 == 0xF0 {
                // The socket fails: the peer reset it, mid-request or mid-response.
                let action = machine.connectionFailed()
                precondition(action == .close, "a failed socket answered \(action)")
                perform(action)
            } else if responding, !readPending {
                readPending = true
                perform(machine.bodyRequested(now: now))
            }
        default:
            let length = min(Int(control >> 3) + 1, bytes.count - index)
            machine.received(bytes[index..<index + length], now: now)
            index += length
            process(after: machine.nextAction(now: now))
        }
        settle()
    }
    // Every path ends closed: the peer's input ends; then each request still buffered is
    // answered, the output drains and the deadlines pass, until nothing is left.
    if !closed { process(after: machine.inputEnded(now: now)) }
    settle()
    for _ in 0..<(bytes.count + 8) where !closed {
        if responding {
            respond(control: 0, streamed: 0)
            settle()
            continue
        }
        pendingOutput = 0
        process(after: machine.outputDrained(now: now))
        settle()
        if !closed, !responding, let fire = armedAt {
            now = max(now, fire)
            fireTimer()
            settle()
        }
    }
    precondition(closed, "the connection did not end closed")
    precondition(!machine.wantsInput, "a closed connection wants input")
    return 0
}
