import Logging
public import TernHTTP

/// Turns errors into responses: an `HTTPResponseError` becomes its own response; anything
/// else becomes a fixed 500 `application/problem+json` with no detail from the error, which
/// is logged instead (the client learns nothing of the internals).
///
/// Register it after the middleware that should see every outcome as a response (access
/// log, metrics, CORS) and before the ones whose errors it should render (authentication,
/// rate limits):
/// ```swift
/// router.use(AccessLog())
/// router.use(ErrorMiddleware())
/// router.use(BearerAuthentication(...))
/// ```
public struct ErrorMiddleware: Middleware {
    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        do {
            return try await next.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            return error.response(for: request, context: context)
        } catch {
            context.logger.error(
                "unhandled error", metadata: ["error": "\(String(reflecting: error))", "route": "\(context.route ?? "-")"])
            return Response(problem: ProblemDetails(status: .internalServerError, instance: String(request.path)))
        }
    }
}
