public import TernHTTP
import HTTPTypes

/// The demo API as a responder. This first version answers `GET /healthz` (and HEAD);
/// the router, middleware and the rest of the API build on it.
public struct DemoApplication: Responder {
    public init() {}

    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        guard request.path == "/healthz" else {
            return Response(problem: ProblemDetails(status: .notFound, instance: String(request.path)))
        }
        switch request.method {
        case .get, .head:
            return Response(
                status: .ok, headerFields: [.contentType: "application/json"],
                body: .string(#"{"status":"ok"}"#))
        case .options:
            return Response(status: .noContent, headerFields: [.allow: "GET, HEAD, OPTIONS"])
        default:
            return Response(
                problem: ProblemDetails(status: .methodNotAllowed, instance: String(request.path)),
                headerFields: [.allow: "GET, HEAD, OPTIONS"])
        }
    }
}
