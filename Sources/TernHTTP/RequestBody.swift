/// The content of a request, read as it arrives: an async sequence of byte pieces.
///
/// The server hands a handler the request as soon as its head is read; the content follows
/// while the handler reads it, and the socket is read no faster than the handler consumes, so
/// memory per request is bounded whatever the content's size. `collect()` gives the whole
/// content for handlers that need it at once (TernJSON's `decode` uses it).
///
/// Reading is bounded by `limit`: a content whose announced `length` exceeds it fails at the
/// first read, before anything is read (and before `100 Continue` is sent), and one that
/// grows past it fails as it does, both with 413 (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14).
/// The server sets its configured limit; a router sets the matched route's own.
///
/// A streamed content can be read once, by one reader at a time, while its request is being
/// answered; a read after the response was sent, or after the client left, throws. When
/// the client sent `Expect: 100-continue`, the server answers `100 Continue` at the first
/// read, so a handler that refuses without reading never makes the client send the content
/// (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1).
///
/// ```swift
/// router.put("/files/{name}", bodyLimit: 1 << 30) { request, context in
///     for try await piece in request.body { try file.write(piece) }
///     return Response(status: .created)
/// }
/// ```
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    enum Storage: Sendable {
        case bytes([UInt8])
        case stream(any RequestBodySource)
    }

    let storage: Storage
    /// The content's length when known before reading: the bytes' count, or what
    /// `Content-Length` announced; nil for a chunked content.
    public let length: Int?
    /// The most bytes reading gives; past it, reading throws 413.
    public var limit: Int

    /// A content already in memory.
    public init(_ bytes: [UInt8], limit: Int = .max) {
        self.storage = .bytes(bytes)
        self.length = bytes.count
        self.limit = limit
    }

    /// A content that `source` delivers as it arrives; `length` as announced, if it was.
    public init(source: any RequestBodySource, length: Int?, limit: Int) {
        self.storage = .stream(source)
        self.length = length
        self.limit = limit
    }

    /// Whether the request is known to have no content.
    public var isEmpty: Bool { length == 0 }

    /// Whether the announced length is over `limit`: such a request can be refused with 413
    /// before any of its content is read.
    public var exceedsLimit: Bool { (length ?? 0) > limit }

    /// The whole content, at most `maximum` bytes (and at most `limit`).
    /// - Throws: `HTTPError` 413 when it is longer; what reading throws (400 for a malformed
    ///   or truncated content, 408 when the client stops sending, `CancellationError` when the
    ///   connection closed).
    public func collect(upTo maximum: Int = .max) async throws -> [UInt8] {
        if case .bytes(let bytes) = storage, bytes.count <= Swift.min(maximum, limit) { return bytes }
        var bounded = self
        bounded.limit = Swift.min(maximum, limit)
        var content: [UInt8] = []
        if let length = bounded.length, length <= bounded.limit { content.reserveCapacity(length) }
        for try await piece in bounded { content += piece }
        return content
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: storage, length: length, limit: limit)
    }

    /// Reads the pieces in order; checks the limit before each read and after it.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var storage: Storage?
        private let length: Int?
        private let limit: Int
        private var received = 0

        init(storage: Storage, length: Int?, limit: Int) {
            self.storage = storage
            self.length = length
            self.limit = limit
        }

        public mutating func next() async throws -> [UInt8]? {
            guard let storage else { return nil }
            if let length, length > limit { throw RequestBody.tooLarge(limit: limit) }
            let piece: [UInt8]?
            switch storage {
            case .bytes(let bytes):
                self.storage = nil
                piece = bytes.isEmpty ? nil : bytes
            case .stream(let source):
                piece = try await source.next()
            }
            guard let piece else {
                self.storage = nil
                return nil
            }
            received += piece.count
            if received > limit { throw RequestBody.tooLarge(limit: limit) }
            return piece
        }
    }

    /// The 413 for a content over `limit`.
    package static func tooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, detail: "the content is larger than the \(limit) bytes this resource accepts")
    }
}

/// What a transport implements to deliver a request's content as it arrives.
public protocol RequestBodySource: AnyObject, Sendable {
    /// The next piece of content (never empty), or nil at its end. Suspends until a piece
    /// arrives; the transport reads no further ahead than its buffer allows.
    /// - Throws: `HTTPError` 400 for a malformed or truncated content, 408 when the client
    ///   stops sending; an error when the request's exchange is over.
    func next() async throws -> [UInt8]?
}
