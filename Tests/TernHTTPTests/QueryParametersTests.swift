import Testing
import TernHTTP

@Suite("Query parameters — application/x-www-form-urlencoded")
struct QueryParametersTests {
    @Test func decodesPairsInOrder() throws {
        let query = try #require(QueryParameters("a=1&b=two+words&a=%C3%A9&empty=&flag&&c=x%3Dy"))
        #expect(query["a"] == "1")
        #expect(query.values("a") == ["1", "é"])
        #expect(query["b"] == "two words")
        #expect(query["empty"] == "")
        #expect(query["flag"] == "")
        #expect(query["c"] == "x=y")
        #expect(query["missing"] == nil)
        #expect(query.pairs.count == 6)
    }

    @Test func noQueryIsEmpty() throws {
        #expect(try #require(QueryParameters(nil)).pairs.isEmpty)
    }

    @Test(arguments: ["a=%", "a=%4", "a=%ZZ", "%FF=1", "a=%C3"])
    func invalidEncodingIsRefused(query: Substring) {
        #expect(QueryParameters(query) == nil)
    }
}
