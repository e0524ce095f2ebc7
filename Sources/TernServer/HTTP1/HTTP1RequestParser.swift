/// A strict, incremental HTTP/1.1 request parser (https://www.rfc-editor.org/rfc/rfc9112).
///
/// Feed it bytes as they arrive with `append`, then call `next()` until it answers
/// `.needMoreData`. Each request yields `.head` and then `.message` with the whole content.
/// Any violation throws an `HTTP1ParseError` carrying the status to answer with; the parser
/// then stays failed, since the framing of whatever follows can no longer be trusted, and the
/// connection must close. Strict means: CRLF only (no bare CR or LF), no obs-fold, no
/// whitespace before a field's colon, exactly one `Content-Length` value, no
/// `Content-Length` with `Transfer-Encoding`, `chunked` last and only once, chunk sizes of
/// hex digits only. Leading empty lines before a request line are skipped
/// (https://www.rfc-editor.org/rfc/rfc9112#section-2.2).
///
/// ```swift
/// var parser = HTTP1RequestParser()
/// parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
/// try parser.next()  // .head(...)
/// try parser.next()  // .message(body: [])
/// try parser.next()  // .needMoreData
/// ```
public struct HTTP1RequestParser: Sendable {
    /// What `next()` found.
    public enum Event: Sendable, Hashable {
        /// The buffered bytes hold no further complete element.
        case needMoreData
        /// A request head; `.message` follows once its content is complete.
        case head(HTTP1RequestHead)
        /// The content of the request whose head came last (empty when it has none).
        case message(body: [UInt8])
    }

    enum State: Sendable {
        /// Looking for the empty line that ends a head; offsets are relative to `index`.
        case head(scan: Int, lineStart: Int)
        case fixedBody(remaining: Int)
        case chunkLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(scan: Int, lineStart: Int, fields: Int)
        case failed(HTTP1ParseError)
    }

    /// The limits it enforces.
    public let limits: HTTP1Limits
    var buffer: [UInt8] = []
    /// The first byte not yet consumed.
    var index = 0
    var state: State = .head(scan: 0, lineStart: 0)
    var body: [UInt8] = []
    /// The current head's request line, parsed as soon as it ended.
    var requestLine: RequestLine?

    /// A parser enforcing `limits`.
    public init(limits: HTTP1Limits = HTTP1Limits()) {
        self.limits = limits
    }

    /// Adds bytes received from the connection.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet consumed by a complete element.
    public var bufferedByteCount: Int { buffer.count - index }

    /// The target of the request line being read, from the moment that line has been parsed
    /// until its head is complete (also when the rest of the head was refused).
    public var requestTarget: String? { requestLine?.path }

    /// The next element of the stream.
    public mutating func next() throws(HTTP1ParseError) -> Event {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTP1ParseError) -> Event {
        switch state {
        case .failed(let error):
            throw error
        case .head(let scan, let lineStart):
            return try scanHead(from: scan, lineStart: lineStart)
        case .fixedBody(let remaining):
            let count = min(remaining, bufferedByteCount)
            // Appending nothing to an empty array still allocates it (nearly every GET).
            if count > 0 { body.append(contentsOf: buffer[index..<index + count]) }
            index += count
            if count == remaining { return finishMessage() }
            state = .fixedBody(remaining: remaining - count)
            return .needMoreData
        case .chunkLine, .chunkData, .chunkDataEnd, .trailers:
            return try stepChunked()
        }
    }

    /// Ends the current message and gets ready for the next head.
    mutating func finishMessage() -> Event {
        state = .head(scan: 0, lineStart: 0)
        let content = body
        body = []
        return .message(body: content)
    }

    /// Drops consumed bytes once they are at least half the buffer; offsets in `state` are
    /// relative to `index`, so they survive.
    private mutating func compact() {
        guard index > 0 else { return }
        if index == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            index = 0
        } else if index >= buffer.count / 2 {
            buffer.removeFirst(index)
            index = 0
        }
    }
}
