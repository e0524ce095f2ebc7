import HTTPTypes
import TernServer

/// Everything a parser yields for `input`, fed whole or one byte at a time, up to the first
/// error.
func parseAll(_ input: String, limits: HTTP1Limits = HTTP1Limits(), byteByByte: Bool = false) -> (events: [HTTP1RequestParser.Event], error: HTTP1ParseError?) {
    var parser = HTTP1RequestParser(limits: limits)
    var events: [HTTP1RequestParser.Event] = []
    let bytes = Array(input.utf8)
    let pieces: [ArraySlice<UInt8>] = byteByByte ? bytes.indices.map { bytes[$0...$0] } : [bytes[...]]
    for piece in pieces {
        parser.append(piece)
        while true {
            do {
                let event = try parser.next()
                if event == .needMoreData { break }
                events.append(event)
            } catch {
                return (events, error)
            }
        }
    }
    return (events, nil)
}

/// The heads among `events`.
func heads(_ events: [HTTP1RequestParser.Event]) -> [HTTP1RequestHead] {
    events.compactMap { if case .head(let head) = $0 { head } else { nil } }
}

/// The content of each complete request among `events` (its pieces joined), as text.
func bodies(_ events: [HTTP1RequestParser.Event]) -> [String] {
    var bodies: [String] = []
    var content: [UInt8] = []
    for event in events {
        switch event {
        case .body(let piece): content += piece
        case .end:
            bodies.append(String(decoding: content, as: UTF8.self))
            content = []
        case .head, .needMoreData: break
        }
    }
    return bodies
}
