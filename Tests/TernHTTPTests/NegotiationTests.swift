import Testing
import TernHTTP

@Suite("Content negotiation — RFC 9110 section 12")
struct NegotiationTests {
    static let example = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5"

    /// Section 12.5.1, Table 5. RFC 9110 prints 0.7 for `text/html;level=3`, which its own
    /// precedence rule cannot give: only `text/*` (0.3) and `*/*` (0.5) cover it, and the more
    /// specific wins. Erratum 7138 says so; Tern follows the rule.
    @Test(arguments: [
        ("text/plain;format=flowed", 1000),
        ("text/plain", 700),
        ("text/html", 300),
        ("image/jpeg", 500),
        ("text/plain;format=fixed", 400),
        ("text/html;level=3", 300),
    ])
    func qualityTable(type: String, thousandths: Int) throws {
        let mediaType = try #require(MediaType(type))
        #expect(Accept(Self.example).quality(of: mediaType).thousandths == thousandths)
    }

    /// Section 12.5.1's first examples.
    @Test func audioExample() throws {
        let accept = Accept("audio/*; q=0.2, audio/basic")
        #expect(accept.bestMatch(in: [MediaType("audio/mpeg")!, MediaType("audio/basic")!]) == MediaType("audio/basic"))
        #expect(accept.quality(of: MediaType("audio/mpeg")!).thousandths == 200)
        #expect(accept.bestMatch(in: [.json]) == nil)
    }

    @Test func preferenceExample() throws {
        let accept = Accept("text/plain; q=0.5, text/html, text/x-dvi; q=0.8, text/x-c")
        let dvi = MediaType("text/x-dvi")!
        #expect(accept.bestMatch(in: [.plainText, dvi]) == dvi)
        #expect(accept.bestMatch(in: [.plainText, .html, MediaType("text/x-c")!]) == .html, "equal quality: the server's order")
    }

    @Test func precedenceExample() throws {
        let accept = Accept("text/*, text/plain, text/plain;format=flowed, */*")
        #expect(accept.elements.count == 4)
        #expect(accept.quality(of: .json) == .one)
    }

    @Test func zeroExcludes() {
        let accept = Accept("application/json;q=0, */*")
        #expect(accept.bestMatch(in: [.json, .xml]) == .xml)
        #expect(Accept("*/*;q=0").bestMatch(in: [.json]) == nil)
        #expect(Accept("application/*;q=0, application/xml").bestMatch(in: [.json, .xml]) == .xml, "more specific overrides")
    }

    @Test func demoTypes() {
        #expect(Accept("application/xml").bestMatch(in: [.json, .xml, .csv]) == .xml)
        #expect(Accept("text/csv, application/json;q=0.5").bestMatch(in: [.json, .xml, .csv]) == .csv)
        #expect(Accept("*/*").bestMatch(in: [.json, .xml, .csv]) == .json)
        #expect(Accept("image/png").bestMatch(in: [.json, .xml, .csv]) == nil)
        #expect(Accept(fieldValues: []) == nil, "no Accept: anything goes, the caller picks its default")
    }

    /// A field that names no media range says nothing: it counts as no `Accept`.
    @Test(arguments: [[""], [","], [" , ,"], ["", ""], ["nonsense"], [";q=0.5"]])
    func aFieldWithNoMediaRangeIsNoField(values: [String]) {
        #expect(Accept(fieldValues: values) == nil)
    }

    @Test func malformedElementsAreDroppedOthersKept() {
        let accept = Accept("text/html;q=2, foo, application/json;q=0.5, text/\"x\", */*;q=0.abcd, application/xml")
        #expect(accept.elements.map(\.range) == [.json, .xml])
        #expect(Accept("text/html; q=0.5; level=1").elements.first?.quality.thousandths == 500, "accept-ext after q is skipped")
    }

    @Test(arguments: [("1", 1000), ("1.", 1000), ("1.000", 1000), ("0", 0), ("0.5", 500), ("0.25", 250), ("0.125", 125)])
    func qualityValues(text: String, thousandths: Int) {
        #expect(QualityValue(text)?.thousandths == thousandths)
    }

    @Test(arguments: ["1.001", "2", "0.1234", ".5", "-0", "1.5", "0,5", ""])
    func invalidQualityValues(text: String) {
        #expect(QualityValue(text) == nil)
    }

    @Test func mediaTypeCaseRules() throws {
        let type = try #require(MediaType("Text/HTML; Charset=\"UTF-8\"; Level=A"))
        #expect(type.description == "text/html;charset=utf-8;level=A")
        #expect(MediaType("text/html;charset=utf-8") == MediaType("TEXT/html;CHARSET=Utf-8"))
        #expect(MediaType("text/html;level=a") != MediaType("text/html;level=A"), "other values are case-sensitive")
        #expect(MediaType("application/json;x=\"a b\"")?.description == "application/json;x=\"a b\"")
    }

    @Test(arguments: ["text", "text/", "/html", "text/html/x", "text /html", "*/*", "text/*", "*/html", "text/html;", "text/html;x", "text/html;x=", "text/html x"])
    func invalidMediaTypes(text: String) {
        #expect(MediaType(text) == nil)
    }

    /// Section 12.5.3.
    @Test func acceptEncoding() {
        #expect(AcceptEncoding("gzip").bestMatch(in: ["gzip", "identity"]) == "gzip")
        #expect(AcceptEncoding("gzip;q=0.5, identity").bestMatch(in: ["gzip", "identity"]) == "identity")
        #expect(AcceptEncoding("compress, gzip").bestMatch(in: ["br", "identity"]) == "identity", "identity unless excluded")
        #expect(AcceptEncoding("").bestMatch(in: ["gzip", "identity"]) == "identity", "empty: identity only")
        #expect(AcceptEncoding("*").bestMatch(in: ["gzip", "identity"]) == "gzip")
        #expect(AcceptEncoding("compress;q=0.5, gzip;q=1.0").bestMatch(in: ["compress", "gzip"]) == "gzip")
        #expect(AcceptEncoding("gzip;q=1.0, identity; q=0.5, *;q=0").bestMatch(in: ["br", "identity"]) == "identity")
        #expect(AcceptEncoding("identity;q=0").bestMatch(in: ["identity"]) == nil)
        #expect(AcceptEncoding("*;q=0").bestMatch(in: ["identity", "gzip"]) == nil)
        #expect(AcceptEncoding("*;q=0, identity").bestMatch(in: ["gzip", "identity"]) == "identity")
        #expect(AcceptEncoding("X-GZIP").bestMatch(in: ["gzip"]) == "gzip", "x-gzip is gzip")
    }
}

@Suite("Quoting")
struct QuotingTests {
    /// Found by FuzzMediaType: a backslash followed by a combining mark is a single Character,
    /// and escaping by Character left it bare.
    @Test func backslashBeforeACombiningMarkIsEscaped() throws {
        let type = MediaType(type: "text", subtype: "plain", parameters: [.init(name: "x", value: "a\\\u{301}b")])
        #expect(type.description == "text/plain;x=\"a\\\\\u{301}b\"")
        #expect(MediaType(type.description) == type)
    }
}
