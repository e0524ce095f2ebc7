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
public struct ErrorMiddleware: SynchronousMiddleware {
    /// The middleware.
    public init() {}

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        -> Response
    {
        outcome.rendered(for: request, context: context)
    }
}
