import HTTPTypes
import Logging
import Testing
import TernDemo
import TernHTTP
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

@Suite("Demo: /healthz in process")
struct DemoApplicationTests {
    let context = RequestContext(logger: Logger(label: "test"))

    func request(_ method: HTTPRequest.Method, _ path: String) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "t", path: path))
    }

    @Test func healthz() async throws {
        let response = try await DemoApplication().respond(to: request(.get, "/healthz"), context: context)
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == "application/json")
        guard case .bytes(let body) = response.body.storage else {
            Issue.record("expected bytes")
            return
        }
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"ok"}"#)
    }

    @Test func otherMethodIs405WithAllow() async throws {
        let response = try await DemoApplication().respond(to: request(.post, "/healthz"), context: context)
        #expect(response.status == .methodNotAllowed)
        #expect(response.headerFields[.allow] == "GET, HEAD, OPTIONS")
        #expect(response.headerFields[.contentType] == "application/problem+json")
    }

    @Test func unknownPathIs404() async throws {
        let response = try await DemoApplication().respond(to: request(.get, "/nope"), context: context)
        #expect(response.status == .notFound)
    }
}

@Suite("Demo: the tern-demo executable")
struct DemoExecutableTests {
    /// Starts the binary, reads its ready line, returns it and the port.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (ChildProcess, String, Int) {
        let process = try ChildProcess(arguments, environment: environment)
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
        let process = try ChildProcess(arguments + ["--port", "0"].filter { _ in !arguments.contains("--port") })
        #expect(process.readLine() == nil, "never ready")
        let status = process.waitForExit()
        #expect(status != nil && status != 0)
    }

    @Test func everyDocumentedFlagIsAccepted() throws {
        let process = try ChildProcess([
            "--host", "127.0.0.1", "--port", "0", "--workers", "1", "--data-dir", "/tmp/tern-data",
            "--files-dir", "./Public/files", "--public-dir", "./Public", "--rate-limit", "off",
            "--log-level", "debug", "--log-format", "json",
        ])
        #expect(process.readLine()?.hasPrefix("listening on http://127.0.0.1:") == true)
        #expect(process.stop(with: SIGTERM) == 0)
    }

    @Test func aPortInUseIsAClearError() throws {
        let (first, _, port) = try start(["--port", "0", "--workers", "1"])
        let second = try ChildProcess(["--port", String(port)])
        #expect(second.readLine() == nil)
        #expect(second.waitForExit() != 0)
        #expect(first.stop(with: SIGTERM) == 0)
    }
}
