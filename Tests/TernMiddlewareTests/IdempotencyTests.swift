import HTTPTypes
import Synchronization
import Testing
@testable import TernMiddleware
import TernHTTP

@Suite("Idempotency")
struct IdempotencyTests {
    @Test(arguments: [
        ("abc", "abc"), ("a-1_B.c~", "a-1_B.c~"), (#""abc""#, "abc"), (#""a\"b""#, #"a"b"#), (#""a\\b""#, #"a\b"#),
        (String(repeating: "k", count: 255), String(repeating: "k", count: 255)),
    ])
    func keys(field: String, value: String) {
        #expect(IdempotencyKey(fieldValue: field)?.value == value)
    }

    @Test(arguments: ["", #""""#, "has space", #""has space""#, String(repeating: "k", count: 256), "é", #""abc"#, #""a\x""#, #""a"b""#, "tab\t"])
    func malformedKeys(field: String) {
        #expect(IdempotencyKey(fieldValue: field) == nil)
    }

    /// A handler that counts executions and answers with `status` and the body it was sent.
    final class Counter: Sendable {
        let executions = Atomic<Int>(0)
    }

    func handler(_ counter: Counter, status: HTTPResponse.Status = .created) -> ClosureResponder {
        ClosureResponder { request, _ in
            let count = counter.executions.add(1, ordering: .relaxed).newValue
            return Response(
                status: status, headerFields: [.contentType: "application/json", .location: "/things/\(count)", .cacheControl: "no-store"],
                body: .bytes(Array("{\"n\":\(count)}".utf8)))
        }
    }

    func post(_ key: String?, body: String = #"{"a":1}"#, principal: String = "alice") -> (Request, RequestContext) {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let key { fields[Idempotency.keyField] = key }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "t", path: "/things", headerFields: fields)
        head.path = "/things"
        var context = context(route: "/things")
        context.storage[PrincipalKey.self] = Principal(name: principal, scopes: [.write])
        return (Request(head: head, body: Array(body.utf8)), context)
    }

    @Test func executesOnceThenReplays() async throws {
        let counter = Counter()
        let idempotency = Idempotency(store: InMemoryIdempotencyStore())
        let (request, context) = post("k1")
        let first = try await idempotency.handle(request, context: context, next: handler(counter))
        #expect(first.status == .created)
        #expect(first.headerFields[Idempotency.replayedField] == nil)
        for _ in 0..<2 {
            let replay = try await idempotency.handle(request, context: context, next: handler(counter))
            #expect(replay.status == .created)
            #expect(replay.status.reasonPhrase == "Created")
            #expect(replay.body.bufferedBytes == first.body.bufferedBytes)
            #expect(replay.headerFields[.location] == "/things/1")
            #expect(replay.headerFields[.contentType] == "application/json")
            #expect(replay.headerFields[.cacheControl] == nil, "only the fields that describe the result")
            #expect(replay.headerFields[Idempotency.replayedField] == "true")
        }
        #expect(counter.executions.load(ordering: .relaxed) == 1)
    }

    @Test func keysAndFingerprints() async throws {
        let counter = Counter()
        let idempotency = Idempotency(store: InMemoryIdempotencyStore(), canonicalContent: { $0.filter { $0 != UInt8(ascii: " ") } })
        _ = try await idempotency.handle(post("k").0, context: post("k").1, next: handler(counter))
        let spaced = post(#""k""#, body: #"{ "a": 1 }"#)
        let replay = try await idempotency.handle(spaced.0, context: spaced.1, next: handler(counter))
        #expect(replay.headerFields[Idempotency.replayedField] == "true", "the sf-string form and canonical content are the same request")
        let different = post("k", body: #"{"a":2}"#)
        let mismatch = await #expect(throws: HTTPError.self) { try await idempotency.handle(different.0, context: different.1, next: handler(counter)) }
        #expect(mismatch?.status == .unprocessableContent)
        let otherClient = post("k", principal: "bob")
        #expect(try await idempotency.handle(otherClient.0, context: otherClient.1, next: handler(counter)).headerFields[Idempotency.replayedField] == nil, "keys are per client")
        for key in [nil, "", "bad key"] as [String?] {
            let (request, context) = post(key)
            let error = await #expect(throws: HTTPError.self) { try await idempotency.handle(request, context: context, next: handler(counter)) }
            #expect(error?.status == .badRequest)
        }
        #expect(counter.executions.load(ordering: .relaxed) == 2)
    }

    @Test func whatIsStored() async throws {
        let counter = Counter()
        let idempotency = Idempotency(store: InMemoryIdempotencyStore())
        // A thrown error (a validation failure) is not stored: the retry executes.
        let (request, context) = post("v")
        _ = await #expect(throws: HTTPError.self) {
            try await idempotency.handle(request, context: context, next: ClosureResponder { _, _ in throw HTTPError(.unprocessableContent, detail: "invalid") })
        }
        #expect(try await idempotency.handle(request, context: context, next: handler(counter)).status == .created)
        // A 5xx the handler returned is not stored either; a 4xx it chose is.
        let (failing, failingContext) = post("five")
        _ = try await idempotency.handle(failing, context: failingContext, next: handler(counter, status: .serviceUnavailable))
        #expect(try await idempotency.handle(failing, context: failingContext, next: handler(counter)).headerFields[Idempotency.replayedField] == nil)
        let (refused, refusedContext) = post("four")
        _ = try await idempotency.handle(refused, context: refusedContext, next: handler(counter, status: .conflict))
        let replay = try await idempotency.handle(refused, context: refusedContext, next: handler(counter))
        #expect(replay.status == .conflict)
        #expect(replay.headerFields[Idempotency.replayedField] == "true")
    }

    @Test func aRequestStillRunningIsAConflict() async throws {
        let idempotency = Idempotency(store: InMemoryIdempotencyStore())
        let (request, context) = post("slow")
        let entered = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let slow = ClosureResponder { _, _ in
            entered.continuation.yield()
            for await _ in release.stream { break }
            return Response(status: .created, body: .string("done"))
        }
        let first = Task { try await idempotency.handle(request, context: context, next: slow) }
        for await _ in entered.stream { break }
        let error = await #expect(throws: HTTPError.self) { try await idempotency.handle(request, context: context, next: slow) }
        #expect(error?.status == .conflict)
        #expect(error?.headerFields[.retryAfter] == "1")
        release.continuation.yield()
        #expect(try await first.value.status == .created)
        #expect(try await idempotency.handle(request, context: context, next: slow).headerFields[Idempotency.replayedField] == "true")
    }

    @Test func recordsExpire() async throws {
        let clock = Atomic<Int64>(1_000)
        let store = InMemoryIdempotencyStore()
        let idempotency = Idempotency(store: store, expiry: .seconds(60), now: { clock.load(ordering: .relaxed) })
        let counter = Counter()
        let (request, context) = post("e")
        _ = try await idempotency.handle(request, context: context, next: handler(counter))
        clock.store(1_059, ordering: .relaxed)
        #expect(try await idempotency.handle(request, context: context, next: handler(counter)).headerFields[Idempotency.replayedField] == "true")
        clock.store(1_060, ordering: .relaxed)
        #expect(try await idempotency.handle(request, context: context, next: handler(counter)).headerFields[Idempotency.replayedField] == nil, "expired: executes again")
        #expect(try await store.purgeExpired(now: 2_000) == 1)
        #expect(counter.executions.load(ordering: .relaxed) == 2)
    }
}
