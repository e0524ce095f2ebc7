import HTTPTypes
import Testing
@testable import TernMiddleware
import TernHTTP
import TernTesting

@Suite("Compression")
struct CompressionTests {
    let large = String(repeating: "{\"name\":\"tern\",\"value\":42}", count: 100)

    func run(_ requestFields: HTTPFields, method: HTTPRequest.Method = .get, status: HTTPResponse.Status = .ok, type: String = "application/json", body: String? = nil, extra: HTTPFields = [:]) async throws -> Response {
        var fields: HTTPFields = [.contentType: type, .eTag: #""v1""#]
        fields.append(contentsOf: extra)
        return try await Compression().handle(request(method, "/x", requestFields), context: context(), next: answer(body ?? large, fields, status: status))
    }

    @Test func gzipsWhatGains() async throws {
        let response = try await run([.acceptEncoding: "gzip, deflate, br"])
        #expect(response.headerFields[.contentEncoding] == "gzip")
        #expect(response.headerFields[.eTag] == #""v1-gzip""#)
        #expect(response.headerFields[.vary] == "Accept-Encoding")
        let compressed = try #require(response.body.bufferedBytes)
        #expect(compressed.count < large.utf8.count / 5)
        #expect(compressed.starts(with: [0x1F, 0x8B]), "the gzip magic number")
        // Read back with zlib's inflate.
        let data = try #require(Gunzip.decompress(compressed))
        #expect(String(decoding: data, as: UTF8.self) == large)
    }

    @Test(arguments: [nil, "identity", "gzip;q=0, br", "br", "*;q=0, identity"])
    func leavesAloneWhenNotAccepted(acceptEncoding: String?) async throws {
        var fields = HTTPFields()
        if let acceptEncoding { fields[.acceptEncoding] = acceptEncoding }
        let reason = acceptEncoding ?? "no Accept-Encoding"
        let response = try await run(fields)
        #expect(response.headerFields[.contentEncoding] == nil, "\(reason)")
        #expect(response.headerFields[.vary] == "Accept-Encoding", "the representation still varies")
        #expect(response.headerFields[.eTag] == #""v1""#)
    }

    @Test func neverForRangesHeadSmallOrIncompressible() async throws {
        let gzip: HTTPFields = [.acceptEncoding: "gzip"]
        #expect(try await run(gzip, status: .partialContent).headerFields[.contentEncoding] == nil)
        #expect(try await run(gzip, method: .head).headerFields[.contentEncoding] == nil)
        #expect(try await run(gzip, body: "tiny").headerFields[.contentEncoding] == nil)
        #expect(try await run(gzip, type: "image/png").headerFields[.contentEncoding] == nil)
        #expect(try await run(gzip, type: "image/png").headerFields[.vary] == nil)
        #expect(try await run(gzip, extra: [.cacheControl: "no-transform"]).headerFields[.contentEncoding] == nil)
        let notModified = try await Compression().handle(request(.get, "/x", gzip), context: context(), next: answer("", [.vary: "Accept"], status: .notModified))
        #expect(notModified.headerFields[.vary] == "Accept, Accept-Encoding")
        #expect(try await run([.acceptEncoding: "x-gzip"]).headerFields[.contentEncoding] == "gzip")
    }

    @Test(arguments: [("text/html; charset=utf-8", true), ("application/problem+json", true), ("image/svg+xml", true), ("application/vnd.api+json", true),
                      ("application/octet-stream", false), ("image/jpeg", false), ("application/zip", false), ("nonsense", false)])
    func compressibleTypes(type: String, compressible: Bool) {
        #expect(Compression.isCompressible(type) == compressible)
    }
}

@Suite("CORS")
struct CORSTests {
    let cors = CORS(allowedOrigin: CORS.isLocalhost)

    @Test func preflightIsAnsweredHere() async throws {
        let fields: HTTPFields = [
            CORS.origin: "http://localhost:5173", HTTPField.Name("Access-Control-Request-Method")!: "POST",
            HTTPField.Name("Access-Control-Request-Headers")!: "Content-Type, Idempotency-Key, X-Secret",
        ]
        let response = try await cors.handle(request(.options, "/transfers", fields), context: context(), next: ClosureResponder { _, _ in
            Issue.record("a preflight never reaches the handler")
            return Response(status: .ok)
        })
        #expect(response.status == .noContent)
        #expect(response.headerFields[HTTPField.Name("Access-Control-Allow-Origin")!] == "http://localhost:5173")
        #expect(response.headerFields[HTTPField.Name("Access-Control-Allow-Headers")!] == "content-type, idempotency-key")
        #expect(response.headerFields[HTTPField.Name("Access-Control-Allow-Methods")!]?.contains("POST") == true)
        #expect(response.headerFields[HTTPField.Name("Access-Control-Max-Age")!] == "600")
        #expect(response.headerFields[.vary] == "Origin")
    }

    @Test func otherOriginsGetNothing() async throws {
        let fields: HTTPFields = [CORS.origin: "https://evil.example", HTTPField.Name("Access-Control-Request-Method")!: "DELETE"]
        let preflight = try await cors.handle(request(.options, "/users/1", fields), context: context(), next: answer())
        #expect(preflight.headerFields[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        let simple = try await cors.handle(request(.get, "/users/1", [CORS.origin: "http://localhost.evil.example"]), context: context(), next: answer())
        #expect(simple.headerFields[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        #expect(simple.headerFields[.vary] == "Origin")
    }

    @Test func simpleRequestsAreAnnotated() async throws {
        let response = try await cors.handle(request(.get, "/users/1", [CORS.origin: "http://127.0.0.1:8080"]), context: context(), next: answer("x", [.vary: "Accept"]))
        #expect(response.headerFields[HTTPField.Name("Access-Control-Allow-Origin")!] == "http://127.0.0.1:8080")
        #expect(response.headerFields[HTTPField.Name("Access-Control-Expose-Headers")!]?.contains("ETag") == true)
        #expect(response.headerFields[.vary] == "Accept, Origin")
        let plain = try await cors.handle(request(.get, "/users/1"), context: context(), next: answer())
        #expect(plain.headerFields[HTTPField.Name("Access-Control-Allow-Origin")!] == nil, "no Origin, no CORS")
    }

    @Test(arguments: [("http://localhost", true), ("http://localhost:3000", true), ("http://127.0.0.1:8080", true), ("http://[::1]:80", true),
                      ("https://localhost", false), ("http://localhost.evil.com", false), ("http://127.0.0.10", false), ("http://localhost:", false), ("http://localhost:x", false)])
    func localhostOrigins(origin: String, allowed: Bool) {
        #expect(CORS.isLocalhost(origin) == allowed)
    }
}
