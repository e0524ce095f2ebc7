/// A strict, incremental HTTP/1.1 request parser (https://www.rfc-editor.org/rfc/rfc9112).
///
/// Feed it bytes as they arrive with `append`, then call `next()` until it answers
/// `.needMoreData`. Each request yields `.head`, its content as `.body` pieces as they
/// arrive (none when it has no content), then `.end`. The parser does not limit the
/// content's length (a route's limit applies as the handler reads it); it only refuses a
/// length it cannot represent.
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
/// try parser.next()  // .end
/// try parser.next()  // .needMoreData
/// ```
public struct HTTP1RequestParser: Sendable {
    /// What `next()` found.
    public enum Event: Sendable, Hashable {
        /// The buffered bytes hold no further complete element.
        case needMoreData
        /// A request head; its content's pieces and `.end` follow.
        case head(HTTP1RequestHead)
        /// A piece of the content of the request whose head came last (never empty; the
        /// chunked coding removed).
        case body([UInt8])
        /// The end of the request whose head came last.
        case end
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
    /// The current head's request line, parsed as soon as it ended.
    var requestLine: RequestLine?
    /// The last head's request, which the next head with the same `Host` starts from (`RecentRequest`).
    var recentRequest: RecentRequest?

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
            if remaining == 0 { return finishMessage() }
            let count = min(remaining, bufferedByteCount)
            guard count > 0 else { return .needMoreData }
            let piece = Array(buffer[index..<index + count])
            index += count
            state = .fixedBody(remaining: remaining - count)
            return .body(piece)
        case .chunkLine, .chunkData, .chunkDataEnd, .trailers:
            return try stepChunked()
        }
    }

    /// Ends the current message and gets ready for the next head.
    mutating func finishMessage() -> Event {
        state = .head(scan: 0, lineStart: 0)
        return .end
    }

    /// Ends a request whose head announced no content, in place of the `.end` that `next()`
    /// would yield: the connection's path for nearly every GET.
    mutating func skipEmptyContent() {
        state = .head(scan: 0, lineStart: 0)
    }

    /// How much of the current request's content is still to come, when its length is known:
    /// what skipping the rest of an unread body would cost.
    public var remainingContentLength: Int? {
        switch state {
        case .fixedBody(let remaining): remaining
        case .head: 0
        default: nil
        }
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
