import CZlib
#if canImport(Glibc)
import Glibc
#endif
import TernHTTP

/// gzip (https://www.rfc-editor.org/rfc/rfc1952) of a whole file into another file, streamed
/// through a fixed buffer, so memory does not grow with the file.
enum GzipFile {
    /// Why a file could not be compressed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Compresses the first `length` bytes of `source` at `level` into a new file at `path`
    /// (written as `path` + a temporary suffix, synced, then renamed into place, so a reader
    /// never finds a partial copy). Returns the compressed size.
    static func compress(_ source: OpenFile, length: Int64, level: Int32, to path: String) throws(Failure) -> Int64 {
        let temporary = path + ".partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw Failure(description: "cannot create \(temporary): errno \(errno)") }
        var renamed = false
        defer {
            close(output)
            if !renamed { unlink(temporary) }
        }
        let written = try deflate(source, length: length, level: level, into: output)
        guard fsync(output) == 0 else { throw Failure(description: "fsync of \(temporary): errno \(errno)") }
        guard rename(temporary, path) == 0 else { throw Failure(description: "rename to \(path): errno \(errno)") }
        renamed = true
        return written
    }

    private static let chunk = 64 * 1024

    private static func deflate(_ source: OpenFile, length: Int64, level: Int32, into output: Int32) throws(Failure) -> Int64 {
        var stream = z_stream()
        guard tern_deflate_init_gzip(&stream, level) == Z_OK else { throw Failure(description: "deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var input = [UInt8](repeating: 0, count: chunk)
        var compressed = [UInt8](repeating: 0, count: chunk)
        var offset: Int64 = 0
        var written: Int64 = 0
        while true {
            let want = Int(min(Int64(chunk), length - offset))
            let read = want == 0 ? 0 : input.withUnsafeMutableBytes { pread(source.descriptor, $0.baseAddress, want, off_t(offset)) }
            guard read >= 0 else { throw Failure(description: "pread: errno \(errno)") }
            guard read > 0 || want == 0 else { throw Failure(description: "the file ended early, at \(offset) of \(length) bytes") }
            offset += Int64(read)
            let flush = offset == length ? Z_FINISH : Z_NO_FLUSH
            var status = Z_OK
            try input.withUnsafeMutableBufferPointer { (inputBytes: inout UnsafeMutableBufferPointer<UInt8>) throws(Failure) in
                stream.next_in = inputBytes.baseAddress
                stream.avail_in = uInt(read)
                repeat {
                    let produced = compressed.withUnsafeMutableBufferPointer { out -> Int in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        status = CZlib.deflate(&stream, flush)
                        return out.count - Int(stream.avail_out)
                    }
                    guard status != Z_STREAM_ERROR else { throw Failure(description: "deflate failed") }
                    try writeAll(compressed[..<produced], to: output)
                    written += Int64(produced)
                } while stream.avail_out == 0 && status != Z_STREAM_END
            }
            if status == Z_STREAM_END { return written }
        }
    }

    private static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) throws(Failure) {
        var rest = bytes
        while !rest.isEmpty {
            let count = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "write: errno \(errno)") }
            rest = rest.dropFirst(count)
        }
    }
}
