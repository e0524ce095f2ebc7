// A traced hello-world on 127.0.0.1:8080: `swift run TracedHelloServer`, an OpenTelemetry
// collector on localhost:4318 (or OTEL_EXPORTER_OTLP_ENDPOINT), then
// `curl -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' localhost:8080/hello/tern`.
import Foundation
import Logging
import Tern
import TracedHello

LoggingSystem.bootstrap { label in TextLogHandler(label: label) }
let logger = Logger(label: "traced-hello")
let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 8080), responder: try TracedHello.application())
let group = try TracedHello.serviceGroup(server: server, environment: ProcessInfo.processInfo.environment, logger: logger)
let address = try server.start()
logger.info("listening on http://\(address)")
try await group.run()
