import HTTPTypes
public import Logging
import OTelSemanticConventions
public import TernHTTP
import TernMiddleware
public import Tracing

/// One server span per request (swift-distributed-tracing), continuing the trace the request
/// carries: the tracer's propagator reads W3C Trace Context's `traceparent` and `tracestate`
/// (https://www.w3.org/TR/trace-context/#traceparent-header), or whatever format it speaks.
///
/// The span is named `{method} {route template}` (`GET /users/{id}`; the method alone when no
/// route matched), of kind `server`, with OpenTelemetry's stable HTTP server attributes
/// (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server): `http.request.method`
/// (and `http.request.method_original` for a method it does not know), `url.path`, `url.scheme`,
/// `http.route`, `network.protocol.version`, `server.address`, `server.port`, `client.address`,
/// `user_agent.original` and `http.response.status_code`. A thrown error is recorded on the span
/// and answered as `Response(rendering:for:context:)` does; a 5xx sets `error.type` and the span's
/// status to error (a 4xx is the client's, not the server's, error).
///
/// The rest of the request runs with the span's context as `InstrumentationContext.current`, so
/// clients the handler calls propagate it, and with `loggerMetadata`'s metadata (a provider that
/// reads the current context, such as swift-otel's, which gives `trace_id` and `span_id`) in the
/// request's logger, so `AccessLog` after it writes them on the request's line:
///
/// ```swift
/// router.use(RequestTracing(loggerMetadata: OTel.makeLoggingMetadataProvider()))
/// router.use(RequestID())
/// router.use(AccessLog())
/// ```
public struct RequestTracing: Middleware {
    private let tracer: (any Tracer)?
    private let loggerMetadata: Logger.MetadataProvider?

    /// Spans from `tracer`, or when it is nil from the tracer `InstrumentationSystem` was
    /// bootstrapped with by the time a request arrives; `loggerMetadata` read inside each span.
    public init(tracer: (any Tracer)? = nil, loggerMetadata: Logger.MetadataProvider? = nil) {
        self.tracer = tracer
        self.loggerMetadata = loggerMetadata
    }

    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        let tracer: any Tracer = self.tracer ?? InstrumentationSystem.tracer
        return try await trace(request, context: context, next: next, with: tracer)
    }

    private func trace(_ request: Request, context: RequestContext, next: any Responder, with tracer: some Tracer) async throws -> Response {
        var parent = InstrumentationContext.current ?? .topLevel
        tracer.extract(request.headerFields, into: &parent, using: HTTPFieldsExtractor())
        let method = request.method.rawValue
        let name = context.route.map { method + " " + $0 } ?? method
        return await tracer.withSpan(name, context: parent, ofKind: .server) { span in
            span.updateAttributes { attributes in Self.describe(request, context: context, in: &attributes) }
            var context = context
            if let loggerMetadata {
                for (key, value) in loggerMetadata.get() { context.setLoggerMetadata(value, forKey: key) }
            }
            let response: Response
            do {
                response = try await next.respond(to: request, context: context)
            } catch {
                span.recordError(error)
                response = Response(rendering: error, for: request, context: context)
            }
            let status = response.statusCode
            span.attributes.http.response.statusCode = status
            if (500..<600).contains(status) {
                span.attributes.error.type = .init(rawValue: String(status))
                span.setStatus(SpanStatus(code: .error))
            }
            return response
        }
    }

    /// The request's attributes, as OpenTelemetry's HTTP server conventions name them.
    static func describe(_ request: Request, context: RequestContext, in attributes: inout SpanAttributes) {
        let method = request.method.rawValue
        let known = SpanAttributes.HttpAttributes.RequestAttributes.NestedSpanAttributes.MethodEnum(rawValue: method)
        if knownMethods.contains(method) {
            attributes.http.request.method = known
        } else {
            attributes.http.request.method = .other
            attributes.http.request.methodOriginal = method
        }
        attributes.url.path = String(request.path)
        attributes.url.scheme = request.head.scheme ?? "http"
        if let route = context.route { attributes.http.route = route }
        attributes.network.protocol.version = "1.1"
        if let authority = request.head.authority, let (host, port) = Self.hostAndPort(of: authority) {
            attributes.server.address = host
            if let port { attributes.server.port = port }
        }
        if let client = TrustedProxies.clientAddress(in: context) {
            attributes.client.address = client
        }
        if let agent = request.headerFields[.userAgent] { attributes.userAgent.original = agent }
    }

    /// The methods OpenTelemetry knows by name; others are `_OTHER`.
    private static let knownMethods: Set<String> = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]

    /// `example.com:8080` → (`example.com`, 8080); `[::1]:80` → (`::1`, 80); no port → nil port.
    static func hostAndPort(of authority: String) -> (String, Int?)? {
        guard !authority.isEmpty else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        guard let colon = authority.lastIndex(of: ":") else { return (authority, nil) }
        return (String(authority[..<colon]), Int(authority[authority.index(after: colon)...]))
    }
}

/// Reads a request's header fields for a tracer's propagator.
struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from fields: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { fields[$0] }
    }
}
