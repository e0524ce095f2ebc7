import HTTPTypes
import InMemoryLogging
import Logging
import Testing
import TernHTTP
import TernMiddleware
import TernRouter
import TernTesting

@Suite("Middleware chain")
struct MiddlewareTests {
    static func table() throws -> RouterResponder {
        let router = Router()
        router.use(Tag(name: "outer"))
        router.use(Tag(name: "inner"))
        router.get("/plain", echo("plain"))
        router.group("/admin", middleware: [Tag(name: "group")]) { admin in
            admin.get("/users", echo("admin users"))
            admin.group("/deep", middleware: [Tag(name: "deeper")]) { deep in
                deep.get("/x", echo("deep"))
            }
        }
        let api = Router()
        api.use(Tag(name: "api"))
        api.get("/items/{id}", echo("item"))
        router.mount("/v1", api)
        return try router.build()
    }

    /// The tag header lists middleware innermost first (each appends on the way out).
    @Test(arguments: [
        ("/plain", 200, "inner,outer"),
        ("/admin/users", 200, "group,inner,outer"),
        ("/admin/deep/x", 200, "deeper,group,inner,outer"),
        ("/v1/items/7", 200, "api,inner,outer"),
        ("/nowhere", 404, "inner,outer"),
    ])
    func registrationOrderAndScope(path: String, status: Int, tags: String) async throws {
        try await Self.table().test { client in
            let response = try await client.get(path)
            #expect(response.status == status)
            #expect(response.field("x-tags") == tags)
        }
    }

    @Test func methodNotAllowedRunsThroughTheMiddleware() async throws {
        try await Self.table().test { client in
            let response = try await client.post("/plain")
            #expect(response.status == 405)
            #expect(response.field("x-tags") == "inner,outer")
        }
    }

    @Test func mountedRoutesKeepTheirTemplateAndParameters() async throws {
        try await Self.table().test { client in
            let response = try await client.get("/v1/items/7")
            #expect(response.text == "item id=7")
        }
    }

    struct Route: Middleware {
        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            var response = try await next.respond(to: request, context: context)
            response.headerFields[HTTPField.Name("X-Route")!] = context.route ?? "unmatched"
            return response
        }
    }

    enum UserKey: ContextKey { typealias Value = String }

    struct Authenticate: Middleware {
        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            var context = context
            context.storage[UserKey.self] = "alice"
            return try await next.respond(to: request, context: context)
        }
    }

    @Test func contextCarriesTheRouteAndTypedStorage() async throws {
        let router = Router()
        router.use(Route())
        router.use(Authenticate())
        router.get("/users/{id}") { _, context in
            Response(status: .ok, body: .string("\(context.storage[UserKey.self] ?? "nobody") \(context.parameters["id"] ?? "")"))
        }
        try await router.build().test { client in
            let matched = try await client.get("/users/9")
            #expect(matched.field("x-route") == "/users/{id}", "the template, never the raw path")
            #expect(matched.text == "alice 9")
            #expect(try await client.get("/elsewhere").field("x-route") == "unmatched")
        }
    }
}

@Suite("ErrorMiddleware")
struct ErrorMiddlewareTests {
    struct Secret: Error { let text = "password=hunter2 at /srv/db.sqlite" }

    @Test(arguments: TestMode.allCases)
    func rendersErrors(mode: TestMode) async throws {
        let log = InMemoryLogHandler()
        let router = Router()
        router.use(Tag(name: "sees-responses"))
        router.use(ErrorMiddleware())
        router.get("/teapot") { _, _ in throw HTTPError(HTTPResponse.Status(code: 418, reasonPhrase: "I'm a teapot"), detail: "short and stout", headerFields: [.retryAfter: "5"]) }
        router.get("/secret") { _, context in
            var context = context
            context.logger = Logger(label: "test") { _ in log }
            return try await ErrorMiddleware().handle(Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/secret")), context: context, next: ClosureResponder { _, _ in throw Secret() })
        }
        router.get("/plain-throw") { _, _ in throw Secret() }
        try await router.build().test(mode) { client in
            let teapot = try await client.get("/teapot")
            #expect(teapot.status == 418)
            #expect(teapot.field("retry-after") == "5")
            #expect(teapot.text == #"{"type":"about:blank","title":"I'm a teapot","status":418,"detail":"short and stout","instance":"/teapot"}"#)
            #expect(teapot.field("x-tags") == "sees-responses", "outer middleware sees a response, not an error")

            let hidden = try await client.get("/secret")
            #expect(hidden.status == 500)
            #expect(hidden.text == #"{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"the server failed to answer this request; the failure has been logged","instance":"/secret"}"#)
            #expect(log.entries.count == 1)
            #expect(log.entries.first?.metadata["error"]?.description.contains("hunter2") == true, "the original goes to the log")

            let plain = try await client.get("/plain-throw")
            #expect(plain.status == 500)
            #expect(!plain.text.contains("hunter2"))
        }
    }
}
