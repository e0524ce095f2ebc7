import TernServer

/// Drives the connection state machine with input bytes, reads of a request's content,
/// responses (fixed or streamed, of any status), written and drained output, timer ticks and
/// the end of input, interleaved as the input chooses; traps if an action contradicts the
/// state: two requests dispatched at once (responses leave in request order, one per
/// request), content delivered with no read pending or to no request, an empty piece, content
/// written for a response to HEAD or with status 204 or 304, a stream written past its
/// announced length, a connection that does not end closed once its input has ended and its
/// response is sent.
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
        }
    }
    let statuses = [200, 204, 304, 206, 404]
    /// Answers the request: a status, a length or a stream of `streamed` bytes (in pieces of
    /// up to 4 KiB), then the end.
    func respond(control: UInt8, streamed: Int) {
        guard let request else { preconditionFailure("a response with no request") }
        let status = statuses[Int(control >> 2) % statuses.count]
        let length: Int64? = control & 0x2 == 0 ? Int64(control >> 4) : nil
        let framing = machine.responseStarted(
            status: .init(code: status), fields: control & 0x1 == 0 ? [:] : [.connection: "close"], bodyLength: length,
            method: request.request.method, minorVersion: request.minorVersion)
        let bodiless = request.request.method == .head || status == 204 || status == 304
        precondition(!bodiless || framing.body == .none, "a response to HEAD, 204 or 304 framed with content")
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
        perform(machine.responseSent(pendingOutput: pendingOutput, now: now))
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
            perform(machine.timerFired(now: now))
        case 2:
            if control & 0x80 == 0 {
                perform(machine.inputEnded(now: now))
            } else if control & 0x40 == 0 {
                pendingOutput = 0
                perform(machine.outputDrained(now: now))
            } else {
                pendingOutput /= 2
                machine.outputWritten(pendingOutput: pendingOutput, now: now)
            }
        case 3:
            if responding, !readPending {
                readPending = true
                perform(machine.bodyRequested(now: now))
            }
        default:
            let length = min(Int(control >> 3) + 1, bytes.count - index)
            machine.received(bytes[index..<index + length], now: now)
            index += length
            var action = machine.nextAction(now: now)
            perform(action)
            while action != .wait, !closed {
                action = machine.nextAction(now: now)
                perform(action)
            }
        }
    }
    // Every path ends closed: the peer's input ends; then each request still buffered is
    // answered, the output drains and the deadlines pass, until nothing is left.
    if !closed { perform(machine.inputEnded(now: now)) }
    for _ in 0..<(bytes.count + 8) where !closed {
        if responding {
            respond(control: 0, streamed: 0)
            continue
        }
        pendingOutput = 0
        perform(machine.outputDrained(now: now))
        if !closed, !responding {
            now += .seconds(3600)
            perform(machine.timerFired(now: now))
        }
    }
    precondition(closed, "the connection did not end closed")
    precondition(!machine.wantsInput, "a closed connection wants input")
    return 0
}
