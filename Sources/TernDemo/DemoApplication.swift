public import TernHTTP
import TernJSON
import TernMiddleware
import TernRouter

/// The demo API as a responder: its routes behind the standard middleware. The later parts
/// of the API (users, downloads, transfers) add their routes here.
public struct DemoApplication: Responder {
    private let router: RouterResponder

    public init() throws {
        let router = Router()
        router.use(ErrorMiddleware())
        router.get("/healthz") { _, _ in
            try Response(json: Health(status: "ok"))
        }
        self.router = try router.build()
    }

    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }
}

/// `GET /healthz`'s body.
struct Health: Encodable {
    let status: String
}
