import Foundation
import Testing
import TernDemo
import TernHTTP
import TernServer
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// Downloads read with a fixed buffer on their own threads, the bytes counted and dropped,
/// so the test's memory does not grow with what it receives.
enum StreamingClient {
    /// GETs `path` and returns the bytes of the body received before the server finished or
    /// closed, and whether the response was complete (`Content-Length` bytes).
    static func download(port: Int, path: String, readDelay: useconds_t = 0, afterFirstRead: (() -> Void)? = nil) -> (received: Int64, complete: Bool) {
        guard let fd = connect(port: port) else { return (0, false) }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return (0, false) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var head: [UInt8] = []
        var expected: Int64 = -1
        var received: Int64 = 0
        var first = true
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            if first, let afterFirstRead {
                first = false
                afterFirstRead()
            }
            if expected < 0 {
                head += buffer[0..<count]
                guard let end = Multipart.find(Array("\r\n\r\n".utf8), in: head) else { continue }
                let text = String(decoding: head[..<end], as: UTF8.self).lowercased()
                let length = text.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                expected = Int64(length?.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces) ?? "") ?? 0
                received = Int64(head.count - end - 4)
            } else {
                received += Int64(count)
            }
            if readDelay > 0 { usleep(readDelay) }
        }
        return (received, expected >= 0 && received == expected)
    }

    /// A blocking TCP socket connected to `127.0.0.1:port`, reads timing out after 30 s.
    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// This process's resident set in KiB (`VmRSS`).
    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.components(separatedBy: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Open descriptors of this process.
    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}

@Suite("Demo: downloads under load (live)", .serialized)
struct DownloadLoadTests {
    /// 100 clients fetch the 64 MiB sample at once: memory stays flat however much is sent.
    @Test func concurrentLargeDownloadsKeepMemoryFlat() async throws {
        try await withTemporaryDirectory { files in
            try SampleFiles.ensureLarge(in: files)
            try await withLiveDemo(files: files) { server in
                let before = StreamingClient.residentKiB()
                let peak = PeakSampler()
                let results = await Self.onThreads(count: 100) {
                    StreamingClient.download(port: server.address.port, path: "/download/\(SampleFiles.largeName)")
                } while: { peak.sample() }
                let growthMiB = Double(peak.value - before) / 1024
                let complete = results.filter { $0.complete }.count
                let received = results.map { $0.received }.reduce(0, +)
                #expect(complete == 100, "every download complete")
                #expect(received == Int64(100 * SampleFiles.largeSize))
                // 6,400 MiB went out; with backpressure and sendfile the process holds a
                // few socket buffers' worth, not the files.
                #expect(growthMiB < 256, "resident memory grew by \(growthMiB) MiB")
            }
        }
    }

    /// A client that leaves mid-download and a file truncated mid-send: the server closes
    /// what it must, keeps serving, and frees every descriptor.
    @Test func disconnectsAndVanishingFilesFreeEverything() async throws {
        try await withTemporaryDirectory { files in
            try SampleFiles.ensureLarge(in: files)
            try FileManager.default.copyItem(atPath: files + "/" + SampleFiles.largeName, toPath: files + "/shrinking.bin")
            try await withLiveDemo(files: files, workers: 1) { server in
                let port = server.address.port
                _ = try await server.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                // The file responder keeps a served file's descriptor for later requests:
                // both files' are counted in the baseline.
                for name in [SampleFiles.largeName, "shrinking.bin"] {
                    #expect(try await server.exchange("HEAD /download/\(name) HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
                }
                let baseline = StreamingClient.openDescriptors()
                // Leave after the first bytes.
                _ = await Self.onThreads(count: 10) { () -> (received: Int64, complete: Bool) in
                    guard let fd = StreamingClient.connect(port: port) else { return (0, false) }
                    let request = Array("GET /download/\(SampleFiles.largeName) HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
                    _ = send(fd, request, request.count, 0)
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = recv(fd, &buffer, buffer.count, 0)
                    close(fd)
                    return (0, true)
                } while: {}
                // Truncated while it is being sent: the response cannot be completed.
                let shrinking = files + "/shrinking.bin"
                let result = await Self.onThreads(count: 1) {
                    StreamingClient.download(port: port, path: "/download/shrinking.bin", readDelay: 2000) {
                        _ = truncate(shrinking, 1 << 20)
                    }
                } while: {}
                #expect(result[0].complete == false, "a short body, never a wrong one passed off as whole")
                #expect(result[0].received < Int64(SampleFiles.largeSize))
                #expect(try await server.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").status == 200, "still serving")
                #expect(try await TestTiming.eventually { StreamingClient.openDescriptors() <= baseline }, "descriptors back to the baseline")
            }
        }
    }

    /// Runs `work` on `count` threads of its own (blocking sockets must not occupy the
    /// cooperative pool), calling `poll` every 20 ms until all are done.
    static func onThreads<T: Sendable>(count: Int, _ work: @escaping @Sendable () -> T, while poll: @escaping @Sendable () -> Void) async -> [T] {
        await withCheckedContinuation { continuation in
            let results = ResultBox<T>(count: count)
            for index in 0..<count {
                let thread = Thread {
                    results.set(index, work())
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            let watcher = Thread {
                while !results.isComplete {
                    poll()
                    usleep(20_000)
                }
                continuation.resume(returning: results.values)
            }
            watcher.start()
        }
    }
}

/// Results written by several threads.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    // Every access holds `lock`.
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: T) {
        lock.withLock { slots[index] = value }
    }

    var isComplete: Bool { lock.withLock { slots.allSatisfy { $0 != nil } } }
    var values: [T] { lock.withLock { slots.compactMap { $0 } } }
}

/// The highest resident set seen.
final class PeakSampler: @unchecked Sendable {
    // Every access holds `lock`.
    private let lock = NSLock()
    private var peak = 0

    func sample() {
        let now = StreamingClient.residentKiB()
        lock.withLock { peak = max(peak, now) }
    }

    var value: Int { lock.withLock { max(peak, StreamingClient.residentKiB()) } }
}
