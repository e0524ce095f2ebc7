import Foundation
import HTTPTypes
import InMemoryTracing
import Logging
import Testing
import TernHTTP
import TernMiddleware
import TernRouter
import TernTesting
@testable import TernTracing
import Tracing

@Suite("RequestTracing")
struct RequestTracingTests {
    struct Failure: Error {}

    /// A router traced by `tracer`, the access log (to `logFile`) inside the span.
    static func application(_ tracer: InMemoryTracer, logFile: Int32 = -1) throws -> any Responder {
        let router = Router()
        let traceIDs = Logger.MetadataProvider {
            guard let span = InstrumentationContext.current?.inMemorySpanContext else { return [:] }
            return ["trace_id": .string(span.traceID), "span_id": .string(span.spanID)]
        }
        if logFile >= 0 { router.use(Verbose()) }
        router.use(RequestTracing(tracer: tracer, loggerMetadata: traceIDs))
        if logFile >= 0 { router.use(AccessLog(fileDescriptor: logFile)) }
        router.get("/users/{id}") { _, _ in Response(status: .ok, body: .string("user")) }
        router.get("/fail") { _, _ in throw Failure() }
        router.get("/gone") { _, _ in throw HTTPError(.gone, detail: "no longer here") }
        return try router.build()
    }

    /// Raises the request logger to `info` (the test client's logs only criticals).
    struct Verbose: Middleware {
        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            var context = context
            context.logger.logLevel = .info
            return try await next.respond(to: request, context: context)
        }
    }

    static func span(_ tracer: InMemoryTracer) throws -> FinishedInMemorySpan {
        let spans = tracer.finishedSpans
        #expect(spans.count == 1)
        return try #require(spans.first)
    }

    @Test func oneServerSpanPerRequestNamedByItsRouteWithTheHTTPAttributes() async throws {
        let tracer = InMemoryTracer()
        try await Self.application(tracer).test { client in
            let response = try await client.get("/users/7", headers: [.userAgent: "curl/8"])
            #expect(response.status == 200)
        }
        let span = try Self.span(tracer)
        #expect(span.operationName == "GET /users/{id}")
        #expect(span.kind == .server)
        #expect(span.attributes["http.request.method"]?.toSpanAttribute() == "GET")
        #expect(span.attributes["url.path"]?.toSpanAttribute() == "/users/7")
        #expect(span.attributes["http.route"]?.toSpanAttribute() == "/users/{id}")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 200)
        #expect(span.attributes["network.protocol.version"]?.toSpanAttribute() == "1.1")
        #expect(span.attributes["client.address"]?.toSpanAttribute() == "127.0.0.1")
        #expect(span.attributes["user_agent.original"]?.toSpanAttribute() == "curl/8")
        #expect(span.attributes["error.type"] == nil)
        #expect(span.status == nil)
        #expect(span.errors.isEmpty)
    }

    /// The request's trace is continued: the tracer's propagator gets the request's fields
    /// (`traceparent` and `tracestate` among them) and the span is the remote span's child.
    @Test func theRequestsTraceIsContinued() async throws {
        let tracer = InMemoryTracer()
        try await Self.application(tracer).test { client in
            _ = try await client.get("/users/7", headers: [
                HTTPField.Name("traceparent")!: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                HTTPField.Name("tracestate")!: "congo=t61rcWkgMzE",
                HTTPField.Name(InMemoryTracer.traceIDKey)!: "trace-from-client",
                HTTPField.Name(InMemoryTracer.spanIDKey)!: "span-of-client",
            ])
        }
        let span = try Self.span(tracer)
        #expect(span.traceID == "trace-from-client")
        #expect(span.parentSpanID == "span-of-client")
        let carrier = try #require(tracer.performedContextExtractions.first?.carrier as? HTTPFields)
        #expect(carrier[HTTPField.Name("traceparent")!] == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(carrier[HTTPField.Name("tracestate")!] == "congo=t61rcWkgMzE")
    }

    @Test func aThrownErrorIsRecordedAndAServerErrorMarksTheSpan() async throws {
        let tracer = InMemoryTracer()
        try await Self.application(tracer).test { client in
            let status = try await client.get("/fail").status
            #expect(status == 500)
        }
        let span = try Self.span(tracer)
        #expect(span.errors.count == 1 && span.errors.first?.error is Failure)
        #expect(span.status?.code == .error)
        #expect(span.attributes["error.type"]?.toSpanAttribute() == "500")
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == 500)
    }

    /// A 4xx is the client's error: recorded when thrown, but the span's status stays unset.
    @Test(arguments: ["/gone", "/nowhere"])
    func aClientErrorLeavesTheStatusUnset(path: String) async throws {
        let tracer = InMemoryTracer()
        try await Self.application(tracer).test { client in
            let status = try await client.get(path).status
            #expect((400..<500).contains(status))
        }
        let span = try Self.span(tracer)
        #expect(span.status == nil)
        #expect(span.attributes["error.type"] == nil)
        if path == "/nowhere" { #expect(span.operationName == "GET", "no route: the method alone") }
    }

    @Test func aMethodOpenTelemetryDoesNotKnowIsOther() async throws {
        let tracer = InMemoryTracer()
        try await Self.application(tracer).test { client in
            _ = try await client.execute(HTTPRequest.Method("PURGE")!, "/users/7", headers: [:], body: [])
        }
        let span = try Self.span(tracer)
        #expect(span.attributes["http.request.method"]?.toSpanAttribute() == "_OTHER")
        #expect(span.attributes["http.request.method_original"]?.toSpanAttribute() == "PURGE")
    }

    /// The span's ids reach the request's logger, so the access line carries them.
    @Test func theAccessLineCarriesTheTraceIDs() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-tracing-\(UUID().uuidString).log").path
        let file = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer {
            close(file)
            unlink(path)
        }
        let tracer = InMemoryTracer()
        let application = try Self.application(tracer, logFile: file)
        try await application.test { client in
            _ = try await client.get("/users/7")
        }
        let span = try Self.span(tracer)
        let line = try String(contentsOfFile: path, encoding: .utf8)
        #expect(line.contains(" span_id=\(span.spanID) "), "\(line)")
        #expect(line.contains(" trace_id=\(span.traceID)"), "\(line)")
    }

    @Test(arguments: [
        ("example.com", "example.com", nil), ("example.com:8080", "example.com", 8080),
        ("[::1]:80", "::1", 80), ("[::1]", "::1", nil), ("127.0.0.1:9", "127.0.0.1", 9),
    ] as [(String, String, Int?)])
    func serverAddressAndPortFromTheAuthority(authority: String, host: String, port: Int?) throws {
        let parsed = try #require(RequestTracing.hostAndPort(of: authority))
        #expect(parsed.0 == host && parsed.1 == port)
    }
}
