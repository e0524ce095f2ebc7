import Foundation
import HTTPTypes
import Testing
import TernHTTP
@testable import TernJSON
import TernRouter
import TernMiddleware
import TernTesting

@Suite("JSON syntax — RFC 8259")
struct JSONSyntaxTests {
    /// RFC 8259 section 13's examples and the grammar's corners.
    @Test(arguments: [
        #"{"Image": {"Width": 800, "Height": 600, "Title": "View from 15th Floor", "Thumbnail": {"Url": "http://www.example.com/image/481989943", "Height": 125, "Width": 100}, "Animated": false, "IDs": [116, 943, 234, 38793]}}"#,
        #"[{"precision": "zip", "Latitude": 37.7668, "Longitude": -122.3959, "Address": "", "City": "SAN FRANCISCO", "State": "CA", "Zip": "94107", "Country": "US"}]"#,
        #""Hello world!""#, "42", "true", "null", "-0", "1e10", "1.5E-3", "0.5", #""\u00e9\/\b\f\n\r\t""#, " [ ] ", "{}",
    ])
    func valid(text: String) {
        #expect(JSONSyntax.check(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        ("{", 1, 2), ("[1,]", 1, 4), ("{\"a\" 1}", 1, 6), ("01", 1, 2), ("1.", 1, 3), ("-", 1, 2), ("+1", 1, 1),
        ("\"\u{1}\"", 1, 2), ("\"\\x\"", 1, 3), ("\"\\u12G4\"", 1, 6), ("tru", 1, 4), ("{\"a\":1}x", 1, 8),
        ("[1,\n 2,\n 3", 3, 3), ("{'a': 1}", 1, 2), ("NaN", 1, 1), ("", 1, 1),
    ])
    func invalid(text: String, line: Int, column: Int) throws {
        let failure = try #require(JSONSyntax.check(Array(text.utf8)))
        #expect(failure.line == line)
        #expect(failure.column == column, "\(failure.description)")
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(JSONSyntax.check(Array(deep.utf8))?.reason.contains("nesting") == true)
    }

    @Test func invalidUTF8IsRefused() {
        #expect(JSONSyntax.check([UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")]) != nil)
    }
}

struct NewUser: Codable, Validatable, Equatable {
    var name: String
    var email: String
    var tags: [Tag]?

    struct Tag: Codable, Equatable { var label: String }

    func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...100).contains(name.count) { errors.append(FieldError(field: "name", message: "must be 1 to 100 characters")) }
        if email.filter({ $0 == "@" }).count != 1 { errors.append(FieldError(field: "email", message: "must contain one @")) }
        return errors
    }
}

@Suite("JSON requests and responses")
struct JSONResponderTests {
    static func app() throws -> RouterResponder {
        let router = Router()
        router.use(ErrorMiddleware())
        router.post("/users") { request, _ in
            let user = try await request.decode(NewUser.self)
            return try .created(json: user, location: "/users/1")
        }
        router.patch("/users/1") { request, _ in
            try await Response(json: request.decode(NewUser.self, contentTypes: [.json, .mergePatchJSON]))
        }
        return try router.build()
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    @Test(arguments: TestMode.allCases)
    func created(mode: TestMode) async throws {
        try await Self.app().test(mode) { client in
            let response = try await client.post("/users", headers: Self.json, body: #"{"name":"Alice","email":"alice@example.com"}"#)
            #expect(response.status == 201)
            #expect(response.field("location") == "/users/1")
            #expect(response.field("content-type") == "application/json")
            #expect(response.text == #"{"email":"alice@example.com","name":"Alice"}"#, "keys sorted")
        }
    }

    @Test(arguments: [
        ("", 415), ("text/plain", 415), ("application/json; charset=iso-8859-1", 415), ("application/jsonx", 415),
        ("application/merge-patch+json", 415), ("application/json; charset=UTF-8", 201), ("Application/JSON", 201),
    ])
    func contentTypes(contentType: String, status: Int) async throws {
        try await Self.app().test { client in
            let headers: HTTPFields = contentType.isEmpty ? [:] : [.contentType: contentType]
            let response = try await client.post("/users", headers: headers, body: #"{"name":"A","email":"a@b"}"#)
            #expect(response.status == status)
            if status == 415 { #expect(response.field("accept") == "application/json") }
        }
    }

    @Test func mergePatchIsAcceptedWhereAllowed() async throws {
        try await Self.app().test { client in
            let response = try await client.patch("/users/1", headers: [.contentType: "application/merge-patch+json"], body: #"{"name":"A","email":"a@b"}"#)
            #expect(response.status == 200)
        }
    }

    @Test func malformedJSONSaysWhereItBroke() async throws {
        try await Self.app().test { client in
            let response = try await client.post("/users", headers: Self.json, body: "{\"name\": \"A\",\n \"email\" \"a@b\"}")
            #expect(response.status == 400)
            #expect(response.field("content-type") == "application/problem+json")
            #expect(response.text.contains("expected ':' after a member name at line 2, column 10"))
            #expect(try await client.post("/users", headers: Self.json).status == 400, "empty content")
        }
    }

    /// Well-formed JSON that does not fit, or breaks the rules: 422 with each field.
    @Test(arguments: [
        (#"{"email":"a@b"}"#, "name", "is required"),
        (#"{"name":5,"email":"a@b"}"#, "name", "must be a string"),
        (#"{"name":null,"email":"a@b"}"#, "name", "must not be null"),
        (#"{"name":"A","email":"a@b","tags":[{"label":1}]}"#, "tags[0].label", "must be a string"),
        (#"{"name":"","email":"a@b"}"#, "name", "must be 1 to 100 characters"),
        (#"{"name":"A","email":"ab"}"#, "email", "must contain one @"),
        (#"[1]"#, "", "must be"),
    ])
    func unprocessable(body: String, field: String, message: String) async throws {
        try await Self.app().test { client in
            let response = try await client.post("/users", headers: Self.json, body: body)
            #expect(response.status == 422)
            let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let errors = problem?["errors"] as? [[String: String]]
            #expect(errors?.first?["field"] == field)
            #expect(errors?.first?["message"]?.hasPrefix(message) == true, "\(errors ?? [])")
            #expect(problem?["status"] as? Int == 422)
            #expect(problem?["instance"] as? String == "/users")
        }
    }

    struct Stamp: Codable { let at: Date }

    @Test func encodingRules() throws {
        let date = Response.body(try Response(json: Stamp(at: Date(timeIntervalSince1970: 784_111_777))))
        #expect(date == #"{"at":"1994-11-06T08:49:37Z"}"#, "RFC 3339, UTC")
        let text = Response.body(try Response(json: ["s": "quote \" backslash \\ slash / newline \n tab \t nul \u{0} é 🐦"]))
        #expect(text == #"{"s":"quote \" backslash \\ slash / newline \n tab \t nul \u0000 é 🐦"}"#)
        let numbers = Response.body(try Response(json: ["big": Int64.max, "neg": -1]))
        #expect(numbers == #"{"big":9223372036854775807,"neg":-1}"#)
        #expect(Response.noContent().status == .noContent)
    }
}

extension Response {
    static func body(_ response: Response) -> String {
        guard case .bytes(let bytes) = response.body.storage else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }
}
