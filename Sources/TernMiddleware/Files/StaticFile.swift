#if canImport(Glibc)
import Glibc
#endif
public import TernHTTP

/// A regular file opened inside a folder, with the metadata its validators come from.
/// Opening is the check: the descriptor's real path (what the kernel opened, after every
/// symbolic link) must lie inside the folder's real path, so a link that leads outside, or a
/// file swapped for one between a listing and the open, is refused.
public struct StaticFile: Sendable {
    /// The name within the folder.
    public let name: String
    /// The open descriptor every byte is read from.
    public let file: OpenFile
    /// The size when opened.
    public let size: Int64
    /// The modification time, whole seconds.
    public let lastModified: HTTPDate
    /// Strong, from inode, size and modification time in nanoseconds.
    public let entityTag: EntityTag
    /// Which file this is, and which version of it: what a later `stat` of the name must
    /// report for this open descriptor to still be the name's file.
    let identity: FileIdentity

    /// Opens `name` in `folder` (whose real path is `realFolder`); nil when the name is not
    /// safe, the file does not exist, is not a regular file, or resolves outside the folder.
    static func open(_ name: String, in realFolder: String) -> StaticFile? {
        guard FileName.isSafe(name) else { return nil }
        // O_NONBLOCK: opening a FIFO someone left in the folder must not block the loop; it
        // changes nothing for a regular file.
        let descriptor = Glibc.open(realFolder + "/" + name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        let file = OpenFile(takingOwnershipOf: descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            let real = realPath(ofDescriptor: descriptor), real.hasPrefix(realFolder + "/")
        else { return nil }
        let identity = FileIdentity(status)
        return StaticFile(
            name: name, file: file, size: identity.size, lastModified: HTTPDate(secondsSince1970: Int64(status.st_mtim.tv_sec)),
            entityTag: .strong(inode: identity.inode, size: identity.size, modifiedNanoseconds: identity.modifiedNanoseconds),
            identity: identity)
    }

    /// The path the kernel opened for `descriptor` (`/proc/self/fd/N`).
    private static func realPath(ofDescriptor descriptor: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The real path of `folder`, or nil when it does not exist.
    static func realPath(of folder: String) -> String? {
        guard let resolved = realpath(folder, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A file's device and inode (which file) and its size and modification time (which
/// version), from `stat`.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedNanoseconds: Int64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedNanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }
}
