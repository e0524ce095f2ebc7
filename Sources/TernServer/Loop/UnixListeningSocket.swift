import CLibevent
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// A listening Unix domain socket (`AF_UNIX`, `SOCK_STREAM`) at a path: for a load balancer on
/// the same machine, which then reaches the server without TCP. The socket file gets
/// `permissions` (who may connect); a socket file left by a server that died is replaced, while
/// one a live server still listens on, or any other kind of file, makes `open` fail.
struct UnixListeningSocket {
    /// The socket file's path.
    let path: String
    /// The listening descriptor.
    let descriptor: Int32
    /// The socket file's device and inode, so `remove()` deletes this socket's file and no other.
    private let file: (device: UInt, inode: UInt)

    /// Binds `path` and listens.
    static func open(path: String, permissions: UInt32, backlog: Int32) throws(ServerError) -> UnixListeningSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, path.utf8.count < capacity, !path.utf8.contains(0) else {
            throw .address("\(path): a Unix socket path has 1 to \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: path.utf8)
        }
        try removeStale(path, address: address)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .address("socket: \(ListeningSocket.errnoText())") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let text = ListeningSocket.errnoText()
            close(fd)
            throw .address("\(path): \(text)")
        }
        var status = stat()
        guard chmod(path, mode_t(permissions)) == 0, lstat(path, &status) == 0, listen(fd, backlog) == 0 else {
            let text = ListeningSocket.errnoText()
            close(fd)
            unlink(path)
            throw .address("\(path): \(text)")
        }
        return UnixListeningSocket(path: path, descriptor: fd, file: (UInt(status.st_dev), UInt(status.st_ino)))
    }

    /// Deletes `path` when it is a socket nobody listens on (its server died without removing
    /// it); fails when a server answers there or when it is not a socket.
    private static func removeStale(_ path: String, address: sockaddr_un) throws(ServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw .address("\(path) exists and is not a socket") }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw .address("socket: \(ListeningSocket.errnoText())") }
        defer { close(probe) }
        var address = address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 { throw .address("\(path): a server is listening there") }
        guard errno == ECONNREFUSED else { throw .address("\(path): \(ListeningSocket.errnoText())") }
        unlink(path)
    }

    /// Another descriptor for the same socket, for another loop's listener.
    func duplicate() throws(ServerError) -> Int32 {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw .address("dup: \(ListeningSocket.errnoText())") }
        return copy
    }

    /// Deletes the socket file, unless another file has taken its path since.
    func remove() {
        var status = stat()
        guard lstat(path, &status) == 0, UInt(status.st_dev) == file.device, UInt(status.st_ino) == file.inode else { return }
        unlink(path)
    }
}
