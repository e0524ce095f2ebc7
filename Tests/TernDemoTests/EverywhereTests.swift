import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Testing
import TernDemo
import TernTesting

@Suite("Demo: everywhere, negotiation, rate limits (live)")
struct EverywhereTests {
    @Test func requestIDs() async throws {
        try await withDemo { client in
            #expect(try await client.get("/users/1", headers: [HTTPField.Name("X-Request-Id")!: "trace-123"]).field("x-request-id") == "trace-123")
            let replaced = try await client.get("/users/1", headers: [HTTPField.Name("X-Request-Id")!: String(repeating: "x", count: 129)])
            #expect(replaced.field("x-request-id")?.count ?? 0 < 129)
            for response in [try await client.get("/nope"), try await client.post("/users"), try await client.get("/healthz")] {
                #expect(response.field("x-request-id") != nil, "every response, errors too")
                #expect(response.field("date") != nil)
            }
        }
    }

    @Test func rateLimitedWithDraftFields() async throws {
        try await withDemo(configure: { $0.rateLimit = .perWindow(requests: 3, seconds: 60) }) { client in
            // A token comes back every 20 s, counted from the first request. Judged without the
            // test's clock: each advertised wait is whole seconds within one refill (1...20),
            // the waits never grow as the tokens run out, and the 429's Retry-After is its wait.
            var previous = 20
            func expectWait(_ response: TestResponse, remaining: Int) -> Int? {
                guard let value = response.field("ratelimit"), value.hasPrefix(#""default";r=\#(remaining);t="#),
                    let wait = Int(value.split(separator: "=").last ?? "")
                else {
                    Issue.record("RateLimit: \(response.field("ratelimit") ?? "-")")
                    return nil
                }
                #expect((1...previous).contains(wait), "t=\(wait) after t=\(previous)")
                previous = wait
                return wait
            }
            for remaining in [2, 1, 0] {
                let response = try await client.get("/users/1")
                #expect(response.status == 200)
                #expect(response.field("ratelimit-policy") == #""default";q=3;w=60"#)
                _ = expectWait(response, remaining: remaining)
            }
            let refused = try await client.get("/users/1")
            #expect(refused.status == 429)
            let wait = try #require(expectWait(refused, remaining: 0))
            #expect(refused.field("retry-after") == String(wait))
            #expect(refused.field("content-type") == "application/problem+json")
            #expect(refused.json["status"] as? Int == 429)
            let health = try await client.get("/healthz")
            #expect(health.status == 200, "/healthz is never limited")
            #expect(health.field("ratelimit") == nil)
            // A key is its own client: the writer still has its quota.
            let keyed = try await client.get("/users/1", headers: [.authorization: "Bearer demo-key"])
            #expect(keyed.status == 200)
            #expect(keyed.field("ratelimit")?.hasPrefix(#""default";r=2;"#) == true)
        }
    }

    @Test func dataInEveryRepresentation() async throws {
        try await withDemo { client in
            let json = try await client.get("/data")
            #expect(json.field("content-type") == "application/json")
            #expect((json.json["items"] as? [[String: Any]])?.count == 10)
            #expect(json.json["next_cursor"] is NSNull)
            #expect(json.field("vary") == "Accept, Accept-Encoding")

            let xml = try await client.get("/data", headers: [.accept: "application/xml"])
            #expect(xml.field("content-type") == "application/xml;charset=utf-8")
            let parser = XMLParser(data: Data(xml.body))
            #expect(parser.parse(), "the XML is well-formed")

            let csv = try await client.get("/data", headers: [.accept: "text/csv"])
            #expect(csv.field("content-type") == "text/csv;charset=utf-8;header=present")
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines.first == "id,name,value")
            #expect(lines.count == 12, "header, 10 rows, and the empty string after the last CRLF")
            #expect(lines[10] == #"10,"neon, ""noble""",20.18"#)

            #expect(try await client.get("/data", headers: [.accept: "application/xml;q=0.5, text/csv"]).field("content-type")?.hasPrefix("text/csv") == true)
            for empty in ["", ",", " , "] {
                let plain = try await client.get("/data", headers: [.accept: empty])
                #expect(plain.status == 200, "an Accept with no media range in it is no Accept: '\(empty)'")
                #expect(plain.field("content-type") == "application/json")
            }
            let refused = try await client.get("/data", headers: [.accept: "text/html"])
            #expect(refused.status == 406)
            #expect(refused.field("vary") == "Accept")
            #expect(refused.json["detail"] as? String == "available representations: application/json, application/xml, text/csv")
            #expect(try await client.get("/users/1", headers: [.accept: "text/csv"]).status == 406, "users have no CSV")
            let userXML = try await client.get("/users/1", headers: [.accept: "application/xml"])
            #expect(userXML.field("etag") == #""1-1-xml""#)
            #expect(XMLParser(data: Data(userXML.body)).parse())
            #expect(try await client.get("/users/1", headers: [.accept: "application/xml", .ifNoneMatch: #""1-1-xml""#]).status == 304)
            let head = try await client.head("/data", headers: [.accept: "text/csv"])
            #expect(head.body.isEmpty)
            #expect(head.field("content-length") == String(csv.body.count))
            #expect(head.field("etag") == csv.field("etag"))
        }
    }

    @Test func dataPages() async throws {
        try await withDemo { client in
            var names: [String] = []
            var path = "/data?limit=4"
            while true {
                let page = try await client.get(path, headers: [.accept: "text/csv"])
                names += page.text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { String($0.split(separator: ",")[1]) }
                guard let link = page.field("link") else { break }
                path = String(link.dropFirst().prefix { $0 != ">" })
            }
            #expect(names.count == 10)
            #expect(names.first == "hydrogen")
        }
    }

    @Test func limitsOnTheWire() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = DemoConfiguration(workers: 1)
            configuration.dataDirectory = directory
            let application = try DemoApplication(configuration: configuration)
            defer { try? application.close() }
            try await LiveServer.with(responder: application, configure: { $0.serverResponseFields = application.serverResponseFields }) { server in
                let big = String(repeating: "x", count: 1024 * 1024 + 1)
                let tooLarge = try await server.exchange(
                    "POST /users HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\nContent-Length: \(big.utf8.count)\r\n\r\n")
                #expect(tooLarge.status == 413)
                let longHead = try await server.exchange("GET /users/1 HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "y", count: 17 * 1024))\r\n\r\n")
                #expect(longHead.status == 431)
                let longTarget = try await server.exchange("GET /users/\(String(repeating: "1", count: 9 * 1024)) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(longTarget.status == 414)
                for response in [tooLarge, longHead, longTarget] {
                    #expect(response.field("x-request-id") != nil, "the server's own responses carry an id too")
                    #expect(response.field("content-type") == "application/problem+json")
                }
                let fine = try await server.exchange("GET /users/1 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(fine.status == 200, "the server keeps serving")
            }
        }
    }
}
