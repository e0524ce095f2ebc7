import Foundation
import HTTPTypes
import TernDemo
import TernTesting

/// A fresh temporary folder, removed after `body`.
func withTemporaryDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// The demo application on a new database in a temporary folder (rate limit off unless the
/// test sets one), with a client in `mode`.
func withDemo<Result>(
    _ mode: TestMode = .live, configure: (inout DemoConfiguration) -> Void = { _ in },
    _ body: (any TestClient) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory { directory in
        var configuration = DemoConfiguration(workers: 1)
        configuration.dataDirectory = directory
        configuration.rateLimit = .off
        configure(&configuration)
        let application = try DemoApplication(configuration: configuration)
        defer { try? application.close() }
        return try await application.test(mode, body)
    }
}

/// The demo behind a real server on `127.0.0.1:0` (rate limit off), on a new database, with
/// `files` as its files folder when given.
func withLiveDemo<Result>(
    files: String? = nil, workers: Int = 2, configure: (inout DemoConfiguration) -> Void = { _ in }, _ body: (LiveServer) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory { data in
        var configuration = DemoConfiguration(workers: workers)
        configuration.dataDirectory = data
        if let files { configuration.filesDirectory = files }
        configuration.rateLimit = .off
        configure(&configuration)
        let application = try DemoApplication(configuration: configuration)
        defer { try? application.close() }
        return try await LiveServer.with(
            responder: application, configure: {
                $0.workers = workers
                $0.serverResponseFields = application.serverResponseFields
                $0.metricsFactory = application.metricsFactory
            }, body)
    }
}

/// Header fields for a write with the read-write key and a JSON body.
let writer: HTTPFields = [.authorization: "Bearer demo-key", .contentType: "application/json"]

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

extension HTTPFields {
    /// These fields plus `more`.
    func adding(_ more: HTTPFields) -> HTTPFields {
        var fields = self
        fields.append(contentsOf: more)
        return fields
    }
}
