import Foundation
import HTTPTypes
import Logging
import Testing
import TernDemo
import TernHTTP
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

@Suite("Demo: /healthz, routed")
struct DemoApplicationTests {
    @Test(arguments: TestMode.allCases)
    func healthz(mode: TestMode) async throws {
        try await withDemo(mode) { client in
            let response = try await client.get("/healthz")
            #expect(response.status == 200)
            #expect(response.field("content-type") == "application/json")
            #expect(response.text == #"{"status":"ok"}"#)
            let head = try await client.head("/healthz")
            #expect(head.field("content-length") == "15")
            #expect(head.body.isEmpty)
        }
    }

    @Test func whileDrainingHealthzIs503AndOtherRoutesStillAnswer() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = DemoConfiguration(workers: 1)
            configuration.dataDirectory = directory
            configuration.rateLimit = .off
            let application = try DemoApplication(configuration: configuration)
            defer { try? application.close() }
            try await application.test(.inProcess) { client in
                #expect(try await client.get("/healthz").status == 200)
                application.beginDraining()
                application.endEventStreams()
                let draining = try await client.get("/healthz")
                #expect(draining.status == 503 && draining.field("retry-after") == "1")
                #expect(draining.field("content-type") == "application/problem+json")
                #expect(try await client.get("/users/1").status == 200, "requests in flight and arriving still get answers")
                let events = try await client.get("/transfers/events")
                #expect(events.status == 503, "no new event stream while draining")
            }
        }
    }

    @Test func otherMethodsAndPaths() async throws {
        try await withDemo(.inProcess) { client in
            let post = try await client.post("/healthz")
            #expect(post.status == 405)
            #expect(post.field("allow") == "GET, HEAD, OPTIONS")
            #expect(post.field("content-type") == "application/problem+json")
            let options = try await client.options("/healthz")
            #expect(options.status == 204)
            #expect(options.field("allow") == "GET, HEAD, OPTIONS")
            let missing = try await client.get("/nope")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"type":"about:blank","title":"Not Found","status":404,"detail":"no route matches /nope","instance":"/nope"}"#)
            #expect(try await client.post("/nope").status == 404, "no key needed to learn a path does not exist")
            #expect(try await client.delete("/users").status == 405, "nor that a method is not allowed")
        }
    }
}

@Suite("Demo: the tern-demo executable")
struct DemoExecutableTests {
    static let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-executable-tests").path

    /// Starts the binary, reads its ready line, returns it and the port.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (ChildProcess, String, Int) {
        let process = try ChildProcess(arguments + ["--data-dir", Self.dataDirectory], environment: environment)
        let line = try #require(process.readLine())
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        return (process, line, port)
    }

    @Test func printsTheRealPortAndServesHealthz() async throws {
        let (process, line, port) = try start(["--port", "0", "--workers", "1"])
        #expect(line == "listening on http://127.0.0.1:\(port)")
        #expect(port > 0)
        let connection = try TestConnection(to: SocketAddress(host: "127.0.0.1", port: port))
        let response = try await connection.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.text == #"{"status":"ok"}"#)
        #expect(response.field("date") != nil)
        #expect(process.stop(with: SIGTERM) == 0, "SIGTERM: graceful shutdown, exit 0")
    }

    @Test func environmentVariablesAreDefaults() async throws {
        let (process, line, _) = try start([], environment: ["TERN_PORT": "0", "TERN_HOST": "127.0.0.1", "TERN_WORKERS": "2"])
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        #expect(process.stop(with: SIGINT) == 0, "SIGINT: graceful shutdown, exit 0")
    }

    @Test(arguments: [
        ["--port", "70000"],
        ["--workers", "0"],
        ["--rate-limit", "5/x"],
        ["--log-format", "xml"],
        ["--log-level", "loud"],
        ["--no-such-flag"],
    ])
    func invalidFlagsAreRefused(arguments: [String]) throws {
        let process = try ChildProcess(arguments + ["--port", "0"].filter { _ in !arguments.contains("--port") } + ["--data-dir", Self.dataDirectory])
        #expect(process.readLine() == nil, "never ready")
        let status = process.waitForExit()
        #expect(status != 0 && status < 128, "exits with an error, not killed by a signal")
    }

    @Test func everyDocumentedFlagIsAccepted() throws {
        let process = try ChildProcess([
            "--host", "127.0.0.1", "--port", "0", "--workers", "1", "--data-dir", Self.dataDirectory,
            "--files-dir", "./Public/files", "--public-dir", "./Public", "--rate-limit", "off",
            "--log-level", "debug", "--log-format", "json",
        ])
        #expect(process.readLine()?.hasPrefix("listening on http://127.0.0.1:") == true)
        #expect(process.stop(with: SIGTERM) == 0)
    }

    /// SIGTERM shuts the service group down in order: /healthz 503, event streams end, the
    /// server stops once every request is answered, the database closes; exit 0.
    @Test func sigtermShutsDownInOrder() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-shutdown-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(["--port", "0", "--workers", "1", "--data-dir", Self.dataDirectory], standardError: log)
        let line = try #require(process.readLine())
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let stream = try TestConnection(to: SocketAddress(host: "127.0.0.1", port: port))
        try await stream.send("GET /transfers/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\n\r\n")
        #expect(try await stream.readResponse(toHEAD: true).status == 200, "a stream that never ends by itself")
        #expect(process.stop(with: SIGTERM) == 0)
        #expect(try await stream.waitForClose(), "the stream was ended, so the shutdown did not wait for it")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let steps = ["draining: /healthz answers 503", "event streams ended", "server stopped: every request answered", "database closed"]
        let positions = steps.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "in this order: \(steps)")
    }

    /// `--unix-socket`: ready on the socket, which HTTP reaches, and removed at exit.
    @Test func listensOnAUnixSocketWhenAsked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-unix-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/demo.sock"
        let process = try ChildProcess(["--unix-socket", path, "--workers", "1", "--data-dir", Self.dataDirectory])
        #expect(process.readLine() == "listening on unix:\(path)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(process.stop(with: SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: path), "removed at exit")
    }

    @Test(arguments: ["/proc/tern-demo-data", "/dev/null/data"])
    func anUnusableDataDirectoryIsAClearError(directory: String) throws {
        let process = try ChildProcess(["--port", "0", "--data-dir", directory])
        #expect(process.readLine() == nil, "never ready")
        #expect(process.waitForExit() == 1)
    }

    /// `--log-format json`: one JSON object per line, an access-log line per request, and the
    /// API key never in the log.
    @Test func jsonAccessLog() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(["--port", "0", "--workers", "1", "--log-format", "json", "--data-dir", Self.dataDirectory], standardError: log)
        let line = try #require(process.readLine())
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let connection = try TestConnection(to: SocketAddress(host: "127.0.0.1", port: port))
        _ = try await connection.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-me\r\nAuthorization: Bearer demo-key\r\n\r\n")
        #expect(process.stop(with: SIGTERM) == 0)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let objects = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == text.split(separator: "\n").count, "every line is a JSON object")
        let access = try #require(objects.first { $0["message"] as? String == "GET /healthz 200" })
        #expect(access["request-id"] as? String == "trace-me")
        #expect(access["route"] as? String == "/healthz")
        #expect(access["status"] as? String == "200")
        #expect(access["level"] as? String == "info")
        #expect(!text.contains("demo-key"), "keys are never logged")
    }

    @Test func aPortInUseIsAClearError() throws {
        let (first, _, port) = try start(["--port", "0", "--workers", "1"])
        let second = try ChildProcess(["--port", String(port), "--data-dir", Self.dataDirectory])
        #expect(second.readLine() == nil)
        #expect(second.waitForExit() != 0)
        #expect(first.stop(with: SIGTERM) == 0)
    }
}
