import HTTPTypes
import Testing
import TernHTTP

@Suite("Preconditions — RFC 9110 section 13")
struct PreconditionTests {
    static let tag = EntityTag("xyzzy")
    static let modified = HTTPDate("Sat, 29 Oct 1994 19:43:31 GMT")!
    static let earlier = "Fri, 28 Oct 1994 19:43:31 GMT"
    static let same = "Sat, 29 Oct 1994 19:43:31 GMT"
    static let later = "Sun, 30 Oct 1994 19:43:31 GMT"

    func decide(_ fields: HTTPFields, method: HTTPRequest.Method = .get, tag: EntityTag? = tag, exists: Bool = true) -> PreconditionDecision {
        Preconditions.evaluate(method: method, fields: fields, entityTag: tag, lastModified: Self.modified, representationExists: exists)
    }

    /// Section 13.1.1's examples, strong comparison.
    @Test(arguments: [
        (#""xyzzy""#, ConditionResult.passed),
        (#""xyzzy", "r2d2xxxx", "c3piozzzz""#, .passed),
        (#""r2d2xxxx", "c3piozzzz""#, .failed),
        ("*", .passed),
        (#"W/"xyzzy""#, .failed),
        ("garbage", .failed),
        // A list with no element states no condition: absent, as in Go's net/http.
        ("", .absent),
        (" , ,", .absent),
    ])
    func ifMatch(value: String, expected: ConditionResult) {
        #expect(Preconditions.ifMatch([.ifMatch: value], current: Self.tag) == expected)
    }

    @Test func emptyEntityTagListsAreAbsent() {
        #expect(Preconditions.ifNoneMatch([.ifNoneMatch: ""], current: Self.tag) == .absent)
        #expect(decide([.ifMatch: "", .ifUnmodifiedSince: Self.earlier], method: .put) == .preconditionFailed, "If-Unmodified-Since then decides")
        #expect(decide([.ifNoneMatch: ",", .ifModifiedSince: Self.same]) == .notModified, "If-Modified-Since then decides")
        #expect(decide([.ifMatch: "", .ifNoneMatch: ""], method: .delete) == .proceed)
    }

    @Test func ifMatchStarFailsWithoutARepresentation() {
        #expect(Preconditions.ifMatch([.ifMatch: "*"], current: nil, exists: false) == .failed)
        #expect(decide([.ifMatch: "*"], method: .put, tag: nil, exists: false) == .preconditionFailed)
    }

    /// Section 13.1.2's examples, weak comparison (Hummingbird compared the whole line with
    /// ==, so lists and `*` never matched).
    @Test(arguments: [
        (#""xyzzy""#, ConditionResult.failed),
        (#"W/"xyzzy""#, .failed),
        (#""xyzzy", "r2d2xxxx", "c3piozzzz""#, .failed),
        (#"W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz""#, .failed),
        (#""r2d2xxxx""#, .passed),
        ("*", .failed),
        ("garbage", .passed),
    ])
    func ifNoneMatch(value: String, expected: ConditionResult) {
        #expect(Preconditions.ifNoneMatch([.ifNoneMatch: value], current: Self.tag) == expected)
    }

    @Test(arguments: [(earlier, ConditionResult.failed), (same, .passed), (later, .passed), ("not a date", .absent)])
    func ifUnmodifiedSince(value: String, expected: ConditionResult) {
        #expect(Preconditions.ifUnmodifiedSince([.ifUnmodifiedSince: value], lastModified: Self.modified) == expected)
    }

    @Test(arguments: [(earlier, ConditionResult.passed), (same, .failed), (later, .failed), ("not a date", .absent), ("Sunday, 06-Nov-94 08:49:37 GMT", .failed), ("Sunday, 23-Oct-94 08:49:37 GMT", .passed)])
    func ifModifiedSince(value: String, expected: ConditionResult) {
        #expect(Preconditions.ifModifiedSince([.ifModifiedSince: value], lastModified: Self.modified) == expected)
    }

    @Test func twoIfModifiedSinceValuesAreIgnored() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .ifModifiedSince, value: Self.same))
        fields.append(HTTPField(name: .ifModifiedSince, value: Self.same))
        #expect(Preconditions.ifModifiedSince(fields, lastModified: Self.modified) == .absent)
    }

    /// Section 13.1.5: a strong tag or the exact date; a weak tag never matches.
    @Test(arguments: [
        (#""xyzzy""#, ConditionResult.passed),
        (#"W/"xyzzy""#, .failed),
        (#""other""#, .failed),
        (same, .passed),
        (later, .failed),
        ("nonsense", .failed),
    ])
    func ifRange(value: String, expected: ConditionResult) {
        #expect(Preconditions.ifRange([.range: "bytes=0-1", .ifRange: value], entityTag: Self.tag, lastModified: Self.modified) == expected)
        #expect(Preconditions.ifRange([.ifRange: value], entityTag: Self.tag, lastModified: Self.modified) == .absent, "ignored without Range")
    }

    /// Section 13.2.2's order, step by step.
    @Test func evaluationOrder() {
        // Step 1 before step 3: If-Match fails even though If-None-Match would give 304.
        #expect(decide([.ifMatch: #""nope""#, .ifNoneMatch: #""xyzzy""#]) == .preconditionFailed)
        // Step 2 only when If-Match is absent.
        #expect(decide([.ifMatch: #""xyzzy""#, .ifUnmodifiedSince: Self.earlier]) == .proceed)
        #expect(decide([.ifUnmodifiedSince: Self.earlier], method: .put) == .preconditionFailed)
        // Step 3: 304 for GET and HEAD, 412 for others.
        #expect(decide([.ifNoneMatch: #""xyzzy""#], method: .get) == .notModified)
        #expect(decide([.ifNoneMatch: #"W/"xyzzy""#], method: .head) == .notModified)
        #expect(decide([.ifNoneMatch: "*"], method: .delete) == .preconditionFailed)
        // Step 4 only when If-None-Match is absent, and only for GET and HEAD.
        #expect(decide([.ifNoneMatch: #""other""#, .ifModifiedSince: Self.later]) == .proceed)
        #expect(decide([.ifModifiedSince: Self.later]) == .notModified)
        #expect(decide([.ifModifiedSince: Self.later], method: .post) == .proceed)
        // Step 5: If-Range decides whether Range is honoured.
        #expect(decide([.range: "bytes=0-9", .ifRange: #""other""#]) == .proceedIgnoringRange)
        #expect(decide([.range: "bytes=0-9", .ifRange: #""xyzzy""#]) == .proceed)
        #expect(decide([:]) == .proceed)
    }

    /// Section 15.4.5: a 304 keeps the fields a cache needs and nothing about the content.
    @Test func notModifiedResponse() {
        let full: HTTPFields = [
            .eTag: #""xyzzy""#, .cacheControl: "max-age=60", .vary: "Accept", .date: Self.same,
            .expires: Self.later, .contentLocation: "/users/1",
            .contentType: "application/json", .contentLength: "42", .lastModified: Self.same, .contentEncoding: "gzip",
        ]
        let response = Response.notModified(from: full)
        #expect(response.status == .notModified)
        #expect(response.headerFields[.eTag] == #""xyzzy""#)
        #expect(response.headerFields[.cacheControl] == "max-age=60")
        #expect(response.headerFields[.vary] == "Accept")
        #expect(response.headerFields[.date] == Self.same)
        #expect(response.headerFields[.expires] == Self.later)
        #expect(response.headerFields[.contentLocation] == "/users/1")
        #expect(response.headerFields[.contentType] == nil)
        #expect(response.headerFields[.contentLength] == nil)
        #expect(response.headerFields[.contentEncoding] == nil)
        #expect(response.body.count == 0)
    }
}
