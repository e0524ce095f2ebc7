// Hello, world: a routed server in eight lines (the README's first example).
import Tern

let router = Router()
router.get("/hello/{name}") { request, context in
    Response(status: .ok, headerFields: [.contentType: "text/plain"], body: .string("Hello, \(context.parameters["name"] ?? "world")!\n"))
}
let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 8080), responder: try router.build())
try server.run { address in print("listening on http://\(address)") }
