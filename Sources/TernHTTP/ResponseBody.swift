/// The content of a response: nothing, bytes in memory, regions of open files interleaved
/// with bytes (sent with sendfile, never copied through user space; Tern's server reads a
/// body of at most 16 KiB with `pread` instead and sends it with the head in one call), or
/// a stream the handler writes with backpressure.
///
/// A body of known length gets `Content-Length`; a stream of unknown length is sent with
/// chunked transfer coding to HTTP/1.1 clients and delimited by closing the connection
/// for HTTP/1.0 ones (https://www.rfc-editor.org/rfc/rfc9112#section-6.3).
public struct ResponseBody: Sendable {
    package enum Storage: Sendable {
        case empty
        case bytes([UInt8])
        /// One file region, the usual file body: kept apart from `segments` so it needs no
        /// array of its own.
        case file(FileRegion)
        case segments([BodySegment], length: Int64)
        case stream(length: Int64?, producer: @Sendable (any ResponseBodyWriter) async throws -> Void)
    }

    package let storage: Storage

    private init(_ storage: Storage) {
        self.storage = storage
    }

    /// No content.
    public static let empty = ResponseBody(.empty)

    /// The given bytes.
    public static func bytes(_ bytes: [UInt8]) -> ResponseBody {
        bytes.isEmpty ? .empty : ResponseBody(.bytes(bytes))
    }

    /// The bytes of a body held in memory (empty for `.empty`); nil for file regions and
    /// streams. For middleware that rewrites or hashes content (compression, ETags).
    public var bufferedBytes: [UInt8]? {
        switch storage {
        case .empty: []
        case .bytes(let bytes): bytes
        case .file, .segments, .stream: nil
        }
    }

    /// The UTF-8 encoding of `string`.
    public static func string(_ string: String) -> ResponseBody {
        .bytes(Array(string.utf8))
    }

    /// One region of an open file, sent with sendfile.
    public static func file(_ region: FileRegion) -> ResponseBody {
        region.length == 0 ? .empty : ResponseBody(.file(region))
    }

    /// Bytes and file regions, sent in order; `multipart/byteranges` is built this way
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-14.6).
    public static func segments(_ segments: [BodySegment]) -> ResponseBody {
        let length = segments.reduce(Int64(0)) { $0 + $1.count }
        return length == 0 ? .empty : ResponseBody(.segments(segments, length: length))
    }

    /// Content the handler produces after it returns, through `producer`'s writer.
    ///
    /// When `length` is given, the producer must write exactly that many bytes: fewer or
    /// more and the server closes the connection, since the framing would be wrong. Each
    /// `write` suspends while the connection's output is above its high watermark.
    /// ```swift
    /// .stream { writer in
    ///     for line in lines { try await writer.write(Array(line.utf8)) }
    /// }
    /// ```
    public static func stream(
        length: Int64? = nil,
        _ producer: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) -> ResponseBody {
        ResponseBody(.stream(length: length, producer: producer))
    }

    /// The number of bytes, or nil for a stream of unknown length.
    public var count: Int64? {
        switch storage {
        case .empty: 0
        case .bytes(let bytes): Int64(bytes.count)
        case .file(let region): region.length
        case .segments(_, let length): length
        case .stream(let length, _): length
        }
    }
}

/// One piece of a segmented body.
public enum BodySegment: Sendable {
    case bytes([UInt8])
    case file(FileRegion)

    /// The number of bytes this segment contributes.
    public var count: Int64 {
        switch self {
        case .bytes(let bytes): Int64(bytes.count)
        case .file(let region): region.length
        }
    }
}

/// Writes a streamed response body. Calls must not overlap; each returns once the bytes are
/// queued on the connection, suspending first while its output is above the high watermark.
public protocol ResponseBodyWriter: Sendable {
    /// Queues `bytes`; throws when the client has gone or the connection is closing.
    func write(_ bytes: [UInt8]) async throws
}
