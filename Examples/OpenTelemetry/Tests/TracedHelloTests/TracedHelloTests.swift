import Foundation
import Logging
import ServiceLifecycle
import Tern
import TernTesting
import Testing
import TracedHello

/// The example end to end: a request carrying a W3C trace is served inside a span of that trace,
/// its access-log line carries the trace id, and swift-otel exports the span over OTLP/HTTP to a
/// collector (here a Tern server that keeps what it receives).
@Suite("Traced hello, exported over OTLP/HTTP")
struct TracedHelloTests {
    /// What the stand-in collector received on `POST /v1/traces`.
    final class Collector: Sendable {
        let exports = Locked<[(contentType: String?, body: [UInt8])]>([])

        var responder: any Responder {
            get throws {
                let router = Router()
                router.post("/v1/traces") { [exports] request, _ in
                    let body = try await request.body.collect()
                    exports.withLock { $0.append((request.headerFields[.contentType], body)) }
                    return Response(status: .ok, headerFields: [.contentType: "application/x-protobuf"], body: .bytes([]))
                }
                return try router.build()
            }
        }
    }

    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"

    /// `hex` as bytes: how OTLP's protobuf carries a trace id.
    static func bytes(ofHex hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    @Test func aTracedRequestIsLoggedWithItsTraceAndExported() async throws {
        let collector = Collector()
        let collectorServer = try LiveServer(responder: try collector.responder)
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("traced-hello-\(UUID().uuidString).log").path
        let logFile = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer {
            close(logFile)
            unlink(logPath)
        }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.workers = 1
        let server = Server(configuration: configuration, responder: try TracedHello.application(accessLog: AccessLog(fileDescriptor: logFile)))
        let group = try TracedHello.serviceGroup(server: server, environment: [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:\(collectorServer.address.port)/v1/traces",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ], logger: Logger(label: "test"))
        let address = try server.start()
        let running = Task { try await group.run() }

        let response = try await TestConnection(to: address).exchange(
            "GET /hello/tern HTTP/1.1\r\nHost: t\r\ntraceparent: 00-\(Self.traceID)-00f067aa0ba902b7-01\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.text == "Hello, tern!\n")

        let traceBytes = Self.bytes(ofHex: Self.traceID)
        let exported = try await TestTiming.eventually {
            collector.exports.withLock { exports in
                exports.contains { export in export.body.indices.contains { export.body[$0...].starts(with: traceBytes) } }
            }
        }
        #expect(exported, "the span reached the collector, in the caller's trace")
        #expect(collector.exports.withLock { $0.first?.contentType } == "application/x-protobuf")
        #expect(try await TestTiming.eventually {
            ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("trace_id=\(Self.traceID)")
        }, "the access line carries the trace id")

        await group.triggerGracefulShutdown()
        try await running.value
        await collectorServer.stop()
    }
}
