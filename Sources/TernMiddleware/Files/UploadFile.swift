#if canImport(Glibc)
import Glibc
#endif

/// The temporary file an upload is written to, in the folder of the file it will replace (so
/// the final `rename` stays within one file system and is atomic). Its name starts with a dot:
/// never listed, never served. Writes and the `fsync` run off the event loop; the content is
/// hashed as it is written.
final class UploadFile: @unchecked Sendable {
    // Sendable proof: `digests` is read and written only inside `append`'s and `finish`'s
    // blocking work, and the one task that uploads awaits each of those calls before making
    // the next, so no two ever run at once.
    let path: String
    private let descriptor: Int32
    private var digests: RunningDigests

    /// Creates a new, empty temporary file in `folder` (a real path), hashing with `algorithms`.
    init(in folder: String, hashing algorithms: Set<DigestAlgorithm>) throws(FileSystemError) {
        var random = SystemRandomNumberGenerator()
        let path = folder + "/.upload-" + String(random.next(), radix: 16)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw FileSystemError("create", path: path) }
        self.path = path
        self.descriptor = descriptor
        self.digests = RunningDigests(algorithms)
    }

    deinit {
        close(descriptor)
    }

    /// Writes `bytes` at the end and hashes them.
    func append(_ bytes: [UInt8]) async throws {
        try await BlockingIO.run { [self] in
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FileSystemError("write", path: path)
                    }
                    offset += written
                }
            }
            digests.update(bytes)
        }
    }

    /// Flushes the content to the disk (`fsync`) and gives its digests.
    func finish() async throws -> IntegrityDigests {
        try await BlockingIO.run { [self] in
            guard fsync(descriptor) == 0 else { throw FileSystemError("fsync", path: path) }
            return digests.finalize()
        }
    }

    /// Removes the file (an upload that did not complete leaves nothing behind).
    func discard() {
        unlink(path)
    }
}

/// A file-system call failed: which, on what, and `errno`'s description.
struct FileSystemError: Error, CustomStringConvertible {
    let description: String
    /// `errno` when the call failed.
    let code: Int32

    init(_ call: String, path: String) {
        code = errno
        description = "\(call) \(path): \(String(cString: strerror(code)))"
    }
}
