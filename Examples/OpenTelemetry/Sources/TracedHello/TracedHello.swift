import Logging
import OTel
import ServiceLifecycle
import Tern
import TernTracing

/// A traced hello-world: the routes, and the services that run them with OpenTelemetry.
public enum TracedHello {
    /// `GET /hello/{name}`, traced: RequestTracing first, so the request id and the access-log
    /// line are written inside the span and carry its `trace_id` and `span_id`.
    public static func application(accessLog: AccessLog = AccessLog()) throws -> any Responder {
        let router = Router()
        router.use(RequestTracing(loggerMetadata: OTel.makeLoggingMetadataProvider()))
        router.use(RequestID())
        router.use(accessLog)
        router.use(ErrorMiddleware())
        router.get("/hello/{name}") { _, context in
            Response(status: .ok, headerFields: [.contentType: "text/plain"], body: .string("Hello, \(context.parameters["name"] ?? "world")!\n"))
        }
        return try router.build()
    }

    /// Traces only, exported over OTLP/HTTP (protobuf) to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (by default `http://localhost:4318/v1/traces`), W3C Trace
    /// Context propagation; logs stay with the service's own handler, metrics with its own backend.
    public static var configuration: OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "traced-hello"
        configuration.propagators = [.traceContext]
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        return configuration
    }

    /// Bootstraps OpenTelemetry (once per process) and returns the service group that runs its
    /// exporter and `server`: SIGTERM stops the server first, then flushes the spans left.
    public static func serviceGroup(server: Server, environment: [String: String], logger: Logger) throws -> ServiceGroup {
        let observability = try OTel.bootstrap(configuration: configuration, environment: environment)
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: observability), .init(service: server)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}
