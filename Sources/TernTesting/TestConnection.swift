import Synchronization
public import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a server under test: send any bytes (well-formed or not), read
/// responses as the wire carries them. Each call runs its blocking socket work on a thread
/// of its own; reads give up after `timeout`.
public final class TestConnection: Sendable {
    private let state: Mutex<Reader>

    /// Connects to `address` (IPv4 loopback or any numeric IPv4 address).
    public init(to address: SocketAddress, timeout: Duration = TestTiming.patience) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket: \(errno)") }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = in_port_t(UInt16(address.port).bigEndian)
        inet_pton(AF_INET, address.host, &peer.sin_addr)
        let connected = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestClientError("connect to \(address): errno \(code)")
        }
        state = Mutex(Reader(fd: fd))
    }

    deinit {
        state.withLock { $0.close() }
    }

    /// Writes `bytes` as they are.
    public func send(_ bytes: [UInt8]) async throws {
        try await runBlocking { try self.state.withLock { try $0.write(bytes) } }
    }

    /// Writes the UTF-8 of `text` as it is (write `\r\n` yourself).
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Reads one response; `toHEAD` when it answers a HEAD request (no body follows). Interim
    /// (1xx) responses are skipped unless `returningInterim`, which returns the first one.
    public func readResponse(toHEAD: Bool = false, returningInterim: Bool = false) async throws -> TestResponse {
        try await runBlocking { try self.state.withLock { try $0.readResponse(toHEAD: toHEAD, returningInterim: returningInterim) } }
    }

    /// Sends `request` and reads its response.
    public func exchange(_ request: String) async throws -> TestResponse {
        try await send(request)
        return try await readResponse(toHEAD: request.hasPrefix("HEAD "))
    }

    /// Reads until the server closes; true when it closed (EOF or reset) within the timeout.
    public func waitForClose() async throws -> Bool {
        try await runBlocking { self.state.withLock { $0.readUntilClosed().closed } }
    }

    /// Reads until the server closes (or resets) and returns how many bytes arrived.
    public func readToEnd() async throws -> Int {
        try await runBlocking { self.state.withLock { $0.readUntilClosed().bytes } }
    }

    /// Whether a read would not wait now: bytes have arrived, or the server closed.
    public func hasInput() -> Bool {
        state.withLock { $0.hasInput() }
    }

    /// Half-closes: no more bytes are sent (the server reads EOF), responses can still arrive.
    public func shutdownWrite() {
        state.withLock { $0.shutdownWrite() }
    }

    /// Closes the socket.
    public func close() {
        state.withLock { $0.close() }
    }
}

/// The socket (or, for an in-process response, just bytes) and what is read but not yet
/// consumed.
struct Reader: ~Copyable {
    private var fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
    }

    /// Reads responses from `bytes` alone, as if the peer then closed.
    init(bytes: [UInt8]) {
        fd = -1
        buffer = bytes
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func hasInput() -> Bool {
        guard buffer.isEmpty, fd >= 0 else { return true }
        var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&probe, 1, 0) > 0
    }

    func shutdownWrite() {
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestClientError("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads more bytes; false at EOF.
    private mutating func fill() throws -> Bool {
        guard fd >= 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw TestClientError("recv: errno \(errno)") }
        if count == 0 { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }


    /// Reads until the server closes: how many bytes arrived, and whether it closed (EOF or
    /// reset) rather than the read timing out.
    mutating func readUntilClosed() -> (bytes: Int, closed: Bool) {
        var total = buffer.count
        buffer = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (total, true) }
            if count < 0 { return (total, errno == ECONNRESET) }
            total += count
        }
    }

    private mutating func line() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                guard lf > 0, buffer[lf - 1] == UInt8(ascii: "\r") else { throw TestClientError("bare LF in response") }
                let text = String(decoding: buffer[0..<(lf - 1)], as: UTF8.self)
                buffer.removeFirst(lf + 1)
                return text
            }
            guard try fill() else { throw TestClientError("connection closed mid-line") }
        }
    }

    private mutating func bytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw TestClientError("connection closed mid-body") }
        }
        let taken = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return taken
    }

    mutating func readResponse(toHEAD: Bool, returningInterim: Bool = false) throws -> TestResponse {
        while true {
            let statusLine = try line()
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
                throw TestClientError("bad status line: \(statusLine)")
            }
            var fields: [(name: String, value: String)] = []
            while true {
                let fieldLine = try line()
                if fieldLine.isEmpty { break }
                guard let colon = fieldLine.firstIndex(of: ":") else { throw TestClientError("bad field line: \(fieldLine)") }
                fields.append((String(fieldLine[..<colon]), fieldLine[fieldLine.index(after: colon)...].trimmingWhitespace()))
            }
            var response = TestResponse(
                status: status, reason: parts.count > 2 ? String(parts[2]) : "", fields: fields, body: [], wasChunked: false)
            if (100..<200).contains(status) {
                if returningInterim { return response }
                continue
            }
            if toHEAD || status == 204 || status == 304 { return response }
            if response.field("transfer-encoding")?.lowercased() == "chunked" {
                response.wasChunked = true
                while true {
                    let sizeLine = try line()
                    guard let size = Int(sizeLine.prefix { $0 != ";" }, radix: 16) else {
                        throw TestClientError("bad chunk size: \(sizeLine)")
                    }
                    if size == 0 {
                        while try !line().isEmpty {}
                        break
                    }
                    response.body += try bytes(size)
                    guard try line().isEmpty else { throw TestClientError("chunk not followed by CRLF") }
                }
            } else if let length = response.field("content-length").flatMap({ Int($0) }) {
                response.body = try bytes(length)
            } else {
                while try fill() {}
                response.body = buffer
                buffer = []
            }
            return response
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
