import HTTPTypes
import Logging
import TernHTTP

/// A GET (or other) request for `path` with `fields`.
func request(_ method: HTTPRequest.Method = .get, _ path: String = "/", _ fields: HTTPFields = [:]) -> Request {
    Request(head: HTTPRequest(method: method, scheme: "http", authority: "t", path: path, headerFields: fields))
}

func context(host: String = "192.0.2.1", route: String? = "/r") -> RequestContext {
    var context = RequestContext(remoteAddress: SocketAddress(host: host, port: 1000), logger: Logger(label: "test"))
    context.route = route
    return context
}

/// A responder answering 200 with `body` and `fields`, recording nothing.
func answer(_ body: String = "ok", _ fields: HTTPFields = [:], status: HTTPResponse.Status = .ok) -> ClosureResponder {
    ClosureResponder { _, _ in Response(status: status, headerFields: fields, body: .string(body)) }
}
