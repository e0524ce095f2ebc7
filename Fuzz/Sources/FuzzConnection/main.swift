import TernServer

/// Drives the connection state machine with input bytes, responses, timer ticks and the end
/// of input, interleaved as the input chooses; traps if an action contradicts the state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var now = ContinuousClock.now
    var machine = HTTP1ConnectionStateMachine(now: now)
    var responding = false
    var closed = false
    var index = 0
    func perform(_ action: HTTP1ConnectionStateMachine.Action) {
        switch action {
        case .dispatch:
            precondition(!responding, "two requests dispatched at once")
            responding = true
        case .close, .sendError:
            closed = true
        case .wait, .sendContinue:
            break
        }
    }
    while index < bytes.count, !closed {
        let control = bytes[index]
        index += 1
        switch control % 8 {
        case 0:
            if responding {
                responding = false
                perform(machine.responseSent(keepAlive: control & 0x80 == 0 && machine.mayKeepAlive, now: now))
            }
        case 1:
            now += .seconds(Int(control >> 3))
            perform(machine.timerFired(now: now))
        case 2:
            perform(machine.inputEnded(now: now))
        default:
            let length = min(Int(control >> 3) + 1, bytes.count - index)
            machine.received(bytes[index..<index + length], now: now)
            index += length
            var action = machine.nextAction(now: now)
            perform(action)
            while action == .sendContinue {
                action = machine.nextAction(now: now)
                perform(action)
            }
        }
        if machine.wantsInput { precondition(!responding, "wants input while a request is answered") }
    }
    return 0
}
