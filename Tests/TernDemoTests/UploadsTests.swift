import Foundation
import HTTPTypes
import Testing
import TernDemo
import TernTesting

/// `PUT` and `DELETE /download/{file}` (../shared/API.md, "Uploads"), live.
@Suite("Demo: uploads (live)")
struct UploadsTests {
    static let key: HTTPFields = [.authorization: "Bearer demo-key"]
    /// RFC 9530 digests of the test contents (computed with Python's hashlib).
    static let sha256OfFirst = "sha-256=:p5N7ZLjKpY8Dchu2us9ceMsjX+vg5wsbhM2ZVBRhoI4=:"
    static let sha256OfSecond = "sha-256=:FjZ6rLZ6SgF8jairlWgsyzkIY3gPcRTdoKDgxVZEx8Q=:"
    static let sha512OfHello = "sha-512=:58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ==:"

    static func fields(_ extra: HTTPFields) -> HTTPFields {
        var fields = key
        fields.append(contentsOf: extra)
        return fields
    }

    /// What an upload left in the folder besides the fixture's files: its temporary files.
    static func leftovers(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".upload-") }
    }

    @Test func aFileIsCreatedReplacedServedAndListed() async throws {
        try await withDownloads { client, fixture in
            let created = try await client.put("/download/new.txt", headers: Self.key, body: "first")
            #expect(created.status == 201)
            #expect(created.field("location") == "/download/new.txt")
            #expect(created.field("repr-digest") == Self.sha256OfFirst)
            let firstTag = try #require(created.field("etag"))
            let served = try await client.get("/download/new.txt")
            #expect(served.text == "first")
            #expect(served.field("etag") == firstTag)

            let replaced = try await client.put("/download/new.txt", headers: Self.key, body: "second")
            #expect(replaced.status == 204)
            #expect(replaced.field("location") == nil)
            #expect(replaced.field("repr-digest") == Self.sha256OfSecond)
            let secondTag = try #require(replaced.field("etag"))
            #expect(secondTag != firstTag)
            let again = try await client.get("/download/new.txt")
            #expect(again.text == "second", "the open-file cache sees the new file at once")
            #expect(again.field("etag") == secondTag)
            #expect(try await client.get("/download?limit=100").text.contains("\"new.txt\""))
            #expect(try Self.leftovers(in: fixture.directory).isEmpty)
        }
    }

    @Test func preconditionsAreCheckedAndAFailureChangesNothing() async throws {
        try await withDownloads { client, _ in
            let created = try await client.put("/download/p.txt", headers: Self.fields([.ifNoneMatch: "*"]), body: "first")
            #expect(created.status == 201, "If-None-Match: * creates")
            let tag = try #require(created.field("etag"))
            #expect(try await client.put("/download/p.txt", headers: Self.fields([.ifNoneMatch: "*"]), body: "second").status == 412)
            #expect(try await client.put("/download/p.txt", headers: Self.fields([.ifMatch: "\"stale\""]), body: "second").status == 412)
            #expect(try await client.put("/download/p.txt", headers: Self.fields([.ifUnmodifiedSince: "Sat, 01 Jan 2000 00:00:00 GMT"]), body: "second").status == 412)
            #expect(try await client.get("/download/p.txt").text == "first", "412 changed nothing")
            #expect(try await client.put("/download/p.txt", headers: Self.fields([.ifMatch: tag]), body: "second").status == 204)
            #expect(try await client.put("/download/absent.txt", headers: Self.fields([.ifMatch: "*"]), body: "x").status == 412, "If-Match on no file")
            #expect(try await client.get("/download/absent.txt").status == 404)
        }
    }

    @Test func contentDigestIsCheckedBeforeTheFileIsKept() async throws {
        try await withDownloads { client, fixture in
            let matching = try await client.put("/download/d.txt", headers: Self.fields([FileUploadFields.contentDigest: Self.sha256OfFirst]), body: "first")
            #expect(matching.status == 201)
            let mismatch = try await client.put("/download/e.txt", headers: Self.fields([FileUploadFields.contentDigest: Self.sha256OfFirst]), body: "other")
            #expect(mismatch.status == 400)
            #expect(mismatch.json["type"] as? String == "https://tern-demo.example/problems/digest-mismatch")
            #expect(try await client.get("/download/e.txt").status == 404, "nothing kept")
            let malformed = try await client.put("/download/e.txt", headers: Self.fields([FileUploadFields.contentDigest: "sha-256=abc"]), body: "x")
            #expect(malformed.status == 400)
            let unknown = try await client.put("/download/e.txt", headers: Self.fields([FileUploadFields.contentDigest: "md5=:AAAA:"]), body: "x")
            #expect(unknown.status == 201, "an algorithm not computed here is ignored (RFC 9530 section 2)")
            #expect(try Self.leftovers(in: fixture.directory).isEmpty)
        }
    }

    @Test func aDownloadCarriesReprDigestWhenAskedFor() async throws {
        try await withDownloads { client, _ in
            let plain = try await client.get("/download/hello.txt")
            #expect(plain.field("repr-digest") == nil, "only when asked")
            let sha512 = try await client.get("/download/hello.txt", headers: [FileUploadFields.wantReprDigest: "sha-256=3, sha-512=8"])
            #expect(sha512.field("repr-digest") == Self.sha512OfHello, "the preferred algorithm")
            let none = try await client.get("/download/hello.txt", headers: [FileUploadFields.wantReprDigest: "md5=10"])
            #expect(none.field("repr-digest") == nil)
        }
    }

    @Test func namesThatCouldNeverBeServedAre400() async throws {
        try await withDownloads { client, _ in
            for name in [".hidden", "%2e%2e", "a%2Fb", "%00"] {
                let response = try await client.put("/download/\(name)", headers: Self.key, body: "x")
                #expect(response.status == 400, "\(name)")
            }
        }
    }

    @Test func deletingAFileThen404() async throws {
        try await withDownloads { client, _ in
            let tag = try #require(try await client.put("/download/gone.txt", headers: Self.key, body: "first").field("etag"))
            #expect(try await client.delete("/download/gone.txt", headers: Self.fields([.ifMatch: "\"stale\""])).status == 412)
            #expect(try await client.delete("/download/gone.txt", headers: Self.fields([.ifMatch: tag])).status == 204)
            #expect(try await client.get("/download/gone.txt").status == 404)
            #expect(try await client.delete("/download/gone.txt", headers: Self.key).status == 404)
            #expect(try await client.delete("/download/hello.txt").status == 401, "the write scope")
        }
    }

    /// The size limit, before the content is read (Content-Length) or as it grows (chunked);
    /// nothing kept either way.
    @Test func contentsOverTheLimitAre413AndNothingIsKept() async throws {
        try await withTemporaryDirectory { files in
            try await withLiveDemo(files: files, configure: { $0.maxUpload = ByteSize(bytes: 10) }) { live in
                let announced = try await live.exchange(
                    "PUT /download/big.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 11\r\n\r\n")
                #expect(announced.status == 413)
                let chunked = try await live.exchange(
                    "PUT /download/big.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n")
                #expect(chunked.status == 413)
                #expect(!FileManager.default.fileExists(atPath: files + "/big.bin"))
                #expect(try Self.leftovers(in: files).isEmpty)
            }
        }
    }

    /// RFC 9110 section 10.1.1: the client waits for 100 before it sends the content; the demo
    /// says it only once the key, the name, the size and the preconditions passed.
    @Test func continueComesOnlyAfterEveryCheckPassed() async throws {
        try await withTemporaryDirectory { files in
            try "old".write(toFile: files + "/here.txt", atomically: true, encoding: .utf8)
            try await withLiveDemo(files: files, configure: { $0.maxUpload = ByteSize(bytes: 1000) }) { live in
                let refusals = [
                    ("PUT /download/x.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n", 401),
                    ("PUT /download/.x HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 5\r\n", 400),
                    ("PUT /download/x.txt HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 5000\r\n", 413),
                    ("PUT /download/here.txt HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nIf-None-Match: *\r\nContent-Length: 5\r\n", 412),
                ]
                for (head, status) in refusals {
                    let connection = try live.connect()
                    try await connection.send(head + "Expect: 100-continue\r\n\r\n")
                    let response = try await connection.readResponse(returningInterim: true)
                    #expect(response.status == status, "no 100 before the refusal: \(head)")
                    connection.close()
                }
                let connection = try live.connect()
                try await connection.send("PUT /download/x.txt HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                #expect(try await connection.readResponse(returningInterim: true).status == 100)
                try await connection.send("hello")
                #expect(try await connection.readResponse().status == 201)
                #expect(try String(contentsOfFile: files + "/x.txt", encoding: .utf8) == "hello")
            }
        }
    }

    /// A client that leaves in the middle: no file, no temporary file.
    @Test func anInterruptedUploadLeavesNothingBehind() async throws {
        try await withTemporaryDirectory { files in
            try await withLiveDemo(files: files) { live in
                let connection = try live.connect()
                try await connection.send(
                    "PUT /download/cut.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 100000\r\n\r\n"
                        + String(repeating: "x", count: 70_000))
                #expect(try await TestTiming.eventually { (try? Self.leftovers(in: files).count) == 1 }, "the upload started")
                connection.close()
                #expect(try await TestTiming.eventually { (try? Self.leftovers(in: files).isEmpty) == true }, "its temporary file removed")
                #expect(!FileManager.default.fileExists(atPath: files + "/cut.bin"))
                #expect(try await live.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            }
        }
    }

    /// The gzip copy of a replaced file is of its new version.
    @Test func compressedCopiesFollowAReplacedFile() async throws {
        try await withDownloads { client, _ in
            let gzip: HTTPFields = [.acceptEncoding: "gzip"]
            _ = try await client.put("/download/page.txt", headers: Self.key, body: String(repeating: "first version ", count: 200))
            let first = try await client.get("/download/page.txt", headers: gzip)
            #expect(first.field("content-encoding") == "gzip")
            _ = try await client.put("/download/page.txt", headers: Self.key, body: String(repeating: "the second one ", count: 300))
            let second = try await client.get("/download/page.txt", headers: gzip)
            #expect(second.field("content-encoding") == "gzip")
            #expect(second.field("etag") != first.field("etag"))
            #expect(try await client.get("/download/page.txt").body.count == "the second one ".utf8.count * 300)
        }
    }
}

/// The RFC 9530 field names the tests send.
enum FileUploadFields {
    static let contentDigest = HTTPField.Name("Content-Digest")!
    static let wantReprDigest = HTTPField.Name("Want-Repr-Digest")!
}
