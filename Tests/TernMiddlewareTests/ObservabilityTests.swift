import CoreMetrics
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing
@testable import TernMiddleware
@_spi(Tern) import TernHTTP

@Suite("HTTPMetrics, JSONLogHandler, TextLogHandler")
struct ObservabilityTests {
    @Test func metricsUseRouteTemplatesAndFinalStatuses() async throws {
        let metrics = TestMetrics()
        let middleware = HTTPMetrics(factory: metrics)
        _ = try await middleware.handle(request(.get, "/users/42"), context: context(route: "/users/{id}"), next: answer())
        _ = try await middleware.handle(request(.get, "/users/7"), context: context(route: "/users/{id}"), next: answer())
        _ = try await middleware.handle(
            request(.get, "/users/8"), context: context(route: "/users/{id}"), next: ClosureResponder { _, _ in throw HTTPError(.notFound, detail: "no user 8") })
        _ = try await middleware.handle(request(.get, "/nope/x"), context: context(route: nil), next: ClosureResponder { _, _ in throw HTTPError(.notFound, detail: "no such thing") })
        let failed = try await middleware.handle(
            request(.post, "/users"), context: context(route: "/users"), next: ClosureResponder { _, _ in throw CancellationError() })
        #expect(failed.status == .internalServerError, "an error is rendered where it is measured, by the one renderer")
        _ = try await middleware.handle(request(.delete, "/users/7"), context: context(route: "/users/{id}"), next: answer())
        let ok = try metrics.expectCounter("http_requests_total", [("method", "GET"), ("route", "/users/{id}"), ("status", "200")])
        #expect(ok.totalValue == 2, "one series for every id")
        #expect(try metrics.expectCounter("http_requests_total", [("method", "GET"), ("route", "/users/{id}"), ("status", "404")]).totalValue == 1)
        #expect(try metrics.expectCounter("http_requests_total", [("method", "GET"), ("route", "unmatched"), ("status", "404")]).totalValue == 1)
        #expect(try metrics.expectCounter("http_requests_total", [("method", "POST"), ("route", "/users"), ("status", "500")]).totalValue == 1)
        #expect(
            try metrics.expectCounter("http_requests_total", [("method", "DELETE"), ("route", "/users/{id}"), ("status", "200")]).totalValue == 1,
            "another method of the same route is a series of its own")
        let timer = try metrics.expectTimer("http_request_duration_seconds", [("method", "GET"), ("route", "/users/{id}")])
        #expect(timer.values.count == 3, "one timer for the route, whatever the status")
        #expect(try metrics.expectTimer("http_request_duration_seconds", [("method", "DELETE"), ("route", "/users/{id}")]).values.count == 1)
        #expect(try metrics.expectMeter("http_requests_in_flight").lastValue == 0)
    }

    /// Two middleware reporting to different factories, on one thread and one route, in turn:
    /// each counts its own requests (a thread remembers the series it looked up last), and a
    /// status after another on the same route is a series of its own.
    @Test func eachMiddlewareCountsIntoItsOwnSeries() throws {
        let (first, second) = (TestMetrics(), TestMetrics())
        let (a, b) = (HTTPMetrics(factory: first), HTTPMetrics(factory: second))
        for (middleware, status) in [(a, 200), (b, 200), (b, 200), (a, 404), (a, 200)] {
            _ = middleware.end(
                .success(Response(status: HTTPResponse.Status(code: status))), to: request(.get, "/users/1"), context: context(route: "/users/{id}"),
                started: .now)
        }
        let labels = { (status: String) in [("method", "GET"), ("route", "/users/{id}"), ("status", status)] }
        #expect(try first.expectCounter("http_requests_total", labels("200")).totalValue == 2)
        #expect(try first.expectCounter("http_requests_total", labels("404")).totalValue == 1)
        #expect(try second.expectCounter("http_requests_total", labels("200")).totalValue == 2)
        // How many durations were recorded (one a request), whatever each one measured.
        #expect(try second.expectTimer("http_request_duration_seconds", [("method", "GET"), ("route", "/users/{id}")]).values.count == 2)
    }

    /// 2026-11-21T22:41:45.123456789Z, written with milliseconds in both line formats.
    static let lineTime = timespec(tv_sec: 1_795_300_905, tv_nsec: 123_456_789)

    /// The text format: time, level, label, message, then logfmt pairs in key order; what
    /// could break the line or a pair is quoted as a JSON string.
    @Test func textLines() throws {
        let time = Self.lineTime
        let line = TextLogHandler.line(
            timestamp: time, level: .info, label: "tern", message: "GET /users/1 200",
            metadata: ["status": "200", "request-id": "abc", "path": "/a b", "empty": "", "quote": "say \"hi\"", "eq": "a=b",
                       "nested": .dictionary(["b": "2", "a": .array(["x"])])])
        #expect(String(decoding: line, as: UTF8.self) == #"2026-11-21T22:41:45.123Z info tern: GET /users/1 200 empty="" eq="a=b" nested="{\"a\":[\"x\"],\"b\":\"2\"}" path="/a b" quote="say \"hi\"" request-id=abc status=200"# + "\n")
        let injected = TextLogHandler.line(timestamp: time, level: .error, label: "tern", message: "bad\nline", metadata: ["value": "x\ny"])
        #expect(String(decoding: injected, as: UTF8.self) == #"2026-11-21T22:41:45.123Z error tern: "bad\nline" value="x\ny""# + "\n", "one event, one line")
    }

    /// Every byte value, alone and inside a word: a logfmt value stays bare unless it is empty
    /// or holds a control character, a space, `"`, `=`, `\` or DEL; UTF-8 beyond ASCII stays bare.
    @Test func logfmtQuotesExactlyTheBytesThatNeedIt() {
        func written(_ bytes: [UInt8]) -> [UInt8] {
            var out = OutputBuffer(capacity: 16)
            bytes.withUnsafeBufferPointer { LogLine.appendLogfmtValue($0, to: &out) }
            return out.array
        }
        #expect(written([]) == Array(#""""#.utf8))
        for byte in UInt8.min...UInt8.max {
            let quoted = byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\\")
            // Alone, at each place of a word shorter than eight bytes (read as one padded word), and
            // at each place of words read eight bytes at a time.
            let short = (0..<7).map { place in (0..<7).map { $0 == place ? byte : UInt8(ascii: "b") } }
            let long = (0..<19).map { place in (0..<19).map { $0 == place ? byte : UInt8(ascii: "a") } }
            for value in [[byte], [UInt8(ascii: "a"), byte, UInt8(ascii: "b")]] + short + long + [Array(long[8].prefix(9))] {
                #expect((written(value).first == UInt8(ascii: "\"")) == quoted, "byte \(byte) in \(value)")
                if !quoted { #expect(written(value) == value) }
            }
        }
        #expect(written(Array("é/ü".utf8)) == Array("é/ü".utf8))
    }

    /// A line's level is written from a literal: the level's own name.
    @Test(arguments: Logger.Level.allCases) func levelsAreWrittenByName(level: Logger.Level) {
        #expect(LogLine.spaced(level).description == " \(level.rawValue) ")
    }

    /// The handler's metadata, then the event's: a later value replaces an earlier one.
    @Test func laterMetadataWins() {
        let members = LogLine.members(["a": "handler", "z": "handler"], provider: nil, event: ["a": "event", "m": "event"])
        #expect(members.map(\.key) == ["a", "m", "z"])
        #expect(members.map(\.value) == ["event", "event", "handler"])
    }

    @Test func jsonLines() throws {
        let time = Self.lineTime
        let line = JSONLogHandler.line(
            timestamp: time, level: .info, label: "tern", message: "GET / 200 \"quoted\"",
            metadata: ["status": "200", "request-id": "abc", "nested": .dictionary(["b": "2", "a": .array(["x"])])])
        let text = String(decoding: line, as: UTF8.self)
        #expect(text == #"{"timestamp":"2026-11-21T22:41:45.123Z","level":"info","label":"tern","message":"GET / 200 \"quoted\"","nested":{"a":["x"],"b":"2"},"request-id":"abc","status":"200"}"# + "\n")
    }
}
