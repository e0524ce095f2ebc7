import HTTPTypes
import Testing
import TernHTTP

@Suite("Request: its method, and the path and query of its target")
struct RequestTargetTests {
    /// Origin-form targets (https://www.rfc-editor.org/rfc/rfc9112#section-3.2.1): the path runs
    /// to the first `?`, the query is the rest, and a `?` inside the query is data
    /// (https://www.rfc-editor.org/rfc/rfc3986#section-3.4).
    @Test(arguments: [
        ("/where?q=now", "/where", "q=now"),
        ("/users/1", "/users/1", nil),
        ("/", "/", nil),
        ("/?", "/", ""),
        ("/a?b?c", "/a", "b?c"),
        ("/caf%C3%A9?x=%3F", "/caf%C3%A9", "x=%3F"),
        ("/é/ü?ö", "/é/ü", "ö"),
    ] as [(String, String, String?)])
    func pathAndQuery(target: String, path: String, query: String?) {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: target))
        #expect(request.path == path)
        #expect(request.query.map(String.init) == query)
        #expect(Request.path(of: target) == path)
    }

    /// `method` is read from the head once; a head changed later (a method override, a
    /// rewritten request) changes it too.
    @Test func methodFollowsTheHead() {
        var request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/"))
        #expect(request.method == .get)
        request.head.method = .post
        #expect(request.method == .post)
        request.head = HTTPRequest(method: .delete, scheme: "http", authority: "t", path: "/")
        #expect(request.method == .delete)
    }
}
