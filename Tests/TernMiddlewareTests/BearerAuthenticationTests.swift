import HTTPTypes
import Testing
import TernHTTP
import TernMiddleware

@Suite("BearerAuthentication")
struct BearerAuthenticationTests {
    let auth = BearerAuthentication(realm: "test", keys: [
        .init(token: "writer-key", principal: Principal(name: "writer", scopes: [.read, .write])),
        .init(token: "reader-key", principal: Principal(name: "reader", scopes: [.read])),
    ])

    /// Runs `auth` and returns the status plus the fields of an error, or the principal seen.
    func run(_ method: HTTPRequest.Method, authorization: String?) async -> (Int, String?) {
        var fields = HTTPFields()
        if let authorization { fields[.authorization] = authorization }
        do {
            let response = try await auth.handle(request(method, "/r", fields), context: context(), next: ClosureResponder { _, context in
                Response(status: .ok, body: .string(Principal.current(in: context)?.name ?? "anonymous"))
            })
            return (response.status.code, String(decoding: response.body.bufferedBytes ?? [], as: UTF8.self))
        } catch let error as HTTPError {
            return (error.status.code, error.headerFields[.wwwAuthenticate])
        } catch {
            return (0, nil)
        }
    }

    @Test(arguments: [
        // Writes.
        (HTTPRequest.Method.post, nil as String?, 401, #"Bearer realm="test""#),
        (.post, "Basic d3JpdGVyOmtleQ==", 401, #"Bearer realm="test""#),
        (.post, "Bearer wrong-key", 401, #"Bearer realm="test", error="invalid_token""#),
        (.post, "Bearer writer-key-longer", 401, #"Bearer realm="test", error="invalid_token""#),
        (.post, "Bearer writer-ke", 401, #"Bearer realm="test", error="invalid_token""#),
        (.post, "Bearer bad token", 401, #"Bearer realm="test", error="invalid_token""#),
        (.delete, "Bearer reader-key", 403, #"Bearer realm="test", error="insufficient_scope", scope="write""#),
        (.put, "Bearer writer-key", 200, "writer"),
        (.patch, "bearer writer-key", 200, "writer"),
        (.post, "BEARER  writer-key", 200, "writer"),
        // Reads are public; a valid key still identifies the client, an invalid one is ignored.
        (.get, nil, 200, "anonymous"),
        (.get, "Bearer wrong-key", 200, "anonymous"),
        (.head, "Bearer reader-key", 200, "reader"),
        (.options, "Bearer writer-key", 200, "writer"),
    ])
    func decides(method: HTTPRequest.Method, authorization: String?, status: Int, detail: String) async {
        let (code, seen) = await run(method, authorization: authorization)
        #expect(code == status)
        #expect(seen == detail)
    }

    @Test func errorBodiesNeverEchoTheKey() async throws {
        let failure = await #expect(throws: HTTPError.self) {
            try await auth.handle(request(.post, "/r", [.authorization: "Bearer secret-attempt"]), context: context(), next: answer())
        }
        let body = String(decoding: Response(rendering: try #require(failure), for: request(), context: context()).body.bufferedBytes ?? [], as: UTF8.self)
        #expect(!body.contains("secret-attempt"))
        #expect(body.contains("\"status\":401"))
    }

    @Test func principalOfARequest() {
        #expect(auth.principal(of: request(.get, "/", [.authorization: "Bearer reader-key"]))?.name == "reader")
        #expect(auth.principal(of: request(.get, "/", [.authorization: "Bearer nope"])) == nil)
        #expect(auth.principal(of: request()) == nil)
    }

    /// Two `Authorization` lines are not one credential (RFC 9110 section 11.6.2 allows one):
    /// a write is refused as with a bad token, even when both lines carry a valid key.
    @Test func twoAuthorizationLinesAreInvalid() async {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .authorization, value: "Bearer writer-key"))
        fields.append(HTTPField(name: .authorization, value: "Bearer writer-key"))
        let failure = await #expect(throws: HTTPError.self) {
            try await auth.handle(request(.post, "/r", fields), context: context(), next: answer())
        }
        #expect(failure?.headerFields[.wwwAuthenticate] == #"Bearer realm="test", error="invalid_token""#)
        #expect(auth.principal(of: request(.get, "/", fields)) == nil)
    }
}
