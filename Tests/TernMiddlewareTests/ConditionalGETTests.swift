import HTTPTypes
import Testing
import TernHTTP
import TernMiddleware

@Suite("ConditionalGET")
struct ConditionalGETTests {
    let validators: HTTPFields = [
        .eTag: #""v2""#, .lastModified: "Sat, 21 Nov 2026 10:00:00 GMT", .cacheControl: "no-cache", .vary: "Accept",
        .contentType: "application/json",
    ]

    func run(_ fields: HTTPFields, method: HTTPRequest.Method = .get, hashing: Bool = false, declared: HTTPFields? = nil) async throws -> Response {
        try await ConditionalGET(hashingBodies: hashing).handle(request(method, "/r", fields), context: context(), next: answer("{}", declared ?? validators))
    }

    static let cases: [(HTTPFields, Int)] = [
        ([.ifNoneMatch: #""v2""#], 304),
        ([.ifNoneMatch: #"W/"v2""#], 304),
        ([.ifNoneMatch: #""v1", "v2""#], 304),
        ([.ifNoneMatch: "*"], 304),
        ([.ifNoneMatch: #""v1""#], 200),
        ([.ifModifiedSince: "Sat, 21 Nov 2026 10:00:00 GMT"], 304),
        ([.ifModifiedSince: "Sat, 21 Nov 2026 09:59:59 GMT"], 200),
        ([.ifModifiedSince: "not a date"], 200),
        // If-None-Match present: If-Modified-Since is ignored (RFC 9110 section 13.2.2).
        ([.ifNoneMatch: #""v1""#, .ifModifiedSince: "Sat, 21 Nov 2026 11:00:00 GMT"], 200),
        ([.ifMatch: #""v1""#], 412),
        ([.ifMatch: #"W/"v2""#], 412),
        ([.ifMatch: #""v2""#], 200),
        ([.ifMatch: "*"], 200),
        ([.ifUnmodifiedSince: "Sat, 21 Nov 2026 09:00:00 GMT"], 412),
    ]

    @Test(arguments: cases)
    func decides(fields: HTTPFields, status: Int) async throws {
        let response = try await run(fields)
        #expect(response.status.code == status)
        if status == 304 {
            #expect(response.body.bufferedBytes == [])
            #expect(response.headerFields[.eTag] == #""v2""#)
            #expect(response.headerFields[.cacheControl] == "no-cache")
            #expect(response.headerFields[.vary] == "Accept")
            #expect(response.headerFields[.contentType] == nil)
        }
    }

    @Test func unsafeMethodsAndErrorsPassThrough() async throws {
        #expect(try await run([.ifNoneMatch: "*"], method: .put).status == .ok)
        let missing = try await ConditionalGET().handle(request(.get, "/r", [.ifNoneMatch: "*"]), context: context(), next: answer("", [.eTag: #""x""#], status: .notFound))
        #expect(missing.status == .notFound)
    }

    @Test func hashesBuffersWithoutATag() async throws {
        let plain: HTTPFields = [.contentType: "text/plain"]
        let first = try await run([:], hashing: true, declared: plain)
        let tag = try #require(first.headerFields[.eTag])
        #expect(tag == EntityTag.strong(forContent: Array("{}".utf8)).description)
        #expect(try await run([.ifNoneMatch: tag], hashing: true, declared: plain).status == .notModified)
        #expect(try await run([.ifNoneMatch: tag], hashing: false, declared: plain).status == .ok, "no validator, no 304")
        #expect(try await run([.ifNoneMatch: tag], method: .head, hashing: true, declared: plain).status == .notModified)
    }
}
