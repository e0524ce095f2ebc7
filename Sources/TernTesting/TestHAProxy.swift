import Foundation

/// HAProxy from the machine's installation (Debian's `haproxy`), started for a test in front
/// of some servers, on a free port of 127.0.0.1, and stopped by its PID.
///
/// Its settings are those of `make cluster`: round robin, active health checks on `healthPath`
/// every 200 ms (one failure marks a server down, two successes up), keep-alive to the
/// servers, `option forwardfor`, and retries only of connections that failed before a request
/// was sent (`retry-on conn-failure`): a request that reached a server is never sent again.
public final class TestHAProxy: Sendable {
    /// Where HAProxy listens on 127.0.0.1.
    public let port: Int
    private let process: ChildProcess
    private let folder: String

    /// Starts HAProxy in front of `servers` (ports on 127.0.0.1) and returns when it listens.
    public init(servers: [Int], healthPath: String = "/healthz") async throws {
        guard let binary = ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"].first(where: FileManager.default.isExecutableFile) else {
            throw TestServiceError("HAProxy is not installed (Debian: apt-get install haproxy; `make test` does it)")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-haproxy-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = try TestPostgres.freePort()
        let configuration = """
            global
                maxconn 4096
            defaults
                mode http
                timeout connect 2s
                timeout client 30s
                timeout server 30s
                timeout http-keep-alive 5s
                option http-keep-alive
                option forwardfor
                retries 3
                retry-on conn-failure
                option redispatch 1
            frontend api
                bind 127.0.0.1:\(port)
                default_backend instances
            backend instances
                balance roundrobin
                option httpchk GET \(healthPath)
                http-check expect status 200
                default-server check inter 200ms fall 1 rise 2
            \(servers.enumerated().map { "    server instance\($0.offset) 127.0.0.1:\($0.element)" }.joined(separator: "\n"))
            """
        try (configuration + "\n").write(toFile: folder + "/haproxy.cfg", atomically: true, encoding: .utf8)
        let log = open(folder + "/haproxy.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw TestServiceError("cannot create \(folder)/haproxy.log") }
        defer { close(log) }
        process = try ChildProcess([binary, "-db", "-f", folder + "/haproxy.cfg"], output: log)
        let giveUp = ContinuousClock.now + TestTiming.patience
        while !Self.accepts(port: port) {
            guard process.isRunning, ContinuousClock.now < giveUp else {
                let log = (try? String(contentsOfFile: folder + "/haproxy.log", encoding: .utf8)) ?? ""
                throw TestServiceError("HAProxy did not start: \(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Stops HAProxy and waits for it to exit.
    public func stop() {
        process.signal(SIGTERM)
        process.waitForExit()
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
