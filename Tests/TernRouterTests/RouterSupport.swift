import HTTPTypes
import TernHTTP
import TernRouter

/// A handler that answers with its route template and parameters, so a table can say which
/// route took a request.
func echo(_ label: String) -> @Sendable (Request, RequestContext) async throws -> Response {
    { request, context in
        let parameters = ["id", "name", "file", "**"].compactMap { name in context.parameters[name].map { "\(name)=\($0)" } }
        return Response(status: .ok, body: .string(([label] + parameters).joined(separator: " ")))
    }
}

/// Records the order in which middleware sees the request, in a response header.
struct Tag: Middleware {
    let name: String

    func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        var response = try await next.respond(to: request, context: context)
        let earlier = response.headerFields[Self.field].map { "\($0)," } ?? ""
        response.headerFields[Self.field] = earlier + name
        return response
    }

    static let field = HTTPField.Name("X-Tags")!
}
