import CLibevent
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// A bound, listening TCP socket with `SO_REUSEPORT`, so each loop can have its own and the
/// kernel spreads connections across them.
enum ListeningSocket {
    /// Binds `host:port` and listens; returns the descriptor and the address bound.
    static func open(host: String, port: Int, backlog: Int32) throws(ServerError) -> (Int32, SocketAddress) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let info = list?.pointee else {
            throw .address("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .address("socket: \(errnoText())") }
        var one: Int32 = 1
        // Port 0 is bound with neither SO_REUSEADDR nor SO_REUSEPORT: with either, Linux may
        // give it a port that another socket of this user holds (bound and not yet listening,
        // or listening with SO_REUSEPORT), and two servers started at once would then split
        // each other's connections. Without them the kernel picks a port no socket holds;
        // SO_REUSEPORT, set before listen, lets the other loops' sockets join it.
        if port != 0 {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        guard bind(fd, info.ai_addr, info.ai_addrlen) == 0 else {
            let text = errnoText()
            close(fd)
            throw .address("\(host):\(port): \(text)")
        }
        if port == 0 { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
        guard listen(fd, backlog) == 0 else {
            let text = errnoText()
            close(fd)
            throw .address("listen: \(text)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let address = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
        }
        return (fd, address ?? SocketAddress(host: host, port: port))
    }

    /// Fails when another socket (without `SO_REUSEPORT` from this user, or of another
    /// program) already listens on `host:port`, which `SO_REUSEPORT` alone would not reveal.
    static func checkFree(host: String, port: Int) throws(ServerError) {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list?.pointee else { return }
        defer { freeaddrinfo(list) }
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.ai_addr, info.ai_addrlen) != 0 {
            throw .address("\(host):\(port): \(errnoText())")
        }
    }

    /// The text of the last system call's `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension SocketAddress {
    /// The numeric host and port of an IPv4 or IPv6 socket address.
    init?(sockaddr address: UnsafePointer<sockaddr>) {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let parsed: SocketAddress? = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                var raw = v4.pointee.sin_addr
                guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                return SocketAddress(host: Self.text(text), port: Int(UInt16(bigEndian: v4.pointee.sin_port)))
            }
            guard let parsed else { return nil }
            self = parsed
        case AF_INET6:
            let parsed: SocketAddress? = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = v6.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                return SocketAddress(host: Self.text(text), port: Int(UInt16(bigEndian: v6.pointee.sin6_port)))
            }
            guard let parsed else { return nil }
            self = parsed
        default:
            return nil
        }
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
