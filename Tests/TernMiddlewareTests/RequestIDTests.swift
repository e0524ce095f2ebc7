import HTTPTypes
import Testing
import TernHTTP
import TernMiddleware

@Suite("RequestID")
struct RequestIDTests {
    let name = RequestID.fieldName

    @Test(arguments: ["abc", "req-42_x.y", String(repeating: "a", count: 128), "!~"])
    func keepsASaneClientID(id: String) async throws {
        let response = try await RequestID().handle(request(.get, "/", [name: id]), context: context(), next: answer())
        #expect(response.headerFields[name] == id)
    }

    @Test(arguments: ["", "has space", String(repeating: "a", count: 129), "tab\there", "é"])
    func replacesAnInsaneOne(id: String) async throws {
        let response = try await RequestID().handle(request(.get, "/", [name: id]), context: context(), next: answer())
        let generated = try #require(response.headerFields[name])
        #expect(generated != id)
        #expect(generated.utf8.allSatisfy { (0x21...0x7E).contains($0) })
    }

    @Test func generatesUniqueIDsAndPassesThemOn() async throws {
        let middleware = RequestID()
        var seen = Set<String>()
        for _ in 0..<100 {
            let response = try await middleware.handle(request(), context: context(), next: ClosureResponder { _, context in
                Response(status: .ok, body: .string("\(RequestID.current(in: context) ?? "")|\(context.logger[metadataKey: "request-id"].map { "\($0)" } ?? "")"))
            })
            let id = try #require(response.headerFields[name])
            #expect(response.body.bufferedBytes == Array("\(id)|\(id)".utf8), "in the context and the logger")
            seen.insert(id)
        }
        #expect(seen.count == 100)
    }

    @Test func twoClientIDsAreReplaced() async throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: name, value: "a"))
        fields.append(HTTPField(name: name, value: "b"))
        let response = try await RequestID().handle(request(.get, "/", fields), context: context(), next: answer())
        #expect(response.headerFields[name] != "a" && response.headerFields[name] != "b")
    }

    @Test func errorResponsesCarryTheID() async throws {
        let response = try await RequestID().handle(request(.get, "/", [name: "abc"]), context: context(), next: ClosureResponder { _, _ in
            throw HTTPError(.notFound, detail: "no such thing")
        })
        #expect(response.status == .notFound)
        #expect(response.headerFields[name] == "abc")
    }

    @Test func newIDsAreTheRandomPrefixThenTheCounterInHex() {
        let requestID = RequestID()
        let ids = (1...300).map { _ in requestID.newID() }
        let prefix = ids[0].prefix { $0 != "-" }
        #expect(prefix.count == 8 && prefix.allSatisfy(\.isHexDigit))
        #expect(ids.map { String($0.dropFirst(prefix.count)) } == (1...300).map { "-" + String($0, radix: 16) })
    }
}
