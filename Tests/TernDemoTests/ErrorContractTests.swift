import Foundation
import HTTPTypes
import Testing
import TernTesting

/// One error renderer: the same failing request gives the same problem, byte for byte,
/// whether the demo is called in process or through the real server, and every problem has
/// `type`, `title`, `status`, a `detail` for the client and the request's path as `instance`.
@Suite("Demo: one error contract on every tier")
struct ErrorContractTests {
    struct Failing: Sendable, CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        let headers: HTTPFields
        let body: String
        let status: Int
        let detail: String?

        init(_ method: HTTPRequest.Method, _ path: String, _ headers: HTTPFields = [:], _ body: String = "", status: Int, detail: String? = nil) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
            self.status = status
            self.detail = detail
        }

        var description: String { "\(method) \(path) → \(status)" }
    }

    static let key = HTTPField.Name("Idempotency-Key")!

    static let failing: [Failing] = [
        Failing(.get, "/nope", status: 404, detail: "no route matches /nope"),
        Failing(.delete, "/users", status: 405, detail: "the method DELETE is not allowed on /users; allowed: GET, HEAD, POST, OPTIONS"),
        Failing(.get, "/users/999", status: 404),
        Failing(.get, "/users?limit=0", status: 400),
        Failing(.get, "/users?cursor=", status: 400),
        Failing(.get, "/data", [.accept: "image/png"], status: 406),
        Failing(.post, "/users", [.contentType: "application/json"], #"{"name":"x","email":"x@example.com"}"#, status: 401),
        Failing(.post, "/users", [.authorization: "Bearer readonly-key", .contentType: "application/json"], "{}", status: 403),
        Failing(.post, "/users", writer, "{", status: 400),
        Failing(.post, "/users", [.authorization: "Bearer demo-key", .contentType: "text/plain"], "{}", status: 415),
        Failing(.post, "/users", writer, #"{"name":"","email":"nobody"}"#, status: 422),
        Failing(.post, "/users", writer, #"{"name":"Alice","email":"alice@example.com"}"#, status: 409),
        Failing(.put, "/users/1", writer.adding([.ifMatch: #""1-0""#]), #"{"name":"A","email":"a@example.com"}"#, status: 412),
        Failing(.post, "/transfers", writer, #"{"from":"alice","to":"bob","amount":1}"#, status: 400),
        Failing(.post, "/transfers", writer.adding([key: "k1"]), #"{"from":"alice","to":"alice","amount":1}"#, status: 422),
        Failing(.post, "/transfers", writer.adding([key: "k2"]), #"{"from":"carol","to":"bob","amount":5}"#, status: 409),
        Failing(.get, "/download/..%2Fsecret", status: 404),
        Failing(.get, "/download/hello.txt", [.range: "bytes=999999-"], status: 416),
    ]

    @Test(arguments: failing)
    func theSameProblemOnEveryTier(_ request: Failing) async throws {
        let inProcess = try await withDemo(.inProcess) { try await $0.execute(request.method, request.path, headers: request.headers, body: Array(request.body.utf8)) }
        let live = try await withDemo(.live) { try await $0.execute(request.method, request.path, headers: request.headers, body: Array(request.body.utf8)) }
        #expect(inProcess.status == request.status)
        #expect(live.status == request.status)
        #expect(inProcess.field("content-type") == "application/problem+json")
        #expect(live.text == inProcess.text, "byte for byte")
        let problem = inProcess.json
        #expect(problem["type"] is String)
        #expect(problem["title"] is String)
        #expect(problem["status"] as? Int == request.status)
        let detail = try #require(problem["detail"] as? String)
        #expect(!detail.isEmpty)
        if let expected = request.detail { #expect(detail == expected) }
        #expect(problem["instance"] as? String == String(request.path.prefix { $0 != "?" }))
    }
}
