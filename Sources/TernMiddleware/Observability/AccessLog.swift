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
        guard context.logger.logLevel <= level else { return try outcome.get() }
        let response = outcome.rendered(for: request, context: context)
        let status = response.status
        let sent = request.method == .head || status == .notModified || status == .noContent ? 0 : response.body.count ?? 0
        let client: AccessLogLine.Client =
            if let forwarded = TrustedProxies.forwardedClient(in: context) { .forwarded(forwarded) }
            else if let peer = context.remoteAddress { .peer(peer) }
            else { .unknown }
        let line = AccessLogLine(
            timestamp: .now, level: level, label: context.logger.label, method: request.method.rawValue, path: request.path,
            status: status.code, bytes: sent, duration: ContinuousClock.now - started, client: client,
            route: context.route, metadata: Self.metadata(of: context.logger))
        output.append { line.write(format, to: &$0) }
        return response
    }

    /// The logger's metadata and its provider's, the provider's winning, as a log handler merges them.
    private static func metadata(of logger: Logger) -> Logger.Metadata {
        let own = logger.handler.metadata
        guard let provided = logger.handler.metadataProvider?.get(), !provided.isEmpty else { return own }
        return own.merging(provided) { _, provided in provided }
    }
}
