import Foundation
import Testing
import Tern
import TernTesting

/// What a service written against `import Tern` alone reaches: the router, middleware, JSON,
/// HTTP types and the server, answering through them.
@Suite("import Tern")
struct OneImportTests {
    struct Greeting: Codable, Sendable, Equatable {
        let message: String
    }

    static func application() throws -> any Responder {
        let router = Router()
        router.use(RequestID())
        router.use(ErrorMiddleware())
        router.get("/hello/{name}") { _, context in
            try Response(json: Greeting(message: "Hello, \(context.parameters["name"] ?? "world")!"))
        }
        return try router.build()
    }

    @Test(arguments: TestMode.allCases)
    func aServiceBuiltFromOneImportAnswers(mode: TestMode) async throws {
        try await Self.application().test(mode) { client in
            let hello = try await client.get("/hello/tern", headers: [.accept: "application/json"])
            #expect(hello.status == 200)
            #expect(hello.field("content-type") == "application/json")
            #expect(try JSONDecoder().decode(Greeting.self, from: Data(hello.body)) == Greeting(message: "Hello, tern!"))
            #expect(hello.field("x-request-id") != nil)
            let missing = try await client.get("/nowhere")
            #expect(missing.status == 404)
            #expect(missing.field("content-type") == "application/problem+json")
        }
    }
}
