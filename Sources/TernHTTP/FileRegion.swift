#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor that closes itself when the last reference goes.
///
/// Several `FileRegion`s may share one `OpenFile` (the parts of a `multipart/byteranges`
/// response); the server holds a reference until the last byte is sent.
public final class OpenFile: Sendable {
    /// The descriptor, valid for the life of this object.
    public let descriptor: Int32

    /// Takes ownership of `descriptor`: it is closed when this object is released.
    public init(takingOwnershipOf descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}

/// `length` bytes of an open file from `offset`. Offsets and lengths are 64-bit, so regions
/// past 4 GiB are exact.
public struct FileRegion: Sendable {
    /// The open file.
    public let file: OpenFile
    /// Where the region starts.
    public let offset: Int64
    /// How many bytes it spans.
    public let length: Int64

    /// - Precondition: `offset >= 0` and `length >= 0`.
    public init(file: OpenFile, offset: Int64, length: Int64) {
        precondition(offset >= 0 && length >= 0, "a file region has a non-negative offset and length")
        self.file = file
        self.offset = offset
        self.length = length
    }
}
