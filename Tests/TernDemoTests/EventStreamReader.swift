import Foundation
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// A raw client of `GET /transfers/events`: HTTP/1.0, so the stream is delimited by the close
/// rather than chunked, and read as it arrives. Its reads block, so a test calls them through
/// `runBlocking`, off Swift's cooperative threads (which the server's feed needs).
final class EventStreamReader: @unchecked Sendable {
    // Sendable: a test uses a reader from one task at a time (each blocking call awaited before
    // the next), so `pending` and the head state are never touched concurrently.
    private let fd: Int32
    private var pending = ""
    /// The status line's code, once the head arrived.
    private(set) var status = 0
    private var headRead = false

    init?(port: Int, path: String = "/transfers/events", headers: String = "") {
        guard let fd = StreamingClient.connect(port: port) else { return nil }
        self.fd = fd
        // A receive timeout as a guard against a hang only; no test judges speed by it.
        var timeout = timeval(tv_sec: Int(TestTiming.patience.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.0\r\nHost: t\r\n\(headers)\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
    }

    /// Reads the response head: the server subscribes before it sends it, so a transfer made
    /// after this returns is on the stream. The status, or 0 when the connection ended first.
    @discardableResult
    func open() -> Int {
        while !headRead {
            if let end = pending.range(of: "\r\n\r\n") {
                status = Int(pending.split(separator: " ").dropFirst().first ?? "") ?? 0
                pending = String(pending[end.upperBound...])
                headRead = true
                break
            }
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return 0 }
            pending += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return status
    }

    deinit {
        close(fd)
    }

    /// `ids(count:)` on a thread of its own.
    func received(_ count: Int) async throws -> [Int64] {
        try await runBlocking { self.ids(count: count) }
    }

    /// `open()` on a thread of its own.
    func opened() async throws -> Int {
        try await runBlocking { self.open() }
    }

    /// Reads until `count` events arrived; returns their ids (fewer if the stream ended).
    func ids(count: Int) -> [Int64] {
        var ids: [Int64] = []
        while ids.count < count {
            if let event = nextEvent() {
                ids.append(event)
            } else {
                break
            }
        }
        return ids
    }

    /// The id of the next event, skipping comments and fields; nil at the end of the stream.
    func nextEvent() -> Int64? {
        while true {
            if !headRead, open() == 0 { return nil }
            if let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                if let line = block.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }) {
                    return Int64(line.dropFirst(4))
                }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            pending += String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    /// Whether the server ended the stream (reads to the end; false on the guard's timeout).
    func endsByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return false }
        }
    }
}
