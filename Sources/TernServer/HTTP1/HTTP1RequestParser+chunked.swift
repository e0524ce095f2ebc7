private let CR = UInt8(ascii: "\r")
private let LF = UInt8(ascii: "\n")

extension HTTP1RequestParser {
    /// The chunked transfer coding (https://www.rfc-editor.org/rfc/rfc9112#section-7.1).
    mutating func stepChunked() throws(HTTP1ParseError) -> Event {
        while true {
            switch state {
            case .chunkLine:
                guard let lineEnd = try chunkLineEnd() else { return .needMoreData }
                let size = try Self.chunkSize(buffer[index..<lineEnd])
                index = lineEnd + 2
                state = size == 0 ? .trailers(scan: 0, lineStart: 0, fields: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let count = min(remaining, bufferedByteCount)
                guard count > 0 else { return .needMoreData }
                let piece = Array(buffer[index..<index + count])
                index += count
                state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
                return .body(piece)
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else {
                    if bufferedByteCount == 1, buffer[index] != CR { throw .bad("chunk data not followed by CRLF") }
                    return .needMoreData
                }
                guard buffer[index] == CR, buffer[index + 1] == LF else { throw .bad("chunk data not followed by CRLF") }
                index += 2
                state = .chunkLine
            case .trailers(let scan, let lineStart, let fields):
                return try scanTrailers(from: scan, lineStart: lineStart, fields: fields)
            default:
                preconditionFailure("stepChunked outside the chunked states")
            }
        }
    }

    /// The index of the CR that ends the chunk line, nil when it has not all arrived.
    private func chunkLineEnd() throws(HTTP1ParseError) -> Int? {
        let limit = min(buffer.count, index + limits.maxChunkLineLength + 2)
        guard let lf = buffer[index..<limit].firstIndex(of: LF) else {
            if limit - index > limits.maxChunkLineLength + 1 { throw .bad("chunk line too long") }
            return nil
        }
        guard lf > index, buffer[lf - 1] == CR else { throw .bad("chunk line ends in a bare LF") }
        return lf - 1
    }

    /// `chunk-size [ chunk-ext ]`: hex digits only (no sign, prefix or space), refused past
    /// what an `Int` holds as they accumulate, then well-formed extensions, ignored.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Int {
        var size = 0
        var position = line.startIndex
        while position < line.endIndex, let digit = ByteClass.hexValue(line[position]) {
            if size > (Int.max - digit) / 16 { throw HTTP1ParseError(.contentTooLarge, "content too large") }
            size = size * 16 + digit
            position += 1
        }
        guard position > line.startIndex else { throw .bad("invalid chunk size") }
        try ChunkExtensions.validate(line[position...])
        return size
    }

    /// The trailer section after the last chunk: field lines, validated and discarded
    /// (https://www.rfc-editor.org/rfc/rfc9112#section-7.1.2), then the empty line.
    private mutating func scanTrailers(from scan: Int, lineStart: Int, fields: Int) throws(HTTP1ParseError) -> Event {
        var fields = fields
        let limits = limits
        let bytes = buffer
        let base = index
        let scanned = try scanSection(from: scan, lineStart: lineStart) { start, end throws(HTTP1ParseError) in
            fields += 1
            if fields > limits.maxFieldCount {
                throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "too many trailer fields")
            }
            _ = try FieldLine(bytes[(base + start)..<(base + end)])
        }
        switch scanned {
        case .complete(let length):
            index += length
            return finishMessage()
        case .incomplete(let scan, let lineStart):
            if buffer.count - index > limits.maxHeadLength {
                throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "trailer section too large")
            }
            state = .trailers(scan: scan, lineStart: lineStart, fields: fields)
            return .needMoreData
        }
    }
}

/// `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )` with a token name and a
/// token or quoted-string value (https://www.rfc-editor.org/rfc/rfc9112#section-7.1.1).
enum ChunkExtensions {
    static func validate(_ bytes: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        var position = bytes.startIndex
        func skipWhitespace() {
            while position < bytes.endIndex, ByteClass.isWhitespace(bytes[position]) { position += 1 }
        }
        func token() -> Bool {
            let start = position
            while position < bytes.endIndex, ByteClass.token[Int(bytes[position])] { position += 1 }
            return position > start
        }
        while position < bytes.endIndex {
            skipWhitespace()
            guard position < bytes.endIndex, bytes[position] == UInt8(ascii: ";") else {
                throw .bad("invalid chunk extension")
            }
            position += 1
            skipWhitespace()
            guard token() else { throw .bad("invalid chunk extension name") }
            let beforeValue = position
            skipWhitespace()
            guard position < bytes.endIndex, bytes[position] == UInt8(ascii: "=") else {
                position = beforeValue
                continue
            }
            position += 1
            skipWhitespace()
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "\"") {
                position = try quotedStringEnd(bytes, from: position)
            } else if !token() {
                throw .bad("invalid chunk extension value")
            }
        }
    }

    /// The index after the closing quote of the quoted-string at `start`
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4).
    private static func quotedStringEnd(_ bytes: ArraySlice<UInt8>, from start: Int) throws(HTTP1ParseError) -> Int {
        var position = start + 1
        while position < bytes.endIndex {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                return position + 1
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.endIndex, ByteClass.fieldContent[Int(bytes[position + 1])] else {
                    throw .bad("invalid quoted-pair in chunk extension")
                }
                position += 2
            default:
                guard ByteClass.fieldContent[Int(byte)] else { throw .bad("invalid chunk extension value") }
                position += 1
            }
        }
        throw .bad("unterminated quoted-string in chunk extension")
    }
}
