public import TernHTTP

/// Turns errors into responses with `Response(rendering:for:context:)`: an
/// `HTTPResponseError` becomes its problem+json; anything else becomes a fixed 500 that says
/// nothing of the error, which is logged instead (the client learns nothing of the internals).
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
        await next.respondRenderingErrors(to: request, context: context)
    }
}
