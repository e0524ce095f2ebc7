import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing
import TernHTTP
import TernMiddleware
@testable import TernOpenAPI
import TernRouter
import TernTesting

/// `Router` as swift-openapi-runtime's `ServerTransport`, driven the way generated code drives it.
@Suite("Router as an OpenAPI ServerTransport")
struct ServerTransportTests {
    struct Failure: Error {}

    static func serverError(_ underlying: any Error, status: HTTPResponse.Status, cause: String) -> ServerError {
        ServerError(
            operationID: "test", request: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"), requestBody: nil,
            requestMetadata: ServerRequestMetadata(), causeDescription: cause, underlyingError: underlying,
            httpStatus: status, httpHeaderFields: [:], httpBody: nil)
    }

    static func application() throws -> any Responder {
        let router = Router()
        router.use(RequestID())
        router.use(ErrorMiddleware())
        try router.register({ request, body, metadata in
            let received = body == nil ? "no body" : String(decoding: try await [UInt8](collecting: body!, upTo: 1024), as: UTF8.self)
            let text = "\(request.method.rawValue) \(metadata.pathParameters["name"] ?? "-") \(received)"
            return (HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]), HTTPBody(text))
        }, method: .post, path: "/items/{name}")
        try router.register({ _, _, metadata in
            (HTTPResponse(status: .ok), HTTPBody(metadata.pathParameters["name"].map(String.init) ?? "-"))
        }, method: .get, path: "/items/{name}")
        try router.register({ _, _, _ in
            let chunks = ["one ", "two ", "three"].map { ArraySlice($0.utf8) }
            return (HTTPResponse(status: .ok), HTTPBody(AsyncStream { continuation in
                for chunk in chunks { continuation.yield(chunk) }
                continuation.finish()
            }, length: .unknown))
        }, method: .get, path: "/stream")
        try router.register({ _, _, _ in throw Self.serverError(HTTPError(.notFound, detail: "no such item"), status: .internalServerError, cause: "handler threw") }, method: .get, path: "/missing")
        try router.register({ _, _, _ in throw Self.serverError(Failure(), status: .badRequest, cause: "Missing required query parameter 'limit'") }, method: .get, path: "/undecodable")
        try router.register({ _, _, _ in throw Self.serverError(Failure(), status: .internalServerError, cause: "secret internals") }, method: .get, path: "/broken")
        return try router.build()
    }

    @Test(arguments: TestMode.allCases)
    func requestsReachTheHandlerAndResponsesTheClient(mode: TestMode) async throws {
        try await Self.application().test(mode) { client in
            let posted = try await client.post("/items/a%2Fb%20c", body: "hello")
            #expect(posted.status == 200)
            #expect(posted.text == "POST a%2Fb%20c hello", "path parameters as sent, the body whole")
            #expect(posted.field("x-request-id") != nil, "behind the router's middleware")
            #expect(try await client.post("/items/x").text == "POST x no body")
            let streamed = try await client.get("/stream")
            #expect(streamed.text == "one two three")
            if mode == .live { #expect(streamed.field("transfer-encoding") == "chunked", "unknown length: streamed") }
            #expect(try await client.get("/items/x").field("content-length") == "1", "known length: sent as bytes")
        }
    }

    @Test(arguments: TestMode.allCases)
    func failuresKeepTernsErrorContract(mode: TestMode) async throws {
        try await Self.application().test(mode) { client in
            let missing = try await client.get("/missing")
            #expect(missing.status == 404 && missing.field("content-type") == "application/problem+json")
            #expect(missing.text.contains("no such item"), "the operation's own HTTP error")
            let undecodable = try await client.get("/undecodable")
            #expect(undecodable.status == 400)
            #expect(undecodable.text.contains("Missing required query parameter 'limit'"))
            let broken = try await client.get("/broken")
            #expect(broken.status == 500)
            #expect(!broken.text.contains("secret"), "a server failure says nothing of itself")
        }
    }

    @Test(arguments: [
        ("plain-Name_1.~", "plain-Name_1.~"), ("a/b c", "a%2Fb%20c"), ("é", "%C3%A9"), ("%41", "%2541"), ("", ""),
    ])
    func parametersAreEncodedAgainSoDecodingGivesThemBack(decoded: String, encoded: String) {
        #expect(OpenAPIBodies.percentEncoded(decoded) == encoded)
        #expect(encoded.removingPercentEncoding == decoded)
    }
}
