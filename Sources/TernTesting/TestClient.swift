public import HTTPTypes
public import TernHTTP

/// Sends requests to an application under test, in process or over a real socket, with one
/// API, so a test can run in both modes.
///
/// ```swift
/// try await app.test(.live) { client in
///     let response = try await client.get("/users/1", headers: [.accept: "application/json"])
///     #expect(response.status == 200)
/// }
/// ```
public protocol TestClient: Sendable {
    /// Sends one request and returns its response as the wire would carry it.
    func execute(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: [UInt8]) async throws -> TestResponse
}

extension TestClient {
    /// Sends GET `path` with `headers`.
    public func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(.get, path, headers: headers, body: [])
    }

    /// Sends HEAD `path` with `headers`.
    public func head(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(.head, path, headers: headers, body: [])
    }

    /// Sends OPTIONS `path` with `headers`.
    public func options(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(.options, path, headers: headers, body: [])
    }

    /// Sends DELETE `path` with `headers`.
    public func delete(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(.delete, path, headers: headers, body: [])
    }

    /// Sends POST `path` with `headers` and `body` (UTF-8).
    public func post(_ path: String, headers: HTTPFields = [:], body: String = "") async throws -> TestResponse {
        try await execute(.post, path, headers: headers, body: Array(body.utf8))
    }

    /// Sends PUT `path` with `headers` and `body` (UTF-8).
    public func put(_ path: String, headers: HTTPFields = [:], body: String = "") async throws -> TestResponse {
        try await execute(.put, path, headers: headers, body: Array(body.utf8))
    }

    /// Sends PATCH `path` with `headers` and `body` (UTF-8).
    public func patch(_ path: String, headers: HTTPFields = [:], body: String = "") async throws -> TestResponse {
        try await execute(.patch, path, headers: headers, body: Array(body.utf8))
    }
}

/// Where `Responder.test` runs the application.
public enum TestMode: Sendable, CaseIterable {
    /// Called directly, no socket: the response is framed by the server's own code and read
    /// back, so HEAD, 204 and `Content-Length` come out as they would on the wire.
    case inProcess
    /// Behind a real server on `127.0.0.1:0`, over TCP.
    case live
}

extension Responder {
    /// Runs `body` with a client of this application in `mode`.
    public func test<Result>(_ mode: TestMode = .inProcess, _ body: (any TestClient) async throws -> Result) async throws -> Result {
        switch mode {
        case .inProcess:
            return try await body(InProcessClient(responder: self))
        case .live:
            return try await LiveServer.with(responder: self) { live in
                try await body(LiveClient(connection: try live.connect()))
            }
        }
    }
}
