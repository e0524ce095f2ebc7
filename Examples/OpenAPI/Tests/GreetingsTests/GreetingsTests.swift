import Foundation
import Greetings
import Tern
import TernTesting
import Testing

/// The generated API through Tern, in process and over a real socket.
@Suite("Generated Greetings API on Tern")
struct GreetingsTests {
    @Test(arguments: TestMode.allCases)
    func operationsAnswerAsTheDocumentSays(mode: TestMode) async throws {
        try await GreetingsAPI.application().test(mode) { client in
            let plain = try await client.get("/api/greetings/T%C3%A9rn%20Swift", headers: [.accept: "application/json"])
            #expect(plain.status == 200)
            #expect(plain.field("content-type")?.hasPrefix("application/json") == true)
            #expect(try JSONSerialization.jsonObject(with: Data(plain.body)) as? [String: String] == ["message": "Hello, Térn Swift!"],
                    "a percent-encoded path parameter arrives decoded once")
            #expect(plain.field("x-request-id") != nil, "behind Tern's middleware")
            let loud = try await client.get("/api/greetings/tern?style=loud")
            #expect(loud.text.contains("HELLO, TERN!"))
            let created = try await client.post("/api/greetings", headers: [.contentType: "application/json"], body: #"{"name":"tern","times":2}"#)
            #expect(created.status == 201)
            #expect(created.text.contains("Hello, tern! Hello, tern!"))
            let refused = try await client.post("/api/greetings", headers: [.contentType: "application/json"], body: #"{"name":"tern","times":11}"#)
            #expect(refused.status == 422)
        }
    }

    @Test(arguments: TestMode.allCases)
    func badInputIsAProblemNotACrash(mode: TestMode) async throws {
        try await GreetingsAPI.application().test(mode) { client in
            let malformed = try await client.post("/api/greetings", headers: [.contentType: "application/json"], body: #"{"name":"#)
            #expect(malformed.status == 400)
            #expect(malformed.field("content-type") == "application/problem+json")
            let badEnum = try await client.get("/api/greetings/tern?style=whisper")
            #expect(badEnum.status == 400)
            #expect(try await client.get("/api/nowhere").status == 404)
        }
    }
}
