import CZlib

/// gzip (https://www.rfc-editor.org/rfc/rfc1952) read back with zlib, for tests that check
/// what a compressed response carries.
public enum Gunzip {
    /// `bytes` decompressed; nil when they are not one whole gzip stream.
    public static func decompress(_ bytes: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard tern_inflate_init_gzip(&stream) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                output += chunk[..<produced]
            } while status == Z_OK
        }
        return status == Z_STREAM_END && stream.avail_in == 0 ? output : nil
    }
}
