import Foundation
import HTTPTypes
import Testing
import TernDemo
import TernTesting

@Suite("Demo: users and conditional requests (live)")
struct UsersTests {
    @Test func seededUsersWithValidators() async throws {
        try await withDemo { client in
            let alice = try await client.get("/users/1")
            #expect(alice.status == 200)
            #expect(alice.field("content-type") == "application/json")
            #expect(alice.field("etag") == #""1-1""#)
            #expect(alice.field("cache-control") == "no-cache")
            #expect(alice.field("vary") == "Accept, Accept-Encoding")
            let modified = try #require(alice.field("last-modified"))
            #expect(modified.hasSuffix(" GMT") && modified.count == 29, "IMF-fixdate")
            #expect(alice.json["name"] as? String == "Alice")
            #expect(alice.json["email"] as? String == "alice@example.com")
            #expect(Set(alice.json.keys) == ["id", "name", "email", "created_at", "updated_at"])
            let created = try #require(alice.json["created_at"] as? String)
            #expect(created.hasSuffix("Z") && ISO8601DateFormatter().date(from: created) != nil, "RFC 3339, UTC")
            #expect(try await client.get("/users/2").json["name"] as? String == "Bob")
            #expect(alice.field("x-request-id") != nil)
            #expect(alice.field("date") != nil)
        }
    }

    @Test(arguments: ["/users/abc", "/users/0", "/users/99", "/users/-1", "/users/1.5"])
    func unknownOrNonNumericIDsAre404(path: String) async throws {
        try await withDemo(.inProcess) { client in
            let response = try await client.get(path)
            #expect(response.status == 404)
            #expect(response.field("content-type") == "application/problem+json")
            #expect(response.json["instance"] as? String == path)
        }
    }

    @Test func conditionalGETs() async throws {
        try await withDemo { client in
            let alice = try await client.get("/users/1")
            let tag = try #require(alice.field("etag"))
            let modified = try #require(alice.field("last-modified"))
            for condition in [tag, "W/\(tag)", #""0-0", \#(tag)"#, "*"] {
                let response = try await client.get("/users/1", headers: [.ifNoneMatch: condition])
                #expect(response.status == 304, "If-None-Match: \(condition)")
                #expect(response.body.isEmpty)
                #expect(response.field("etag") == tag)
                #expect(response.field("cache-control") == "no-cache")
                #expect(response.field("vary") == "Accept, Accept-Encoding")
                #expect(response.field("content-length") == nil && response.field("content-type") == nil)
            }
            #expect(try await client.get("/users/1", headers: [.ifNoneMatch: #""1-0""#]).status == 200)
            #expect(try await client.get("/users/1", headers: [.ifModifiedSince: modified]).status == 304)
            #expect(try await client.get("/users/1", headers: [.ifModifiedSince: "Thu, 01 Jan 1970 00:00:00 GMT"]).status == 200)
            let ignored = try await client.get("/users/1", headers: [.ifNoneMatch: #""other""#, .ifModifiedSince: modified])
            #expect(ignored.status == 200, "If-None-Match present: If-Modified-Since is ignored")
            #expect(try await client.head("/users/1", headers: [.ifNoneMatch: tag]).status == 304)
            #expect(try await client.get("/users/1", headers: [.ifMatch: #""1-0""#]).status == 412)
        }
    }

    @Test func headMatchesGet() async throws {
        try await withDemo { client in
            let get = try await client.get("/users/1")
            let head = try await client.head("/users/1")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.field("content-length") == String(get.body.count))
            for name in ["etag", "last-modified", "content-type", "cache-control", "vary"] {
                #expect(head.field(name) == get.field(name), "\(name)")
            }
        }
    }

    @Test func createReadUpdateDelete() async throws {
        try await withDemo { client in
            let created = try await client.post("/users", headers: writer, body: #"{"name":"Carol","email":"carol@example.com"}"#)
            #expect(created.status == 201)
            #expect(created.field("location") == "/users/3")
            #expect(created.field("etag") == #""3-1""#)
            #expect(created.json["name"] as? String == "Carol")

            let put = try await client.put("/users/3", headers: writer.adding([.ifMatch: #""3-1""#]), body: #"{"name":"Caroline","email":"caroline@example.com"}"#)
            #expect(put.status == 200)
            #expect(put.field("etag") == #""3-2""#, "a write gives a new tag")
            #expect(put.json["email"] as? String == "caroline@example.com")

            var patchFields = writer
            patchFields[.contentType] = "application/merge-patch+json"
            let patch = try await client.patch("/users/3", headers: patchFields, body: #"{"name":"Caro"}"#)
            #expect(patch.status == 200)
            #expect(patch.json["name"] as? String == "Caro")
            #expect(patch.json["email"] as? String == "caroline@example.com", "absent members are kept")
            #expect(patch.field("etag") == #""3-3""#)
            let plainJSONPatch = try await client.patch("/users/3", headers: writer, body: #"{"email":"c@example.com"}"#)
            #expect(plainJSONPatch.status == 200, "application/json is accepted for PATCH too")

            let fetched = try await client.get("/users/3")
            #expect(fetched.json["name"] as? String == "Caro")
            #expect(fetched.field("etag") == #""3-4""#)

            let delete = try await client.delete("/users/3", headers: [.authorization: "Bearer demo-key"])
            #expect(delete.status == 204)
            #expect(delete.body.isEmpty)
            #expect(try await client.get("/users/3").status == 404)
            #expect(try await client.delete("/users/3", headers: [.authorization: "Bearer demo-key"]).status == 404)
        }
    }

    @Test func failedWritePreconditionsChangeNothing() async throws {
        try await withDemo { client in
            let body = #"{"name":"Mallory","email":"mallory@example.com"}"#
            for condition: HTTPFields in [
                [.ifMatch: #""1-0""#], [.ifMatch: #""1-0", "2-1""#], [.ifMatch: #"W/"1-1""#],
                [.ifUnmodifiedSince: "Thu, 01 Jan 1970 00:00:00 GMT"], [.ifNoneMatch: "*"],
            ] {
                let put = try await client.put("/users/1", headers: writer.adding(condition), body: body)
                #expect(put.status == 412, "\(condition)")
                #expect(put.field("content-type") == "application/problem+json")
                let delete = try await client.delete("/users/1", headers: condition.adding([.authorization: "Bearer demo-key"]))
                #expect(delete.status == 412)
            }
            let alice = try await client.get("/users/1")
            #expect(alice.json["name"] as? String == "Alice")
            #expect(alice.field("etag") == #""1-1""#, "nothing was written")
            for condition: HTTPFields in [[.ifMatch: "*"], [.ifMatch: #""9-9", "1-1""#], [.ifMatch: #""1-1-xml""#]] {
                let tag = try #require(try await client.get("/users/1").field("etag"))
                let fields = condition[.ifMatch] == "*" ? condition : [.ifMatch: condition[.ifMatch]!.replacingOccurrences(of: "1-1", with: String(tag.dropFirst().dropLast()))]
                #expect(try await client.patch("/users/1", headers: writer.adding(fields), body: #"{"name":"Alice"}"#).status == 200, "\(fields)")
            }
        }
    }

    /// The rules the OpenAPI document states in JSON Schema, which counts code points: a name
    /// of 1 to 100 code points with something besides white space and no control character; an
    /// email with one `@` between two runs of anything else but white space and controls.
    @Test(arguments: [
        ("Ada", "ada@example.com", 201),
        (String(repeating: "e\u{301}", count: 50), "a@b", 201),
        (String(repeating: "e\u{301}", count: 51), "a@b", 422),
        ("\u{3000} \u{2003}", "a@b", 422),
        ("Ada\u{85}", "a@b", 422),
        ("lithium", "\u{DF}@\u{1F3FB}", 201),
        ("Ada", "a@\u{301}b", 201),
        ("Ada", "a\u{A0}b@c", 422),
        ("Ada", "a@b@c", 422),
        ("Ada", "@b", 422),
    ])
    func nameAndEmailRules(name: String, email: String, status: Int) async throws {
        try await withDemo(.inProcess) { client in
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["name": name, "email": email]), as: UTF8.self)
            #expect(try await client.post("/users", headers: writer, body: body).status == status)
        }
    }

    @Test func invalidWrites() async throws {
        try await withDemo { client in
            let long = String(repeating: "x", count: 101)
            let invalid = try await client.post("/users", headers: writer, body: #"{"name":"\#(long)","email":"no-at-sign"}"#)
            #expect(invalid.status == 422)
            let errors = try #require(invalid.json["errors"] as? [[String: String]])
            #expect(errors.map { $0["field"] } == ["name", "email"])
            #expect(invalid.json["instance"] as? String == "/users")
            for body in [#"{"name":"","email":"a@b"}"#, #"{"name":"A","email":"a@b@c"}"#, #"{"name":"A"}"#, #"{"name":1,"email":"a@b"}"#, "[]"] {
                #expect(try await client.post("/users", headers: writer, body: body).status == 422, "\(body)")
            }
            #expect(try await client.post("/users", headers: writer, body: #"{"name": "A", "email": }"#).status == 400)
            var xml = writer
            xml[.contentType] = "application/xml"
            #expect(try await client.post("/users", headers: xml, body: "<user/>").status == 415)
            var charset = writer
            charset[.contentType] = "application/json; charset=utf-8"
            #expect(try await client.post("/users", headers: charset, body: #"{"name":"Dan","email":"dan@example.com"}"#).status == 201)
            let duplicate = try await client.post("/users", headers: writer, body: #"{"name":"Al","email":"ALICE@example.com"}"#)
            #expect(duplicate.status == 409, "emails compare case-insensitively")
            #expect(try await client.patch("/users/2", headers: writer, body: #"{"email":"alice@example.com"}"#).status == 409)
            let removal = try await client.patch("/users/2", headers: writer, body: #"{"name":null}"#)
            #expect(removal.status == 422)
            #expect(try await client.get("/users/2").json["email"] as? String == "bob@example.com", "nothing changed")
        }
    }

    @Test func authentication() async throws {
        try await withDemo { client in
            let body = #"{"name":"Eve","email":"eve@example.com"}"#
            let json: HTTPFields = [.contentType: "application/json"]
            let missing = try await client.post("/users", headers: json, body: body)
            #expect(missing.status == 401)
            #expect(missing.field("www-authenticate") == #"Bearer realm="tern-demo""#)
            #expect(missing.field("content-type") == "application/problem+json")
            let unknown = try await client.post("/users", headers: json.adding([.authorization: "Bearer nope"]), body: body)
            #expect(unknown.status == 401)
            #expect(unknown.field("www-authenticate") == #"Bearer realm="tern-demo", error="invalid_token""#)
            let readOnly = try await client.delete("/users/1", headers: [.authorization: "Bearer readonly-key"])
            #expect(readOnly.status == 403)
            #expect(try await client.get("/users/1", headers: [.authorization: "Bearer readonly-key"]).status == 200)
            #expect(try await client.get("/users/1").status == 200, "reads are public")
        }
    }

    @Test func methodsAndOptions() async throws {
        try await withDemo { client in
            let options = try await client.options("/users/1")
            #expect(options.status == 204)
            #expect(options.field("allow") == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
            let collection = try await client.options("/users")
            #expect(collection.field("allow") == "GET, HEAD, POST, OPTIONS")
            let wrong = try await client.delete("/users")
            #expect(wrong.status == 405)
            #expect(wrong.field("allow") == "GET, HEAD, POST, OPTIONS")
            #expect(try await client.get("/nothing-here").status == 404)
        }
    }

    @Test func paginationWalksEveryPage() async throws {
        try await withDemo { client in
            for index in 0..<23 {
                let response = try await client.post("/users", headers: writer, body: #"{"name":"User \#(index)","email":"user\#(index)@example.com"}"#)
                #expect(response.status == 201)
            }
            var seen: [Int] = []
            var path = "/users?limit=7"
            var pages = 0
            while true {
                let page = try await client.get(path)
                #expect(page.status == 200)
                pages += 1
                let items = try #require(page.json["items"] as? [[String: Any]])
                #expect(items.count <= 7)
                seen += items.compactMap { $0["id"] as? Int }
                guard let link = page.field("link") else {
                    #expect(page.json["next_cursor"] is NSNull)
                    break
                }
                let cursor = try #require(page.json["next_cursor"] as? String)
                #expect(link == "</users?limit=7&cursor=\(cursor)>; rel=\"next\"")
                path = String(link.dropFirst().prefix { $0 != ">" })
            }
            #expect(seen == Array(1...25), "every user once, in id order")
            #expect(pages == 4)
            #expect(try await client.get("/users").json["items"].map { ($0 as? [Any])?.count } == 20, "default limit 20")
        }
    }

    @Test(arguments: ["/users?limit=0", "/users?limit=101", "/users?limit=x", "/users?limit=1&limit=2", "/users?cursor=abc",
                      "/users?cursor=MTozqybEaFX7FZ9", "/users?cursor=%ZZ", "/data?limit=-1", "/data?cursor=MToxMA"])
    func badPageParametersAre400(path: String) async throws {
        try await withDemo(.inProcess) { client in
            let response = try await client.get(path)
            #expect(response.status == 400)
            #expect(response.field("content-type") == "application/problem+json")
        }
    }

    @Test func aTamperedCursorIs400() async throws {
        try await withDemo(.inProcess) { client in
            let first = try await client.get("/data?limit=2")
            let cursor = try #require(first.json["next_cursor"] as? String)
            var bytes = Array(cursor.utf8)
            bytes[2] = bytes[2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(try await client.get("/data?limit=2&cursor=\(String(decoding: bytes, as: UTF8.self))").status == 400)
            #expect(try await client.get("/data?limit=2&cursor=\(cursor)").status == 200)
        }
    }

    @Test func collectionValidatorsFollowWrites() async throws {
        try await withDemo { client in
            let list = try await client.get("/users")
            let tag = try #require(list.field("etag"))
            #expect(list.field("last-modified") != nil)
            #expect(try await client.get("/users", headers: [.ifNoneMatch: tag]).status == 304)
            #expect(try await client.delete("/users/2", headers: [.authorization: "Bearer demo-key"]).status == 204)
            let after = try await client.get("/users", headers: [.ifNoneMatch: tag])
            #expect(after.status == 200, "a delete changes the collection")
            #expect(after.field("etag") != tag)
        }
    }

    @Test func dataSurvivesARestart() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = DemoConfiguration(workers: 1)
            configuration.dataDirectory = directory
            configuration.rateLimit = .off
            let first = try DemoApplication(configuration: configuration)
            let tag = try await first.test(.inProcess) { client in
                let created = try await client.post("/users", headers: writer, body: #"{"name":"Kept","email":"kept@example.com"}"#)
                _ = try await client.delete("/users/1", headers: [.authorization: "Bearer demo-key"])
                return created.field("etag")
            }
            try first.close()
            let second = try DemoApplication(configuration: configuration)
            defer { try? second.close() }
            try await second.test(.inProcess) { client in
                let kept = try await client.get("/users/3")
                #expect(kept.status == 200)
                #expect(kept.field("etag") == tag, "the tag survives the restart")
                #expect(try await client.get("/users/1").status == 404, "seeding ran once, when the database was new")
            }
        }
    }
}
