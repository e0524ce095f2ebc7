import HTTPTypes

private let CR = UInt8(ascii: "\r")
private let LF = UInt8(ascii: "\n")
private let SP = UInt8(ascii: " ")

extension HTTP1RequestParser {
    /// Scans for the end of the head from `scan`, deciding 414/431 as soon as the bytes so far
    /// are too many, then parses the whole head at once.
    mutating func scanHead(from scan: Int, lineStart: Int) throws(HTTP1ParseError) -> Event {
        // Empty lines before the request line are skipped (RFC 9112 section 2.2).
        if scan == 0 {
            while bufferedByteCount >= 2, buffer[index] == CR, buffer[index + 1] == LF {
                index += 2
            }
            if bufferedByteCount == 1, buffer[index] == CR { return .needMoreData }
        }
        // Garbage (a TLS handshake, another protocol) is refused at its first byte, not when
        // a line end or a deadline finally comes: a request line starts with a method token.
        if scan == 0, bufferedByteCount > 0, buffer[index] != CR, !ByteClass.token[Int(buffer[index])] {
            throw .bad("not an HTTP request")
        }
        let limits = limits
        var parsedLine: RequestLine?
        let scanned: SectionScan
        do {
            scanned = try scanSection(from: scan, lineStart: lineStart) { start, end throws(HTTP1ParseError) in
            if start == 0, end > limits.maxTargetLength + 64 { try refuseLongRequestLine(length: end) }
            // The request line is judged as soon as it ends, before the rest of the head comes;
            // the head is parsed with it once complete.
            if start == 0 {
                var line = RequestLine()
                try line.parse(buffer[index..<index + end], limits: limits)
                parsedLine = line
            }
            if end + 2 > limits.maxHeadLength { throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "request head too large") }
            }
        } catch {
            // A refusal after the request line names its target.
            if let parsedLine { requestLine = parsedLine }
            throw error
        }
        if let parsedLine { requestLine = parsedLine }
        switch scanned {
        case .complete(let length):
            if length == 2 { throw .bad("empty request line") }
            let head = try parseHead(length: length)
            requestLine = nil
            index += length
            state = try bodyState(for: head)
            return .head(head)
        case .incomplete(let scan, let lineStart):
            let end = buffer.count - index
            if lineStart == 0, end > limits.maxTargetLength + 64 {
                try refuseLongRequestLine(length: end)
            }
            if end > limits.maxHeadLength {
                throw lineStart == 0
                    ? .bad("request line too long")
                    : HTTP1ParseError(.requestHeaderFieldsTooLarge, "request head too large")
            }
            state = .head(scan: scan, lineStart: lineStart)
            return .needMoreData
        }
    }

    /// A request line longer than any acceptable one: 414 when its target is what is long.
    private func refuseLongRequestLine(length: Int) throws(HTTP1ParseError) {
        let line = buffer[index..<index + length]
        if let space = line.firstIndex(of: SP), line.endIndex - space > limits.maxTargetLength {
            throw HTTP1ParseError(.uriTooLong, "request target too long")
        }
        throw .bad("request line too long")
    }

    /// Parses `length` bytes of head (request line, field lines, empty line).
    private mutating func parseHead(length: Int) throws(HTTP1ParseError) -> HTTP1RequestHead {
        let head = buffer[index..<index + length]
        let lineEnd = head.firstIndex(of: LF)! - 1  // at the CR
        guard let line = requestLine else { preconditionFailure("a head completed before its request line was parsed") }

        var fields = HTTPFields()
        var special = SpecialFields()
        var fieldCount = 0
        var position = lineEnd + 2
        let end = head.endIndex - 2  // the final CRLF
        while position < end {
            let next = head[position..<end].firstIndex(of: LF)! - 1
            fieldCount += 1
            if fieldCount > limits.maxFieldCount {
                throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "too many header fields")
            }
            let line = try FieldLine(head[position..<next])
            if try !special.note(line) {
                // Room for this line and every later one, made at the first field kept
                // (Host is not): appending one by one would regrow at 1, 2, 4, 8 and 16.
                if fields.isEmpty { fields.reserveCapacity(head[position..<end].reduce(0) { $1 == LF ? $0 + 1 : $0 }) }
                fields.append(line.field)
            }
            position = next + 2
        }
        return try special.makeHead(line: line, fields: fields, recent: &recentRequest)
    }

    private func bodyState(for head: HTTP1RequestHead) throws(HTTP1ParseError) -> State {
        switch head.framing {
        case .none: return .fixedBody(remaining: 0)
        case .length(let length): return .fixedBody(remaining: length)
        case .chunked: return .chunkLine
        }
    }
}

/// One field line, checked against https://www.rfc-editor.org/rfc/rfc9112#section-5.
struct FieldLine {
    let name: HTTPField.Name
    let value: ArraySlice<UInt8>
    /// Whether the value is all ASCII, as nearly every value is.
    let isASCII: Bool

    /// The line as a field of the request (its value as received, checked). An ASCII value
    /// is made a `String` directly: HTTPField's byte initializer validates UTF-8 through a
    /// generic path that costs more than the rest of the line.
    var field: HTTPField {
        isASCII ? HTTPField(name: name, value: String(decoding: value, as: UTF8.self)) : HTTPField(name: name, value: value)
    }

    init(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        guard let first = line.first else { throw .bad("empty field line") }
        if ByteClass.isWhitespace(first) { throw .bad("obsolete line folding") }
        // The tables are read once: each read of a global checks its initialization.
        let token = ByteClass.token
        let fieldContent = ByteClass.fieldContent
        var colon = line.startIndex
        while colon < line.endIndex, token[Int(line[colon])] { colon += 1 }
        guard colon < line.endIndex, line[colon] == UInt8(ascii: ":") else {
            throw .bad("invalid field name")
        }
        guard colon > line.startIndex else { throw .bad("empty field name") }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, ByteClass.isWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, ByteClass.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        var ascii = true
        for byte in line[valueStart..<valueEnd] {
            guard fieldContent[Int(byte)] else {
                throw .bad(byte == CR ? "bare CR in a field value" : "control character in a field value")
            }
            if byte >= 0x80 { ascii = false }
        }
        isASCII = ascii
        let nameBytes = line[line.startIndex..<colon]
        if let known = CommonFieldNames.name(spelled: nameBytes) {
            name = known
        } else if let fieldName = HTTPField.Name(String(decoding: nameBytes, as: UTF8.self)) {
            name = fieldName
        } else {
            throw .bad("invalid field name")
        }
        value = line[valueStart..<valueEnd]
    }
}
