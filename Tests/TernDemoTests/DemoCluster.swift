import Foundation
import Testing
import TernDemo
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// Several `tern-demo` processes sharing one new PostgreSQL database (of `postgres`, the
/// shared test server unless given), each on a free port.
final class DemoCluster {
    let postgres: TestPostgres
    let databaseURL: String
    let folder: String
    private(set) var instances: [ChildProcess] = []
    private(set) var ports: [Int] = []

    init(instances count: Int, postgres: TestPostgres? = nil, arguments: [String] = []) async throws {
        let postgres = if let postgres { postgres } else { try await TestPostgres.shared() }
        self.postgres = postgres
        databaseURL = try await postgres.createDatabase()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cluster-\(UUID().uuidString.prefix(8))").path
        let files = folder + "/files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        // The large sample at its size (sparse), so start-up writes nothing.
        let sample = open(files + "/" + SampleFiles.largeName, O_CREAT | O_WRONLY, 0o644)
        _ = ftruncate(sample, off_t(SampleFiles.largeSize))
        close(sample)
        for index in 0..<count {
            let process = try ChildProcess(
                ["--port", "0", "--workers", "2", "--database-url", databaseURL, "--data-dir", folder + "/data-\(index)", "--files-dir", files]
                    + (arguments.contains("--rate-limit") ? [] : ["--rate-limit", "off"]) + arguments,
                standardError: folder + "/stderr-\(index)")
            instances.append(process)
            let line = try #require(process.readLine(), "instance \(index) did not start; see \(folder)/stderr-\(index)")
            ports.append(try #require(Int(line.split(separator: ":").last ?? "")))
        }
    }

    deinit {
        instances.removeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Requests to the instances, from any task.
    var api: ClusterAPI { ClusterAPI(ports: ports) }
}

/// Requests to a cluster's instances by index.
struct ClusterAPI: Sendable {
    let ports: [Int]

    /// Sends `request` (a whole HTTP/1.1 request with `Connection: close`) to instance `index`.
    func exchange(_ index: Int, _ request: String) -> RawHTTP.Reply? {
        RawHTTP.exchange(port: ports[index], request)
    }

    /// GET `path` from instance `index`, with extra header lines.
    func get(_ index: Int, _ path: String, headers: String = "") -> RawHTTP.Reply? {
        exchange(index, "GET \(path) HTTP/1.1\r\nHost: t\r\n\(headers)Connection: close\r\n\r\n")
    }

    /// A write with the read-write key and a JSON body to instance `index`.
    func write(_ index: Int, _ method: String, _ path: String, body: String, headers: String = "") -> RawHTTP.Reply? {
        exchange(index, "\(method) \(path) HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\n"
            + "\(headers)Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
    }

    /// The sum of every account's balance, in cents, read from instance `index`.
    func totalBalance(_ index: Int = 0) throws -> Int {
        let reply = try #require(get(index, "/accounts"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        return items.reduce(0) { $0 + Int((($1["balance"] as? Double) ?? 0) * 100 + 0.5) }
    }
}
