#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import TernHTTP

/// The folder's real path and the files a `FileResponder` opened, with the fields of their
/// 200s, kept for the next request of the same name, as nginx's `open_file_cache` does, but
/// never trusted blindly:
/// every request `stat`s the name, and the cached descriptor is used only while the name
/// still leads to the same file (device and inode) with the same size and modification
/// time. A file replaced, renamed over, changed, or swapped for a symbolic link is opened
/// and checked afresh; a file gone is dropped. A request then costs one `stat` instead of
/// `open`, `fstat`, `readlink` and `close`, the folder's `realpath`, and writing the fields.
///
/// At most `capacity` descriptors stay open; when full, an entry is dropped to make room.
/// A deleted file's descriptor (and its disk space) is held until the name is asked for
/// again or the entry is dropped.
final class OpenFileCache: Sendable {
    /// An open file and the fields of its 200.
    struct Entry: Sendable {
        let file: StaticFile
        let fields: HTTPFields
    }

    private struct State {
        var realFolder: String?
        var files: [String: Entry] = [:]
    }

    private let folder: String
    private let capacity: Int
    private let fields: @Sendable (StaticFile) -> HTTPFields
    private let state = Locked(State())

    /// Keeps up to `capacity` files of `folder` open; `fields` gives a file's 200 fields.
    init(folder: String, capacity: Int, fields: @escaping @Sendable (StaticFile) -> HTTPFields) {
        self.folder = folder
        self.capacity = capacity
        self.fields = fields
    }

    /// The real path of the folder: resolved once, the first time the folder exists, so a
    /// folder later swapped for a symbolic link elsewhere does not move what is served.
    func realFolder() -> String? {
        if let known = state.withLock({ $0.realFolder }) { return known }
        guard let resolved = StaticFile.realPath(of: folder) else { return nil }
        return state.withLock { state in
            if state.realFolder == nil { state.realFolder = resolved }
            return state.realFolder
        }
    }

    /// `stat` of `folder/name`, the path built on the stack; nil when it fails.
    private static func status(of name: String, in folder: String) -> stat? {
        var folder = folder
        var name = name
        return folder.withUTF8 { folder in
            name.withUTF8 { name in
                withUnsafeTemporaryAllocation(of: CChar.self, capacity: folder.count + name.count + 2) { path in
                    let bytes = UnsafeMutableRawBufferPointer(path)
                    bytes.copyMemory(from: UnsafeRawBufferPointer(folder))
                    bytes[folder.count] = UInt8(ascii: "/")
                    UnsafeMutableRawBufferPointer(rebasing: bytes[(folder.count + 1)...]).copyMemory(from: UnsafeRawBufferPointer(name))
                    bytes[folder.count + 1 + name.count] = 0
                    var status = stat()
                    return stat(path.baseAddress!, &status) == 0 ? status : nil
                }
            }
        }
    }

    /// The file `name` in the folder, open; nil when the name is not safe or not a regular
    /// file inside the folder.
    func file(named name: String) -> Entry? {
        guard FileName.isSafe(name) else { return nil }
        // One lock for what a cached file needs: the folder and the entry.
        let (knownFolder, cached) = state.withLock { ($0.realFolder, $0.files[name]) }
        guard let realFolder = knownFolder ?? realFolder() else { return nil }
        guard let status = Self.status(of: name, in: realFolder) else {
            state.withLock { _ = $0.files.removeValue(forKey: name) }
            return nil
        }
        if let cached, cached.file.identity == FileIdentity(status) { return cached }
        guard let file = StaticFile.open(name, in: realFolder) else {
            state.withLock { _ = $0.files.removeValue(forKey: name) }
            return nil
        }
        let opened = Entry(file: file, fields: fields(file))
        state.withLock { state in
            if state.files[name] == nil, state.files.count >= capacity, let any = state.files.indices.first {
                state.files.remove(at: any)
            }
            state.files[name] = opened
        }
        return opened
    }
}
