public import OpenAPIRuntime
public import HTTPTypes
import TernHTTP
public import TernRouter

/// A Tern router is a swift-openapi-runtime `ServerTransport`: code that swift-openapi-generator
/// generates for an OpenAPI document registers its operations on it unchanged, beside the
/// router's other routes and behind its middleware.
///
/// ```swift
/// let router = Router()
/// router.use(ErrorMiddleware())
/// try APIImplementation().registerHandlers(on: router)   // generated
/// let server = Server(configuration: configuration, responder: try router.build())
/// ```
///
/// A request reaches the handler with its head, its body (nil when it has none) and its path
/// parameters as sent (percent-encoded, which the generated code decodes). A response body of a
/// known length up to `OpenAPIBodies.bufferedLimit` is sent as bytes, so Tern's conditional GET and
/// compression see it; a longer one, or one of unknown length (an event stream), is streamed.
/// Errors keep Tern's contract: an `HTTPResponseError` the operation threw is answered as itself;
/// a request the generated code cannot decode (a missing parameter, malformed JSON) is 400 with
/// the runtime's description of what was wrong; any other failure is Tern's fixed 500.
extension Router: ServerTransport {
    public func register(
        _ handler: @escaping @concurrent @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        on(method, path) { request, context in
            let metadata = ServerRequestMetadata(pathParameters: OpenAPIBodies.pathParameters(of: context))
            let body = request.body.isEmpty ? nil : OpenAPIBodies.requestBody(request.body)
            let head: HTTPResponse
            let responseBody: HTTPBody?
            do {
                (head, responseBody) = try await handler(request.head, body, metadata)
            } catch let error as ServerError {
                throw OpenAPIBodies.answer(for: error)
            }
            return Response(status: head.status, headerFields: head.headerFields, body: try await OpenAPIBodies.responseBody(responseBody))
        }
    }
}
