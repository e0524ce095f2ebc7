import TernServer

/// Feeds the input to the request parser twice — whole, and split at a point the input
/// chooses — and traps if the two disagree or the parser breaks its own invariants.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var limits = HTTP1Limits()
    limits.maxHeadLength = 2048
    limits.maxTargetLength = 512
    let whole = run([bytes[...]], limits: limits)
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let pieces = run([bytes[..<split], bytes[split...]], limits: limits)
    precondition(whole == pieces, "feeding in pieces changed the result")
    return 0
}

private struct Outcome: Equatable {
    var events: [HTTP1RequestParser.Event] = []
    var error: HTTP1ParseError?
}

private func run(_ pieces: [ArraySlice<UInt8>], limits: HTTP1Limits) -> Outcome {
    var parser = HTTP1RequestParser(limits: limits)
    var outcome = Outcome()
    for piece in pieces {
        parser.append(piece)
        while true {
            do {
                let event = try parser.next()
                if event == .needMoreData { break }
                // Pieces depend on how the input was split: compare their concatenation.
                if case .body(let piece) = event {
                    precondition(!piece.isEmpty, "an empty piece of content")
                    if case .body(let earlier) = outcome.events.last {
                        outcome.events[outcome.events.count - 1] = .body(earlier + piece)
                        continue
                    }
                }
                outcome.events.append(event)
            } catch {
                precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status.code))
                outcome.error = error
                return outcome
            }
        }
    }
    return outcome
}
