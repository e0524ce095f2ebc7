import Foundation
import HTTPTypes
import Testing
import TernDemo
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// Fields for a transfer with `key`.
func transferFields(_ key: String?) -> HTTPFields {
    var fields = writer
    if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
    return fields
}

@Suite("Demo: accounts and idempotent transfers (live)")
struct TransfersTests {
    @Test func seededAccounts() async throws {
        try await withDemo { client in
            let list = try await client.get("/accounts")
            #expect(list.text == #"{"items":[{"balance":1000,"id":"alice"},{"balance":500,"id":"bob"},{"balance":0,"id":"carol"}],"next_cursor":null}"#)
            #expect(try await client.get("/accounts/bob").text == #"{"balance":500,"id":"bob"}"#)
            #expect(try await client.get("/accounts/nobody").status == 404)
            #expect(try await client.get("/accounts/alice", headers: [.accept: "application/xml"]).text.contains("<balance>1000</balance>"))
        }
    }

    @Test func oneKeyThreeSends() async throws {
        try await withDemo { client in
            let body = #"{"from":"alice","to":"bob","amount":12.34}"#
            let first = try await client.post("/transfers", headers: transferFields("key-1"), body: body)
            #expect(first.status == 201)
            #expect(first.field("location") == "/transfers/1")
            #expect(first.field("idempotent-replayed") == nil)
            #expect(first.json["amount"] as? Double == 12.34)
            #expect(first.json["status"] as? String == "completed")
            #expect(Set(first.json.keys) == ["id", "from", "to", "amount", "status", "created_at"])
            for reordered in [body, #"{ "amount": 12.340, "to": "bob", "from": "alice" }"#] {
                let replay = try await client.post("/transfers", headers: transferFields(#""key-1""#), body: reordered)
                #expect(replay.status == 201)
                #expect(replay.reason == "Created")
                #expect(replay.body == first.body, "byte for byte")
                #expect(replay.field("location") == first.field("location"))
                #expect(replay.field("content-type") == first.field("content-type"))
                #expect(replay.field("idempotent-replayed") == "true")
            }
            #expect(try await client.get("/accounts/alice").json["balance"] as? Double == 987.66, "moved exactly once")
            #expect(try await client.get("/accounts/bob").json["balance"] as? Double == 512.34)
            #expect((try await client.get("/transfers").json["items"] as? [Any])?.count == 1)
            let other = try await client.post("/transfers", headers: transferFields("key-1"), body: #"{"from":"alice","to":"bob","amount":1}"#)
            #expect(other.status == 422, "the same key for another request")
        }
    }

    @Test func refusals() async throws {
        try await withDemo { client in
            let body = #"{"from":"alice","to":"bob","amount":1}"#
            #expect(try await client.post("/transfers", headers: transferFields(nil), body: body).status == 400)
            #expect(try await client.post("/transfers", headers: transferFields("has space"), body: body).status == 400)
            #expect(try await client.post("/transfers", headers: transferFields(String(repeating: "k", count: 256)), body: body).status == 400)
            var readOnly = transferFields("r")
            readOnly[.authorization] = "Bearer readonly-key"
            #expect(try await client.post("/transfers", headers: readOnly, body: body).status == 403)
            for invalid in [
                #"{"from":"alice","to":"nobody","amount":1}"#, #"{"from":"nobody","to":"bob","amount":1}"#,
                #"{"from":"alice","to":"alice","amount":1}"#, #"{"from":"alice","to":"bob","amount":0}"#,
                #"{"from":"alice","to":"bob","amount":-5}"#, #"{"from":"alice","to":"bob","amount":1.001}"#,
                #"{"from":"alice","to":"bob","amount":"1"}"#, #"{"from":"alice","to":"bob"}"#,
            ] {
                let response = try await client.post("/transfers", headers: transferFields("invalid-key"), body: invalid)
                #expect(response.status == 422, "\(invalid)")
                #expect(response.json["errors"] != nil)
            }
            // None of those was stored: the key still works for a valid request.
            let valid = try await client.post("/transfers", headers: transferFields("invalid-key"), body: body)
            #expect(valid.status == 201)
            #expect(try await client.post("/transfers", headers: transferFields("k2"), body: "{").status == 400)
            var text = transferFields("k3")
            text[.contentType] = "text/plain"
            #expect(try await client.post("/transfers", headers: text, body: body).status == 415)
            let moved = try await client.post("/api/transfer", headers: transferFields("k4"), body: body)
            #expect(moved.status == 308)
            #expect(moved.field("location") == "/transfers")
        }
    }

    @Test func insufficientFundsIsStoredForReplay() async throws {
        try await withDemo { client in
            let body = #"{"from":"carol","to":"alice","amount":0.01}"#
            let refused = try await client.post("/transfers", headers: transferFields("broke"), body: body)
            #expect(refused.status == 409)
            #expect(refused.field("content-type") == "application/problem+json")
            #expect((refused.json["type"] as? String)?.hasSuffix("/insufficient-funds") == true)
            let replay = try await client.post("/transfers", headers: transferFields("broke"), body: body)
            #expect(replay.status == 409)
            #expect(replay.body == refused.body)
            #expect(replay.field("idempotent-replayed") == "true")
            #expect(try await client.get("/accounts/carol").json["balance"] as? Int == 0)
        }
    }

    @Test func transfersNewestFirstAndPaginated() async throws {
        try await withDemo { client in
            for index in 1...5 {
                let response = try await client.post("/transfers", headers: transferFields("t\(index)"), body: #"{"from":"alice","to":"carol","amount":\#(index)}"#)
                #expect(response.status == 201)
            }
            var ids: [Int] = []
            var path = "/transfers?limit=2"
            while true {
                let page = try await client.get(path)
                ids += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                guard let link = page.field("link") else { break }
                path = String(link.dropFirst().prefix { $0 != ">" })
            }
            #expect(ids == [5, 4, 3, 2, 1])
            #expect(try await client.get("/transfers/3").json["amount"] as? Int == 3)
            #expect(try await client.get("/transfers/99").status == 404)
            #expect(try await client.get("/transfers/abc").status == 404)
            #expect(try await client.get("/accounts/carol").json["balance"] as? Int == 15)
        }
    }

    /// 50 identical requests over 50 connections on a two-loop server: one executes.
    @Test func fiftyRacingIdenticalRequestsExecuteOnce() async throws {
        try await withLiveDemo(workers: 2) { server in
            let port = server.address.port
            let body = #"{"from":"alice","to":"bob","amount":1}"#
            let request = "POST /transfers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\n"
                + "Idempotency-Key: race\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let responses = await DownloadLoadTests.onThreads(count: 50) { RawHTTP.exchange(port: port, request) } while: {}
            let executed = responses.filter { $0?.status == 201 && $0?.field("idempotent-replayed") == nil }
            let replayed = responses.filter { $0?.status == 201 && $0?.field("idempotent-replayed") == "true" }
            let busy = responses.filter { $0?.status == 409 && $0?.field("retry-after") == "1" }
            #expect(executed.count == 1)
            #expect(replayed.count + busy.count == 49)
            let list = try await server.exchange("GET /transfers HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(list.text.components(separatedBy: "\"id\":").count - 1 == 1, "one transfer")
        }
    }
}

/// One request on a new connection, its response read to the end (`Connection: close`).
enum RawHTTP {
    struct Reply: Sendable {
        let status: Int
        let fields: [(String, String)]
        let body: [UInt8]
        func field(_ name: String) -> String? { fields.first { $0.0.lowercased() == name }?.1 }
    }

    static func exchange(port: Int, _ request: String) -> Reply? {
        guard let fd = StreamingClient.connect(port: port) else { return nil }
        defer { close(fd) }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        guard let end = Multipart.find(Array("\r\n\r\n".utf8), in: data) else { return nil }
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        let fields = lines.dropFirst().compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }
        let body = Array(data[(end + 4)...])
        if let length = fields.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }), length != body.count { return nil }
        return Reply(status: status, fields: fields, body: body)
    }
}
