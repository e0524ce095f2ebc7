public import Logging
public import TernHTTP

/// One log line per request, through the request's logger (so it carries `request-id` when
/// `RequestID` runs before it): `GET /users/1 200`, with metadata `method`, `path`, `route`
/// (the template, `-` when none matched), `status`, `bytes` (of the body sent), `duration_ms`
/// (with three decimals) and `client` (the peer's address and port, or the address a trusted
/// proxy forwarded: `TrustedProxies`). Errors thrown past it are logged as 500 and rethrown.
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
        let response = await next.respondRenderingErrors(to: request, context: context)
        let sent = request.method == .head || response.status == .notModified || response.status == .noContent ? 0 : response.body.count ?? 0
        log(request, context: context, status: response.status.code, bytes: sent, since: started)
        return response
    }

    private func log(_ request: Request, context: RequestContext, status: Int, bytes: Int64, since started: ContinuousClock.Instant) {
        let method = request.method.rawValue
        let path = String(request.path)
        context.logger.log(
            level: level, "\(method) \(path) \(status)",
            metadata: [
                "method": .string(method),
                "path": .string(path),
                "route": .string(context.route ?? "-"),
                "status": .string(String(status)),
                "bytes": .string(String(bytes)),
                "duration_ms": .string(Self.milliseconds(ContinuousClock.now - started)),
                "client": .string(TrustedProxies.forwardedClient(in: context) ?? context.remoteAddress?.description ?? "-"),
            ])
    }

    /// `duration` in milliseconds with three decimals (microseconds): `12.345`.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.utf8.count) + fraction
    }
}
