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
        case .file(let region):
            try await region.write(to: writer)
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
            var chunk: [UInt8] = []
            try FileRegion(file: file, offset: offset, length: min(65536, end - offset)).read(appendingTo: &chunk)
            try await writer.write(chunk)
            offset += Int64(chunk.count)
        }
    }

    /// Appends the region's bytes to `bytes`, read with `pread`. Throws when the file ends
    /// before the region does or a read fails; `bytes` then holds what was read.
    public func read(appendingTo bytes: inout [UInt8]) throws(FileRegionReadError) {
        // Read into scratch space and appended in one copy: growing the array first would
        // zero-fill it element by element.
        let read = withUnsafeTemporaryAllocation(byteCount: Int(length), alignment: 1) { scratch in
            let read = self.read(into: scratch)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<read]))
            return read
        }
        if read < length { throw FileRegionReadError(offset: offset + Int64(read)) }
    }

    /// Reads the region with `pread` into `buffer`, which has room for `length` bytes; returns
    /// how many it read: `length`, or fewer when the file ends first or a read fails.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= length, "the buffer is smaller than the region")
        let wanted = Int(length)
        var done = 0
        while done < wanted {
            let read = pread(file.descriptor, buffer.baseAddress! + done, wanted - done, off_t(offset + Int64(done)))
            if read > 0 {
                done += read
            } else if read < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        return done
    }
}

/// A file region could not be read to its end (the file shrank, or a read failed).
public struct FileRegionReadError: Error, Sendable, Hashable {
    /// Where reading stopped.
    public let offset: Int64

    package init(offset: Int64) {
        self.offset = offset
    }
}
