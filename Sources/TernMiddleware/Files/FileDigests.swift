#if canImport(Glibc)
import Glibc
#endif
import TernHTTP

/// Digests of the files a folder serves, for `Repr-Digest` (RFC 9530 section 3): computed once
/// per file version (device, inode, size and modification time), off the event loop, and
/// remembered for the `capacity` versions asked last. An upload hands over the digests it
/// computed as it wrote the file, so a file just stored is never read again for them.
public final class FileDigests: Sendable {
    private struct Key: Hashable {
        let identity: FileIdentity
        let algorithm: DigestAlgorithm
    }

    private let known = Locked<[Key: [UInt8]]>([:])
    /// The most digests remembered.
    public let capacity: Int

    /// Remembers up to `capacity` digests.
    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// The `algorithm` digest of `file` (the version opened), computed now if not known.
    func digest(of file: StaticFile, algorithm: DigestAlgorithm) async throws -> [UInt8] {
        let key = Key(identity: file.identity, algorithm: algorithm)
        if let digest = known.withLock({ $0[key] }) { return digest }
        let digest = try await BlockingIO.run {
            var hashing = RunningDigests([algorithm])
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var offset: Int64 = 0
            while offset < file.size {
                let count = buffer.withUnsafeMutableBytes { pread(file.file.descriptor, $0.baseAddress, $0.count, off_t(offset)) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw FileSystemError("read", path: file.name) }
                hashing.update(Array(buffer[..<min(count, Int(file.size - offset))]))
                offset += Int64(count)
            }
            return hashing.finalize().values[algorithm] ?? []
        }
        remember(digest, for: key)
        return digest
    }

    /// Takes the digests of a version just written.
    func remember(_ digests: IntegrityDigests, for file: StaticFile) {
        for (algorithm, digest) in digests.values {
            remember(digest, for: Key(identity: file.identity, algorithm: algorithm))
        }
    }

    private func remember(_ digest: [UInt8], for key: Key) {
        known.withLock { known in
            if known[key] == nil, known.count >= capacity, let any = known.indices.first { known.remove(at: any) }
            known[key] = digest
        }
    }
}
