import Foundation
import HTTPTypes
import Logging
import Testing
@_spi(Tern) import TernHTTP
@testable import TernMiddleware
import TernRouter
import TernTesting

@Suite("AccessLog")
struct AccessLogTests {
    /// A line's fields as `AccessLog` fills them, at the time the handlers' tests use.
    static func line(
        path: Substring = "/users/1", client: AccessLogLine.Client = .peer(SocketAddress(host: "192.0.2.1", port: 1000)),
        route: String? = "/users/{id}", metadata: Logger.Metadata = ["request-id": "abc"]
    ) -> AccessLogLine {
        AccessLogLine(
            timestamp: ObservabilityTests.lineTime, level: .info, label: "tern", method: "GET", path: path, status: 200, bytes: 5,
            duration: .milliseconds(12) + .microseconds(345), client: client, route: route,
            metadata: metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    static func text(_ line: AccessLogLine, _ format: LogFormat) -> String {
        var out = OutputBuffer(capacity: 64)
        line.write(format, to: &out)
        return String(decoding: out.array, as: UTF8.self)
    }

    /// A thread reuses the text of the second it wrote last: lines in one second, the next
    /// second and a second before them each get their own.
    @Test(arguments: [
        (1_795_300_905, 0, "2026-11-21T22:41:45.000Z"),
        (1_795_300_905, 999_999_999, "2026-11-21T22:41:45.999Z"),
        (1_795_300_906, 7_000_000, "2026-11-21T22:41:46.007Z"),
        (1_795_300_905, 42_000_000, "2026-11-21T22:41:45.042Z"),
        (0, 0, "1970-01-01T00:00:00.000Z"),
    ])
    func timestampsInAndAcrossSeconds(seconds: Int, nanoseconds: Int, expected: String) {
        var out = OutputBuffer(capacity: 64)
        LogLine.appendTimestamp(timespec(tv_sec: seconds, tv_nsec: nanoseconds), to: &out)
        #expect(String(decoding: out.array, as: UTF8.self) == expected)
    }

    @Test func successiveTimestampsOnOneThread() {
        var out = OutputBuffer(capacity: 256)
        for (seconds, milliseconds) in [(1_795_300_905, 1), (1_795_300_905, 2), (1_795_300_906, 3), (1_795_300_904, 4)] {
            LogLine.appendTimestamp(timespec(tv_sec: seconds, tv_nsec: milliseconds * 1_000_000), to: &out)
            out.append(UInt8(ascii: " "))
        }
        #expect(
            String(decoding: out.array, as: UTF8.self)
                == "2026-11-21T22:41:45.001Z 2026-11-21T22:41:45.002Z 2026-11-21T22:41:46.003Z 2026-11-21T22:41:44.004Z ")
    }

    @Test func textAndJSONLines() {
        let line = Self.line()
        #expect(Self.text(line, .text) == "2026-11-21T22:41:45.123Z info tern: GET /users/1 200 bytes=5 client=192.0.2.1:1000 duration_ms=12.345 method=GET path=/users/1 request-id=abc route=/users/{id} status=200\n")
        #expect(Self.text(line, .json) == #"{"timestamp":"2026-11-21T22:41:45.123Z","level":"info","label":"tern","message":"GET /users/1 200","bytes":"5","client":"192.0.2.1:1000","duration_ms":"12.345","method":"GET","path":"/users/1","request-id":"abc","route":"/users/{id}","status":"200"}"# + "\n")
    }

    /// Whatever the fields and the logger's metadata hold, the line is the one the log handlers
    /// write for the same event: the access log changed how it writes, not what.
    @Test(arguments: [
        line(),
        line(path: "/a=b/\"q\"", client: .forwarded("203.0.113.9"), route: nil, metadata: [:]),
        line(path: "/x\u{01}y", client: .peer(SocketAddress(host: "::1", port: 8080)), metadata: ["a": "first", "span_id": "s", "trace_id": "t", "zz": .array(["1"])]),
        line(client: .unknown, metadata: ["status": "metadata loses to the field", "message": "reserved in JSON", "nested": .dictionary(["k": "v w"]), "empty": ""]),
        // One key alone is placed without a list: before every field, after them all, a
        // field's own, a reserved one.
        line(metadata: ["a": "first"]), line(metadata: ["zz": "last"]), line(metadata: ["status": "loses"]),
        line(metadata: ["message": "reserved in JSON"]),
    ])
    func linesMatchTheLogHandlers(line: AccessLogLine) {
        let client = switch line.client {
        case .forwarded(let address): address
        case .peer(let address): address.description
        case .unknown: "-"
        }
        let fields: Logger.Metadata = [
            "method": .string(line.method), "path": .string(String(line.path)), "route": .string(line.route ?? "-"),
            "status": "200", "bytes": "5", "duration_ms": "12.345", "client": .string(client),
        ]
        let metadata = Logger.Metadata(uniqueKeysWithValues: line.metadata.map { ($0.key, $0.value) }).merging(fields) { _, field in field }
        let message = "GET \(line.path) 200"
        let text = TextLogHandler.line(timestamp: line.timestamp, level: .info, label: "tern", message: message, metadata: metadata)
        let json = JSONLogHandler.line(timestamp: line.timestamp, level: .info, label: "tern", message: message, metadata: metadata)
        #expect(Self.text(line, .text) == String(decoding: text, as: UTF8.self))
        #expect(Self.text(line, .json) == String(decoding: json, as: UTF8.self))
    }

    @Test(arguments: [
        (Duration.zero, "0.000"), (.microseconds(7), "0.007"), (.milliseconds(12) + .microseconds(345), "12.345"),
        (.seconds(2), "2000.000"), (.nanoseconds(999), "0.000"), (.milliseconds(-3), "0.000"),
    ])
    func durationsInMilliseconds(duration: Duration, text: String) {
        var out = OutputBuffer(capacity: 4)
        AccessLogLine.appendMilliseconds(duration, to: &out)
        #expect(String(decoding: out.array, as: UTF8.self) == text)
    }

    /// A file the test reads back, removed afterwards.
    final class LogFile: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-access-\(UUID().uuidString).log").path
        let descriptor: Int32

        init() {
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        }

        deinit {
            close(descriptor)
            unlink(path)
        }

        var lines: [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    /// In process (no event loop): each line is written when its response is made, with the
    /// logger's metadata; an error thrown past it is logged as what the client gets.
    @Test func withoutALoopEachLineIsWrittenAtOnce() async throws {
        let file = LogFile()
        let log = AccessLog(fileDescriptor: file.descriptor)
        var context = context(route: "/users/{id}")
        context.logger[metadataKey: "request-id"] = "abc"
        _ = try await log.handle(request(.get, "/users/1"), context: context, next: answer("hello"))
        #expect(file.lines.count == 1)
        _ = try await log.handle(request(.get, "/missing"), context: context, next: ClosureResponder { _, _ in throw HTTPError(.notFound, detail: "no such thing") })
        let lines = file.lines
        #expect(lines.count == 2)
        #expect(lines.first?.contains(" info test: GET /users/1 200 bytes=5 client=192.0.2.1:1000 duration_ms=") == true)
        #expect(lines.first?.hasSuffix(" method=GET path=/users/1 request-id=abc route=/users/{id} status=200") == true)
        #expect(lines.last?.contains("GET /missing 404 bytes=") == true)
    }

    @Test func aLoggerAboveTheLevelWritesNothing() async throws {
        let file = LogFile()
        var context = context()
        context.logger.logLevel = .notice
        _ = try await AccessLog(fileDescriptor: file.descriptor).handle(request(), context: context, next: answer())
        #expect(file.lines.isEmpty)
    }

    /// A loop that runs deferred work only when the test says it went idle.
    final class ManualLoop: IdleWorkScheduler {
        var deferred: [() -> Void] = []
        func runWhenIdle(_ work: @escaping () -> Void) { deferred.append(work) }
        func goIdle() {
            let work = deferred
            deferred = []
            for item in work { item() }
        }
    }

    /// On a loop, lines wait in the loop's buffer: written whole, with one write, when the loop
    /// goes idle, or as soon as the buffer holds 64 KiB. Synchronous, so one thread throughout.
    @Test func onALoopLinesWaitForIdleOr64KiB() {
        let file = LogFile()
        let loop = ManualLoop()
        IdleWork.install(loop)
        defer { IdleWork.install(nil) }
        let buffers = LoopLineBuffers(descriptor: file.descriptor)
        let line = Array(repeating: UInt8(ascii: "x"), count: 99) + [UInt8(ascii: "\n")]
        for _ in 0..<3 { buffers.append { $0.append(line) } }
        #expect(file.lines.isEmpty, "nothing written while the loop is busy")
        #expect(loop.deferred.count == 1, "one flush asked for, whatever the number of lines")
        loop.goIdle()
        #expect(file.lines.count == 3)
        let before = file.lines.count
        for index in 0..<(LoopLineBuffers.limit / line.count) {
            buffers.append { $0.append(line) }
            #expect(file.lines.count == before, "line \(index) under the limit waits")
        }
        buffers.append { $0.append(line) }
        #expect(file.lines.count == before + LoopLineBuffers.limit / line.count + 1, "64 KiB reached: written without waiting")
        #expect(file.lines.allSatisfy { $0.utf8.count == 99 }, "whole lines only")
        loop.goIdle()
    }

    /// Buffers dropped while their loop still owes a flush: what they held is written once, by
    /// their `deinit`, and the flush the loop runs afterwards writes nothing.
    @Test func buffersDroppedBeforeTheLoopGoesIdleWriteEachLineOnce() {
        let file = LogFile()
        let loop = ManualLoop()
        IdleWork.install(loop)
        defer { IdleWork.install(nil) }
        var buffers: LoopLineBuffers? = LoopLineBuffers(descriptor: file.descriptor)
        for index in 0..<3 { buffers?.append { $0.append(Array("line \(index)\n".utf8)) } }
        #expect(loop.deferred.count == 1)
        buffers = nil
        #expect(file.lines == ["line 0", "line 1", "line 2"], "deinit wrote what was held")
        loop.goIdle()
        #expect(file.lines == ["line 0", "line 1", "line 2"], "the late flush wrote nothing again")
    }

    /// Raises the request logger to `info` (the live server's own logs only criticals).
    struct Verbose: Middleware {
        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            var context = context
            context.logger.logLevel = .info
            return try await next.respond(to: request, context: context)
        }
    }

    /// On the real server: lines of pipelined requests from many connections, every one of them
    /// whole, by the time the loops have gone idle; and none lost when the server stops.
    @Test func onTheServerEveryLineArrivesWholeAndNoneIsLostAtShutdown() async throws {
        let file = LogFile()
        let router = Router()
        router.use(Verbose())
        router.use(RequestID())
        router.use(AccessLog(format: .json, fileDescriptor: file.descriptor))
        router.get("/users/{id}") { _, _ in Response(status: .ok, body: .string("hello")) }
        let live = try LiveServer(responder: try router.build())
        let connections = 8, perConnection = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<connections {
                group.addTask {
                    let connection = try live.connect()
                    try await connection.send(String(repeating: "GET /users/\(client) HTTP/1.1\r\nHost: t\r\n\r\n", count: perConnection))
                    for _ in 0..<perConnection { #expect(try await connection.readResponse().status == 200) }
                }
            }
            try await group.waitForAll()
        }
        // Every response was sent, so every line is in a loop's buffer or written: the loops
        // write them once idle, which they are when nobody sends anything.
        let giveUp = ContinuousClock.now + TestTiming.patience
        while file.lines.count < connections * perConnection, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(file.lines.count == connections * perConnection, "written once the loops went idle")
        let connection = try live.connect()
        try await connection.send(String(repeating: "GET /users/last HTTP/1.1\r\nHost: t\r\n\r\n", count: 20))
        for _ in 0..<20 { _ = try await connection.readResponse() }
        await live.stop()
        let lines = file.lines
        #expect(lines.count == connections * perConnection + 20, "none lost at shutdown")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(objects.count == lines.count, "every line whole")
        #expect(objects.allSatisfy { $0["route"] == "/users/{id}" && $0["status"] == "200" && $0["request-id"] != nil })
    }
}
