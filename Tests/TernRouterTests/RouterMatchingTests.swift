import HTTPTypes
import Testing
import TernHTTP
import TernRouter
import TernTesting

@Suite("Router: matching")
struct RouterMatchingTests {
    static func table() throws -> RouterResponder {
        let router = Router()
        router.get("/", echo("root"))
        router.get("/users", echo("users"))
        router.get("/users/me", echo("me"))
        router.get("/users/{id}", echo("user"))
        router.get("/users/{id}/posts", echo("posts"))
        router.get("/files/{name}", echo("file"))
        router.get("/static/**", echo("static"))
        router.get("/a/*/c", echo("a-star-c"))
        router.get("/a/b/d", echo("a-b-d"))
        router.get("/caf\u{E9}", echo("cafe"))
        // Constant paths of one length, found by comparing bytes.
        router.get("/aaaa/bb", echo("aaaa-bb"))
        router.get("/aaab/bb", echo("aaab-bb"))
        router.get("/xx", echo("xx"))
        router.get("/yy", echo("yy"))
        router.get("/zz", echo("zz"))
        return try router.build()
    }

    /// Request path → the answer's body (404 for none): constant beats parameter beats
    /// wildcard beats catch-all, backtracking out of dead ends, decoding after matching.
    @Test(arguments: [
        ("/", "root"),
        ("/users", "users"),
        ("/users/me", "me"),
        ("/users/42", "user id=42"),
        ("/users/42/posts", "posts id=42"),
        ("/users/me/posts", "posts id=me"),
        ("/a/b/c", "a-star-c"),
        ("/a/b/d", "a-b-d"),
        ("/a/x/c", "a-star-c"),
        ("/static/css/site.css", "static **=css/site.css"),
        ("/static/x", "static **=x"),
        ("/files/a%2Fb", "file name=a/b"),
        ("/files/%E2%9C%93", "file name=\u{2713}"),
        ("/users/%6De", "me"),
        ("/caf%C3%A9", "cafe"),
        ("/users/%34%32/posts", "posts id=42"),
        ("/static/a%20b/c%2Fd", "static **=a b/c/d"),
        ("/static/a/", "static **=a/"),
        ("/users/42?x=1", "user id=42"),
        ("/users/me?x=1", "me"),
        ("/users?", "users"),
        ("/aaaa/bb", "aaaa-bb"),
        ("/aaab/bb", "aaab-bb"),
        ("/users/m", "user id=m"),
        ("/xx", "xx"),
        ("/yy", "yy"),
        ("/zz", "zz"),
    ])
    func matches(path: String, expected: String) async throws {
        try await Self.table().test { client in
            let response = try await client.get(path)
            #expect(response.status == 200)
            #expect(response.text == expected)
        }
    }

    /// No route: 404 problem+json with the path as `instance`. A trailing slash is part of the
    /// path; `*`, `{name}` and `**` never match an empty segment.
    @Test(arguments: ["/nope", "/users/", "/users/42/", "/users//posts", "/static", "/static/", "/a/b", "/a//c", "/users/42/posts/x", "/users/%6De/", "/users/%34%32/", "/aaac/bb", "/aaaa/b", "/xy", "/x"])
    func notFound(path: String) async throws {
        try await Self.table().test { client in
            let response = try await client.get(path)
            #expect(response.status == 404)
            #expect(response.field("content-type") == "application/problem+json")
            #expect(response.text.contains("\"instance\":\"\(path)\""))
        }
    }

    /// A node with more constant children than a list is searched for (17 or more) finds
    /// them by name, decoded or not, and falls back to its parameter.
    @Test(arguments: [("/n/c0", "c0"), ("/n/c16", "c16"), ("/n/c%31%36", "c16"), ("/n/c17", "n id=c17"), ("/n/c16/x", nil)])
    func manyConstantsAtOneNode(path: String, expected: String?) async throws {
        let router = Router()
        for index in 0...16 { router.get("/n/c\(index)", echo("c\(index)")) }
        router.get("/n/{id}", echo("n"))
        try await router.build().test { client in
            let response = try await client.get(path)
            #expect(response.status == (expected == nil ? 404 : 200))
            if let expected { #expect(response.text == expected) }
        }
    }

    @Test func undecodablePathIs400() async throws {
        try await Self.table().test { client in
            let response = try await client.get("/files/%FF%FE")
            #expect(response.status == 400)
        }
    }
}

@Suite("Router: methods")
struct RouterMethodTests {
    static func table() throws -> RouterResponder {
        let router = Router()
        router.get("/things", echo("list"))
        router.post("/things", echo("create"))
        router.get("/custom-head", echo("get"))
        router.head("/custom-head") { _, _ in Response(status: .ok, headerFields: [HTTPField.Name("X-Head")!: "own"]) }
        router.options("/claimed") { _, _ in Response(status: .ok, body: .string("mine")) }
        router.delete("/claimed", echo("delete"))
        return try router.build()
    }

    /// Each mode runs the same assertions: in process and over a real socket.
    @Test(arguments: TestMode.allCases)
    func methodDispatch(mode: TestMode) async throws {
        try await Self.table().test(mode) { client in
            let wrong = try await client.delete("/things")
            #expect(wrong.status == 405)
            #expect(wrong.field("allow") == "GET, HEAD, POST, OPTIONS")
            #expect(wrong.field("content-type") == "application/problem+json")

            let head = try await client.head("/things")
            #expect(head.status == 200)
            #expect(head.field("content-length") == "4", "the GET body's length")
            #expect(head.body.isEmpty)

            #expect(try await client.head("/custom-head").field("x-head") == "own", "a HEAD route wins")

            let options = try await client.options("/things")
            #expect(options.status == 204)
            #expect(options.field("allow") == "GET, HEAD, POST, OPTIONS")
            #expect(options.body.isEmpty)

            #expect(try await client.options("/claimed").text == "mine", "a route may claim OPTIONS")
            #expect(try await client.get("/claimed").field("allow") == "DELETE, OPTIONS")
            #expect(try await client.options("*").field("allow") == "GET, HEAD, POST, DELETE, OPTIONS")
        }
    }
}

@Suite("Router: parameters")
struct RouterParameterTests {
    struct Slug: LosslessStringConvertible, Equatable {
        let text: String
        init?(_ description: String) {
            guard !description.isEmpty, description.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
            text = description
        }
        var description: String { text }
    }

    static func table() throws -> RouterResponder {
        let router = Router()
        router.get("/users/{id}") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            return Response(status: .ok, body: .string("user \(id + 1)"))
        }
        router.get("/posts/{slug}") { _, context in
            let slug = try context.parameters.require("slug", as: Slug.self)
            return Response(status: .ok, body: .string("post \(slug)"))
        }
        router.get("/missing/{id}") { _, context in
            _ = try context.parameters.require("other", as: String.self)
            return Response(status: .ok)
        }
        return try router.build()
    }

    @Test func typedAccess() async throws {
        try await Self.table().test { client in
            #expect(try await client.get("/users/41").text == "user 42")
            #expect(try await client.get("/posts/hello-world").text == "post hello-world")
            let notAnInt = try await client.get("/users/abc")
            #expect(notAnInt.status == 400)
            #expect(notAnInt.text.contains("path parameter 'id' is not a valid Int"))
            let badSlug = try await client.get("/posts/Hello")
            #expect(badSlug.status == 400)
            #expect(badSlug.text.contains("'slug'"))
            #expect(try await client.get("/missing/1").text.contains("missing path parameter 'other'"))
        }
    }
}

@Suite("Router: building")
struct RouterBuildTests {
    /// Route tables that must not build, and the kind of error each gets.
    @Test(arguments: [
        ([("GET", "/a"), ("GET", "/a")], RouterError.duplicateRoute),
        ([("GET", "/users/{id}"), ("GET", "/users/{userId}/posts")], .conflictingParameterNames),
        ([("GET", "/a//b")], .emptySegment),
        ([("GET", "/a/")], .emptySegment),
        ([("GET", "a")], .invalidTemplate),
        ([("GET", "/a/**/b")], .invalidTemplate),
        ([("GET", "/a/{}")], .invalidTemplate),
        ([("GET", "/a/{id")], .invalidTemplate),
        ([("GET", "/a/x{id}")], .invalidTemplate),
        ([("GET", "/a/{i-d}")], .invalidTemplate),
    ])
    func invalidTables(routes: [(String, String)], expected: RouterError) {
        let router = Router()
        for (method, path) in routes { router.on(HTTPRequest.Method(method)!, path, echo(path)) }
        do {
            _ = try router.build()
            Issue.record("built a table that should not build")
        } catch {
            #expect(expected ~= error, "\(error)")
        }
    }

    @Test func sameTemplateDifferentMethodsIsFine() throws {
        let router = Router()
        router.get("/a/{id}", echo("get"))
        router.put("/a/{id}", echo("put"))
        router.get("/a/{id}/b", echo("b"))
        _ = try router.build()
    }

    @Test func errorsInGroupsAndMountsSurface() {
        let grouped = Router()
        grouped.group("/api") { api in api.get("/x//y", echo("x")) }
        #expect(throws: RouterError.self) { try grouped.build() }

        let inner = Router()
        inner.get("/a", echo("a"))
        let outer = Router()
        outer.get("/v1/a", echo("a"))
        outer.mount("/v1", inner)
        #expect(throws: RouterError.self) { try outer.build() }
    }
}
