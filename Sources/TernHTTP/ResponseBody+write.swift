#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ResponseBody {
    /// Writes the body's bytes in order through `writer`, for a transport without sendfile (or
    /// a test): bytes at once, file regions read with `pread` 64 KiB at a time, a stream's
    /// writes as its producer makes them. Tern's own server sends file regions with sendfile
    /// instead.
    public func write(to writer: some ResponseBodyWriter) async throws {
        switch storage {
        case .empty:
            return
        case .bytes(let bytes):
            try await writer.write(bytes)
        case .segments(let segments, _):
            for segment in segments {
                switch segment {
                case .bytes(let bytes):
                    try await writer.write(bytes)
                case .file(let region):
                    try await region.write(to: writer)
                }
            }
        case .stream(_, let producer):
            try await producer(writer)
        }
    }
}

extension FileRegion {
    /// Reads the region with `pread` and writes it through `writer`, 64 KiB at a time.
    func write(to writer: some ResponseBodyWriter) async throws {
        var offset = self.offset
        let end = self.offset + length
        while offset < end {
            var chunk = [UInt8](repeating: 0, count: Int(min(65536, end - offset)))
            let read = chunk.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard read > 0 else { throw FileRegionReadError(offset: offset) }
            try await writer.write(read == chunk.count ? chunk : Array(chunk[..<read]))
            offset += Int64(read)
        }
    }
}

/// A file region could not be read to its end (the file shrank, or a read failed).
public struct FileRegionReadError: Error, Sendable, Hashable {
    /// Where reading stopped.
    public let offset: Int64
}
