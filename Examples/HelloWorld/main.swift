// The README's hello world: a complete server in ten lines.
import TernHTTP
import TernServer

let hello = ClosureResponder { request, context in
    Response(status: .ok, headerFields: [.contentType: "text/plain"], body: .string("Hello from \(request.path)\n"))
}
let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 8080), responder: hello)
try server.run { address in print("listening on http://\(address)") }
