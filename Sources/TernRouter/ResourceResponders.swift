import HTTPTypes
import TernHTTP

/// HEAD answered by the GET handler (https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2):
/// the same fields and the `Content-Length` of the body it would have sent. A body held in
/// memory or in files is passed on, so middleware sees what GET would send (an ETag hashed
/// from it matches GET's); the transport never writes a body for HEAD. A stream is dropped
/// without running its producer.
struct HeadFromGet: Responder {
    let get: Endpoint

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        var response = try await get.run(request, context: context)
        if case .stream = response.body.storage {
            if !response.headerFields.contains(.contentLength), let count = response.body.count {
                response.headerFields[.contentLength] = String(count)
            }
            response.body = .empty
        }
        return response
    }
}

/// OPTIONS on a known path: 204 with `Allow` (https://www.rfc-editor.org/rfc/rfc9110#section-9.3.7).
struct Options: Responder {
    let allow: String

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        Response(status: .noContent, headerFields: [.allow: allow])
    }
}

/// A known path, another method: 405 with `Allow` (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6).
struct MethodNotAllowed: Responder {
    let allow: String

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        Response(rendering: HTTPError.methodNotAllowed(request.method, on: request.path, allow: allow), for: request, context: context)
    }
}

/// An answer decided before any handler: 404, or 400 for a path that does not decode.
struct ErrorEndpoint: Responder {
    let error: HTTPError

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        Response(rendering: error, for: request, context: context)
    }
}
