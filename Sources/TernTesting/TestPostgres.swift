import Foundation
import TernHTTP

/// A PostgreSQL server of the machine's own installation (Debian's `postgresql`), started for
/// tests in a temporary folder on a free port, and stopped by its PID.
///
/// Run as root, the server runs as the `postgres` user (PostgreSQL refuses root); otherwise as
/// the caller. It trusts every local connection to the role `tern`, a superuser, and is tuned
/// for tests (no fsync): never for data that matters.
///
/// ```swift
/// let postgres = try await TestPostgres.shared()
/// let url = try await postgres.createDatabase()   // a new, empty database per test
/// ```
public final class TestPostgres: Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The folder holding the data directory and the log.
    public let folder: String
    private let binaries: String
    private let state = Locked<State>(State())

    private struct State {
        var postmaster: ChildProcess?
        var databases = 0
    }

    /// A URL for the role `tern` and the database `database`.
    public func url(database: String = "postgres") -> String {
        "postgresql://tern@127.0.0.1:\(port)/\(database)"
    }

    /// The server every test of this process shares, started on first use and stopped when the
    /// process exits.
    public static func shared() async throws -> TestPostgres {
        try await sharedServer.value
    }

    private static let sharedServer = Task<TestPostgres, any Error> {
        let server = try await TestPostgres.start()
        atexit { TestPostgres.stopSharedAtExit() }
        sharedForExit.withLock { $0 = server }
        return server
    }

    private static let sharedForExit = Locked<TestPostgres?>(nil)

    private static func stopSharedAtExit() {
        sharedForExit.withLock { $0 }?.stop(removingFolder: true)
    }

    /// Makes a new cluster with `initdb` and starts its server; returns when it accepts
    /// connections. - Throws: when PostgreSQL is not installed or does not start.
    public static func start() async throws -> TestPostgres {
        let binaries = try findBinaries()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-postgres-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 {
            try ChildProcess.run(["/bin/chown", "postgres:postgres", folder])
        }
        try runAsServerUser(["\(binaries)/initdb", "-D", "\(folder)/data", "-U", "tern", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
        let server = TestPostgres(port: try freePort(), folder: folder, binaries: binaries)
        try await server.startServer()
        return server
    }

    private init(port: Int, folder: String, binaries: String) {
        self.port = port
        self.folder = folder
        self.binaries = binaries
    }

    /// Creates a new empty database and returns its URL.
    public func createDatabase() async throws -> String {
        let name = state.withLock { state in
            state.databases += 1
            return "test_\(state.databases)"
        }
        try ChildProcess.run(["\(binaries)/createdb", "-h", "127.0.0.1", "-p", "\(port)", "-U", "tern", name])
        return url(database: name)
    }

    /// Runs `sql` with `psql` as the superuser in `database`; returns what it printed
    /// (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try ChildProcess.run(["\(binaries)/psql", "-h", "127.0.0.1", "-p", "\(port)", "-U", "tern", "-d", database, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql])
    }

    /// Starts the server again after `stop()`, on the same port and data; returns when it
    /// accepts connections.
    public func restart() async throws {
        try await startServer()
    }

    /// Stops the server (fast shutdown: open sessions are ended) and waits for it to exit.
    public func stop() {
        stop(removingFolder: false)
    }

    /// Stops the server, as `stop()`, and removes its folder: the end of a server a test
    /// started for itself.
    public func stopAndRemove() {
        stop(removingFolder: true)
    }

    private func stop(removingFolder: Bool) {
        let postmaster = state.withLock { state in
            defer { state.postmaster = nil }
            return state.postmaster
        }
        if let postmaster {
            postmaster.signal(SIGINT)
            postmaster.waitForExit()
        }
        if removingFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func startServer() async throws {
        var arguments = [
            "\(binaries)/postgres", "-D", "\(folder)/data", "-p", "\(port)", "-k", folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        ]
        if getuid() == 0 {
            arguments = ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] + arguments
        }
        let logPath = "\(folder)/postgres.log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw TestServiceError("cannot open \(logPath)") }
        defer { close(log) }
        let postmaster = try ChildProcess(arguments, output: log)
        state.withLock { $0.postmaster = postmaster }
        let giveUp = ContinuousClock.now + TestTiming.patience
        while (try? ChildProcess.run(["\(binaries)/pg_isready", "-q", "-h", "127.0.0.1", "-p", "\(port)"])) == nil {
            guard postmaster.isRunning, ContinuousClock.now < giveUp else {
                throw TestServiceError("PostgreSQL did not start; see \(folder)/postgres.log")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func findBinaries() throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let folder = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(folder)/postgres") { return folder }
        }
        throw TestServiceError("PostgreSQL's server is not installed (Debian: apt-get install postgresql; `make test` does it)")
    }

    private static func runAsServerUser(_ arguments: [String]) throws {
        if getuid() == 0 {
            try ChildProcess.run(["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] + arguments)
        } else {
            try ChildProcess.run(arguments)
        }
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw TestServiceError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why `TestPostgres` or `TestHAProxy` could not do what it was asked.
public struct TestServiceError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
