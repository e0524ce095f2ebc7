#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import TernHTTP

/// gzip copies of a folder's files, each made once per version of the file and kept in a
/// folder of its own, so a compressed download is sent from disk with sendfile like any
/// other file, as nginx's `gzip_static` sends a precompressed `.gz`, but made on first demand.
///
/// - A copy is named by the file's strong entity tag (inode, size, modification time): a
///   changed or replaced file is a new version and gets a new copy; the previous version's
///   copy is deleted as soon as the new one is asked for.
/// - Copies are made off the event loops, once: requests for a version being compressed wait
///   for that one compression.
/// - A file whose gzip is not smaller, or that cannot be compressed (an I/O error), is sent
///   as it is; the failure is logged once for that version.
/// - At most `capacity` copies are kept (and open); past it, a finished one is dropped.
/// - At start the folder is emptied: it holds nothing but this cache.
public final class CompressedCopies: Sendable {
    /// A compressed copy, open.
    public struct Copy: Sendable {
        /// The copy's descriptor.
        public let file: OpenFile
        /// Its length in bytes.
        public let size: Int64
        /// The strong tag of the gzip representation: the file's, with `-gzip` appended
        /// (https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3).
        public let entityTag: EntityTag
    }

    private enum Slot {
        case compressing(Task<Copy?, Never>)
        case done(Copy?)
    }

    private struct State {
        /// By the opaque tag of the file version compressed.
        var slots: [String: Slot] = [:]
        /// The latest version compressed, by file name.
        var versions: [String: String] = [:]
    }

    /// Where the copies are kept.
    public let folder: String
    /// zlib's level, 1 fastest … 9 smallest.
    public let level: Int32
    /// Files shorter than this are not worth compressing.
    public let minimumLength: Int64
    /// Files longer than this are sent as they are (their compression would keep a request
    /// waiting too long).
    public let maximumLength: Int64
    /// The most copies kept.
    public static let capacity = 256
    private let logger: Logger
    private let state = Locked(State())

    /// Copies kept in `folder` (created if missing, emptied if not).
    /// - Throws: when the folder cannot be created or read.
    public init(
        folder: String, level: Int32 = 6, minimumLength: Int64 = 1024, maximumLength: Int64 = 256 * 1024 * 1024,
        logger: Logger = Logger(label: "tern.files")
    ) throws {
        self.folder = folder
        self.level = level
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
        self.logger = logger
        try Self.prepare(folder)
    }

    /// The gzip copy of `file` (this version), made now if it does not exist yet; nil when
    /// the file is outside the size bounds or its gzip would not be smaller.
    public func copy(of file: StaticFile) async -> Copy? {
        guard (minimumLength...maximumLength).contains(file.size) else { return nil }
        let version = file.entityTag.opaqueTag
        let (slot, dropped) = state.withLock { state -> (Slot, [String]) in
            var dropped: [String] = []
            if let previous = state.versions[file.name], previous != version, state.slots.removeValue(forKey: previous) != nil {
                dropped.append(previous)
            }
            state.versions[file.name] = version
            if let slot = state.slots[version] { return (slot, dropped) }
            if state.slots.count >= Self.capacity,
                let finished = state.slots.first(where: { if case .done = $0.value { true } else { false } })?.key {
                state.slots.removeValue(forKey: finished)
                dropped.append(finished)
            }
            // A task, so that every request for this version awaits the same copy; its work
            // (compressing, writing the file) runs on BlockingIO's threads, not Swift's pool.
            let task = Task.detached { [self] in (try? await BlockingIO.run { self.makeCopy(of: file) }) ?? nil }
            let slot = Slot.compressing(task)
            state.slots[version] = slot
            return (slot, dropped)
        }
        // Descriptors still open on a dropped copy (a download under way) keep it readable.
        for version in dropped { unlink(path(for: version)) }
        switch slot {
        case .done(let copy):
            return copy
        case .compressing(let task):
            let copy = await task.value
            state.withLock { state in
                if case .compressing = state.slots[version] { state.slots[version] = .done(copy) }
            }
            return copy
        }
    }

    private func path(for version: String) -> String {
        folder + "/" + version + ".gz"
    }

    /// Compresses `file` into its copy and opens it; runs on BlockingIO's threads.
    private func makeCopy(of file: StaticFile) -> Copy? {
        let path = path(for: file.entityTag.opaqueTag)
        do {
            let size = try GzipFile.compress(file.file, length: file.size, level: level, to: path)
            guard size < file.size else {
                unlink(path)
                return nil
            }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw GzipFile.Failure(description: "cannot open \(path): errno \(errno)") }
            return Copy(
                file: OpenFile(takingOwnershipOf: descriptor), size: size,
                entityTag: EntityTag(file.entityTag.opaqueTag + "-gzip", weak: false))
        } catch {
            logger.error("cannot compress a file; it is sent uncompressed", metadata: ["file": "\(file.name)", "error": "\(error)"])
            return nil
        }
    }

    /// Creates `folder` (and the folders above it that are missing), or empties it of earlier
    /// copies.
    private static func prepare(_ folder: String) throws {
        var path = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0, errno != EEXIST {
                throw GzipFile.Failure(description: "cannot create \(path): errno \(errno)")
            }
        }
        guard let directory = opendir(folder) else { throw GzipFile.Failure(description: "cannot read \(folder): errno \(errno)") }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { unlink(folder + "/" + name) }
        }
    }
}
