#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import TernHTTP

/// One line per request, `GET /users/1 200`, with the fields `method`, `path`, `route` (the
/// template, `-` when none matched), `status`, `bytes` (of the body sent), `duration_ms` (with
/// three decimals) and `client` (the peer's address and port, or the address a trusted proxy
/// forwarded: `TrustedProxies`), and the request logger's metadata (`request-id` when
/// `RequestID` runs before it, trace ids), in the format of Tern's log handlers (`LogFormat`).
/// An error thrown past it is rendered (`Response(rendering:for:context:)`) and the line carries
/// the status it renders to; when `level` is filtered out, responses and errors pass untouched.
///
/// Lines skip swift-log: each is written straight into a byte buffer of the event loop that
/// served the request and reaches the file descriptor with one `write` per burst, when the loop
/// goes idle (it has run the events that were ready) or at 64 KiB (`IdleWorkScheduler`), never
/// interleaved with other log lines; a clean shutdown writes every line. Where no loop runs (an
/// in-process test), each line is written at once. A line is written when the request logger's
/// level lets `level` through, and carries the logger's label.
///
/// ```swift
/// router.use(RequestID())
/// router.use(AccessLog(format: .json))
/// ```
public struct AccessLog: SynchronousMiddleware {
    /// The level of the lines.
    public let level: Logger.Level
    /// How lines are written.
    public let format: LogFormat
    private let output: LoopLineBuffers

    /// One line per request at `level`, written in `format` to `fileDescriptor` (2: standard
    /// error, where Tern's log handlers write).
    public init(format: LogFormat = .text, level: Logger.Level = .info, fileDescriptor: Int32 = 2) {
        self.level = level
        self.format = format
        self.output = LoopLineBuffers(descriptor: fileDescriptor)
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        throws -> Response
    {
        // The handler read once: each read through a Logger is a checked access to its storage.
        let handler = context.baseLogger.handler
        guard handler.logLevel <= level else { return try outcome.get() }
        let response = outcome.rendered(for: request, context: context)
        let status = response.statusCode
        let sent = request.method == .head || status == 304 || status == 204 ? 0 : response.body.count ?? 0
        let client: AccessLogLine.Client =
            if let forwarded = TrustedProxies.forwardedClient(in: context) { .forwarded(forwarded) }
            else if let peer = context.remoteAddress { .peer(peer) }
            else { .unknown }
        let duration = ContinuousClock.now - started
        // Made where it is written: a line built outside the closure is copied into it.
        output.append { out in
            AccessLogLine(
                timestamp: .now, level: level, label: context.baseLogger.label, method: request.method.rawValue, path: request.path,
                status: status, bytes: sent, duration: duration, client: client,
                route: context.route, metadata: Self.metadata(of: context, handler: handler)
            ).write(format, to: &out)
        }
        return response
    }

    /// The request logger's metadata as a log handler merges it: the handler's, then the
    /// context's `loggerMetadata`, then the provider's, a later value winning. With neither
    /// handler metadata nor a provider (the usual case) it is the context's list as it is.
    private static func metadata(of context: RequestContext, handler: any LogHandler) -> [(key: String, value: Logger.Metadata.Value)] {
        let own = handler.metadata
        let provided = handler.metadataProvider?.get() ?? [:]
        guard !own.isEmpty || !provided.isEmpty else { return context.loggerMetadata }
        var merged = own
        for (key, value) in context.loggerMetadata { merged[key] = value }
        merged.merge(provided) { _, provided in provided }
        return merged.map { ($0.key, $0.value) }
    }
}
