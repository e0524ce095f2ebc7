import HTTPTypes
import Synchronization
import Testing
import TernHTTP
import TernRouter
import TernTesting

/// Content limits per route and group: a route's own limit, else its group's, else the
/// server's; a content announced longer is refused with 413 before the handler runs.
@Suite("Router: content limits per route")
struct RouterBodyLimitTests {
    final class Calls: Sendable {
        let count = Atomic<Int>(0)
    }

    static func table(calls: Calls) throws -> RouterResponder {
        let router = Router()
        let length: @Sendable (Request, RequestContext) async throws -> Response = { request, _ in
            calls.count.add(1, ordering: .relaxed)
            return Response(status: .ok, body: .string(String(try await request.body.collect().count)))
        }
        router.post("/small", bodyLimit: 4, length)
        router.post("/default", length)
        router.group("/big", bodyLimit: 100) { big in
            big.post("/in", length)
            big.post("/own", bodyLimit: 2, length)
        }
        return try router.build()
    }

    @Test(arguments: TestMode.allCases)
    func eachRouteReadsUpToItsOwnLimit(mode: TestMode) async throws {
        let calls = Calls()
        try await Self.table(calls: calls).test(mode) { client in
            #expect(try await client.post("/small", body: "hey").text == "3")
            let refused = try await client.post("/small", body: "hello")
            #expect(refused.status == 413)
            #expect(refused.field("content-type") == "application/problem+json")
            #expect(refused.text.contains("4 bytes"), "says the limit")
            #expect(try await client.post("/big/in", body: String(repeating: "x", count: 100)).text == "100", "the group's limit")
            #expect(try await client.post("/big/in", body: String(repeating: "x", count: 101)).status == 413)
            #expect(try await client.post("/big/own", body: "abc").status == 413, "the route's own limit beats its group's")
            #expect(try await client.post("/default", body: String(repeating: "x", count: 1000)).text == "1000")
        }
        #expect(calls.count.load(ordering: .relaxed) == 3, "no refused request reached its handler")
    }

    /// A route may take more than the server's default: the server's limit is only the
    /// default for routes that set none.
    @Test func aRouteMayRaiseTheServersLimit() async throws {
        let calls = Calls()
        try await LiveServer.with(responder: try Self.table(calls: calls), configure: { $0.limits.maxBodyLength = 8 }) { live in
            let connection = try live.connect()
            let big = try await connection.exchange("POST /big/in HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n" + String(repeating: "x", count: 50))
            #expect(big.text == "50")
            let refused = try await connection.exchange("POST /default HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n")
            #expect(refused.status == 413, "refused before the client sends the content")
            #expect(refused.field("connection") == "close")
        }
    }
}
