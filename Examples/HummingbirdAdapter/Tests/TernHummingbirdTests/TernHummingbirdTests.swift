import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TernHTTP
import TernHummingbird
import TernJSON
import TernMiddleware
import TernRouter
import TernTesting

/// A middleware that marks every response, to show the chain runs behind Hummingbird.
struct Stamp: TernHTTP.Middleware {
    func handle(_ request: TernHTTP.Request, context: TernHTTP.RequestContext, next: any TernHTTP.Responder) async throws -> TernHTTP.Response {
        var response = try await next.respond(to: request, context: context)
        response.headerFields[HTTPField.Name("X-Served-By")!] = "tern"
        return response
    }
}

struct Greeting: Codable { let hello: String }

@Suite("A Tern router behind Hummingbird 2")
struct TernHummingbirdTests {
    static func application() throws -> some ApplicationProtocol {
        Application(responder: TernResponder<BasicRequestContext>(try ternRouter()))
    }

    static func ternRouter() throws -> TernRouter.RouterResponder {
        let router = TernRouter.Router()
        router.use(Stamp())
        router.use(ErrorMiddleware())
        router.get("/hello/{name}") { _, context in
            try TernHTTP.Response(json: Greeting(hello: context.parameters["name"] ?? ""))
        }
        router.post("/echo") { request, _ in
            try await TernHTTP.Response(json: request.decode(Greeting.self))
        }
        router.get("/stream") { _, _ in
            TernHTTP.Response(status: .ok, body: .stream { writer in
                for word in ["one ", "two ", "three"] { try await writer.write(Array(word.utf8)) }
            })
        }
        router.get("/fail") { _, _ in throw HTTPError(.conflict, detail: "the resource is busy", headerFields: [.retryAfter: "1"]) }
        router.get("/crash") { _, _ in throw CancellationError() }
        return try router.build()
    }

    @Test func aRouteWithParameters() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/hello/hummingbird", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"hello":"hummingbird"}"#)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[HTTPField.Name("X-Served-By")!] == "tern")
            }
        }
    }

    @Test func methodNotAllowedWithAllowThroughTheMiddleware() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/hello/x", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[HTTPField.Name("X-Served-By")!] == "tern")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[HTTPField.Name("X-Served-By")!] == "tern")
            }
        }
    }

    @Test func requestBodiesAndStreams() async throws {
        try await Self.application().test(.live) { client in
            try await client.execute(
                uri: "/echo", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"hello":"body"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"hello":"body"}"#)
            }
            try await client.execute(uri: "/echo", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/stream", method: .get) { response in
                #expect(String(buffer: response.body) == "one two three")
            }
        }
    }

    /// The adapter renders errors with Tern's one renderer: the same bytes as Tern's own
    /// in-process client (which the demo's tests hold equal to the live server's).
    @Test(arguments: [
        ("/nowhere", HTTPRequest.Method.get), ("/hello/x", .delete), ("/fail", .get), ("/crash", .get),
        ("/echo", .post),
    ])
    func errorBodiesMatchTernsOwnByteForByte(path: String, method: HTTPRequest.Method) async throws {
        let tern = try await Self.ternRouter().test(TestMode.inProcess) { client in
            try await client.execute(method, path, headers: [HTTPField.Name.contentType: "text/plain"], body: Array("x".utf8))
        }
        try await Self.application().test(.router) { client in
            try await client.execute(uri: path, method: method, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x")) { response in
                #expect(Int(response.status.code) == tern.status)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(Array(response.body.readableBytesView) == tern.body, "byte for byte")
            }
        }
    }
}
