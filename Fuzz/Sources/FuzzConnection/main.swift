import TernServer

/// Drives the connection state machine with input bytes, reads of a request's content,
/// responses, timer ticks and the end of input, interleaved as the input chooses; traps if an
/// action contradicts the state: two requests dispatched at once, content delivered with no
/// read pending or to no request, an empty piece, a connection that does not end closed once
/// its input has ended and its response is sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var now = ContinuousClock.now
    var machine = HTTP1ConnectionStateMachine(now: now)
    var responding = false
    var readPending = false
    var closed = false
    // Output the transport would have queued: some responses leave part of themselves behind.
    var pendingOutput = 0
    var index = 0
    func perform(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .dispatch:
            precondition(!responding, "two requests dispatched at once")
            responding = true
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
        case .wait, .sendContinue:
            break
        }
    }
    func respond(keepAlive: Bool) {
        responding = false
        // A read still pending ends with its exchange (the transport fails it).
        readPending = false
        perform(machine.responseSent(keepAlive: keepAlive && machine.mayKeepAlive, pendingOutput: pendingOutput, now: now))
    }
    while index < bytes.count, !closed {
        let control = bytes[index]
        index += 1
        switch control % 8 {
        case 0:
            pendingOutput = control & 0x40 == 0 ? 0 : Int(control) << 12
            if responding { respond(keepAlive: control & 0x80 == 0) }
        case 1:
            now += .seconds(Int(control >> 3))
            perform(machine.timerFired(now: now))
        case 2:
            if control & 0x80 == 0 {
                perform(machine.inputEnded(now: now))
            } else {
                pendingOutput = 0
                perform(machine.outputDrained(now: now))
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
            respond(keepAlive: true)
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
