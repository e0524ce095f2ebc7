public import Logging
public import TernHTTP

/// One log line per request, through the request's logger (so it carries `request-id` when
/// `RequestID` runs before it): `GET /users/1 200`, with metadata `method`, `path`, `route`
/// (the template, `-` when none matched), `status`, `bytes` (of the body sent), `duration_ms`
/// and `client`. Errors thrown past it are logged as 500 and rethrown.
///
/// ```swift
/// router.use(RequestID())
/// router.use(AccessLog())
/// ```
public struct AccessLog: Middleware {
    /// The level of the lines.
    public let level: Logger.Level

    /// One line per request at `level`.
    public init(level: Logger.Level = .info) {
        self.level = level
    }

    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        guard context.logger.logLevel <= level else { return try await next.respond(to: request, context: context) }
        let started = ContinuousClock.now
        do {
            let response = try await next.respondRenderingHTTPErrors(to: request, context: context)
            let sent = request.method == .head || response.status == .notModified || response.status == .noContent ? 0 : response.body.count ?? 0
            log(request, context: context, status: response.status.code, bytes: sent, since: started)
            return response
        } catch {
            log(request, context: context, status: 500, bytes: 0, since: started)
            throw error
        }
    }

    private func log(_ request: Request, context: RequestContext, status: Int, bytes: Int64, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: level, "\(request.method.rawValue) \(request.path) \(status)",
            metadata: [
                "method": "\(request.method.rawValue)",
                "path": "\(request.path)",
                "route": "\(context.route ?? "-")",
                "status": "\(status)",
                "bytes": "\(bytes)",
                "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
                "client": "\(context.remoteAddress?.description ?? "-")",
            ])
    }
}
