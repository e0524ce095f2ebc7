import HTTPTypes
import Testing
import TernHTTP

@Suite("Header field helpers")
struct HTTPFieldsTests {
    private static let custom = HTTPField.Name("X-Custom")!

    /// Lines as `name: value` strings, in order.
    private static func lines(_ fields: HTTPFields) -> [String] {
        fields.map { "\($0.name.canonicalName): \($0.value)" }
    }

    // RFC 9110 section 12.5.5: Vary is a list; a name already listed (in any case) or `*` is not repeated.
    @Test(arguments: [
        ([String](), "Accept", ["vary: Accept"]),
        (["Accept"], "Accept-Encoding", ["vary: Accept, Accept-Encoding"]),
        (["Accept, accept-encoding"], "Accept-Encoding", ["vary: Accept, accept-encoding"]),
        (["Accept ,\t Origin"], "origin", ["vary: Accept ,\t Origin"]),
        (["*"], "Accept", ["vary: *"]),
        (["Accept", "Origin"], "Origin", ["vary: Accept", "vary: Origin"]),
        (["Accept", "Origin"], "Cookie", ["vary: Accept, Origin, Cookie"]),
        ([","], "Accept", ["vary: ,, Accept"]),
    ])
    func appendVary(existing: [String], name: String, expected: [String]) {
        var fields = HTTPFields([HTTPField(name: .contentType, value: "text/plain")] + existing.map { HTTPField(name: .vary, value: $0) })
        fields.appendVary(name)
        #expect(Self.lines(fields).filter { $0.hasPrefix("vary") } == expected)
        #expect(fields[.contentType] == "text/plain")
    }

    /// The line a thread made last by extending a list is reused only for the same list and name.
    @Test func extendingListsOneAfterAnother() {
        for (list, name, expected) in [
            ("Accept", "Accept-Encoding", "Accept, Accept-Encoding"), ("Accept", "Accept-Encoding", "Accept, Accept-Encoding"),
            ("Accept-Language", "Accept-Encoding", "Accept-Language, Accept-Encoding"), ("Accept", "Origin", "Accept, Origin"),
            ("Accept", "Accept-Encoding", "Accept, Accept-Encoding"),
        ] {
            var fields: HTTPFields = [.vary: list]
            fields.appendVary(name)
            #expect(fields[.vary] == expected)
        }
    }

    @Test func setAppendsAnAbsentName() {
        var fields: HTTPFields = [.contentType: "text/plain"]
        fields.set(HTTPField(name: Self.custom, value: "1"))
        #expect(Self.lines(fields) == ["content-type: text/plain", "x-custom: 1"])
    }

    @Test func setReplacesEveryLineOfItsNameAtTheFirstsPlace() {
        var fields = HTTPFields([
            HTTPField(name: Self.custom, value: "a"), HTTPField(name: .contentType, value: "text/plain"),
            HTTPField(name: HTTPField.Name("x-CUSTOM")!, value: "b"), HTTPField(name: .eTag, value: "\"1\""),
        ])
        fields.set(HTTPField(name: Self.custom, value: "c"))
        #expect(Self.lines(fields) == ["x-custom: c", "content-type: text/plain", "etag: \"1\""])
    }

    @Test(arguments: [
        ([String](), nil as String?, nil as String?),
        (["a"], "a", "a"),
        (["a", "b"], "a, b", nil),
    ])
    func valueAndOnlyValue(values: [String], value: String?, only: String?) {
        let fields = HTTPFields([HTTPField(name: .accept, value: "*/*")] + values.map { HTTPField(name: Self.custom, value: $0) })
        #expect(fields.value(of: Self.custom) == value)
        #expect(fields.value(of: Self.custom) == fields[Self.custom])
        #expect(fields.onlyValue(of: Self.custom) == only)
    }
}
