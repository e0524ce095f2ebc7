import Foundation
import Testing
import TernHTTP
@testable import TernServer
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// `ServerConfiguration.unixSocketPath`: the server on a Unix domain socket.
@Suite("Live server on a Unix domain socket", .serialized)
struct UnixSocketTests {
    /// A folder of its own for the socket file, removed afterwards.
    final class Folder: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-unix-\(UUID().uuidString)").path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var socket: String { path + "/tern.sock" }
    }

    static func server(at path: String) -> Server {
        var configuration = ServerConfiguration()
        configuration.unixSocketPath = path
        configuration.workers = 2
        return Server(configuration: configuration, responder: TestApplication())
    }

    /// A blocking AF_UNIX client: sends `request` and reads until the server closes.
    static func exchange(_ request: String, at path: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    static func mode(of path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode : nil
    }

    @Test func servesOverTheSocketWhoseFileItRemovesAtShutdown() async throws {
        let folder = try Folder()
        let server = Self.server(at: folder.socket)
        let address = try server.start()
        #expect(address.host == folder.socket)
        let mode = try #require(Self.mode(of: folder.socket))
        #expect(mode & S_IFMT == S_IFSOCK)
        #expect(mode & 0o777 == 0o660, "owner and group may connect, nobody else")
        for _ in 0..<4 {
            let response = try Self.exchange("GET /path HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", at: folder.socket)
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.hasSuffix("GET /path t"))
        }
        server.shutdown()
        await server.waitUntilStopped()
        #expect(Self.mode(of: folder.socket) == nil, "no socket file left behind")
    }

    @Test func aSocketFileLeftByADeadServerIsReplaced() async throws {
        let folder = try Folder()
        // What a killed server leaves: a bound socket file that nobody listens on.
        let dead = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: folder.socket.utf8) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(dead, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(dead)
        let server = Self.server(at: folder.socket)
        try server.start()
        #expect(try Self.exchange("GET /path HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", at: folder.socket).hasPrefix("HTTP/1.1 200 OK"))
        server.shutdown()
        await server.waitUntilStopped()
    }

    @Test func aSocketALiveServerListensOnIsNotTaken() async throws {
        let folder = try Folder()
        let first = Self.server(at: folder.socket)
        try first.start()
        #expect(throws: ServerError.self) { try Self.server(at: folder.socket).start() }
        #expect(try Self.exchange("GET /path HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", at: folder.socket).hasPrefix("HTTP/1.1 200 OK"), "the first server still answers")
        first.shutdown()
        await first.waitUntilStopped()
    }

    @Test func aFileThatIsNoSocketIsNeverDeleted() throws {
        let folder = try Folder()
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: folder.socket))
        #expect(throws: ServerError.self) { try Self.server(at: folder.socket).start() }
        #expect(try String(contentsOfFile: folder.socket, encoding: .utf8) == "keep me")
    }

    @Test func aPathTooLongForASocketIsAClearError() throws {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: ServerError.self) { try Self.server(at: path).start() }
    }
}
