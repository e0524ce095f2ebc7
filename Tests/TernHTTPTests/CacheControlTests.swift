import Testing
import TernHTTP

@Suite("Cache-Control — RFC 9111 section 5.2")
struct CacheControlTests {
    @Test func requestDirectives() {
        let value = CacheControl("max-age=0, max-stale, min-fresh=30, no-cache, no-store, no-transform, only-if-cached")
        #expect(value.maxAge == 0)
        #expect(value.maxStale == .any)
        #expect(value.minFresh == 30)
        #expect(value.noCache == [])
        #expect(value.noStore && value.noTransform && value.onlyIfCached)
        #expect(CacheControl("max-stale=60").maxStale == .seconds(60))
    }

    @Test func responseDirectives() {
        let value = CacheControl(#"public, private="Set-Cookie, X-Token", no-cache="set-cookie", must-revalidate, must-understand, proxy-revalidate, s-maxage=600, max-age=60"#)
        #expect(value.public)
        #expect(value.private == ["set-cookie", "x-token"])
        #expect(value.noCache == ["set-cookie"])
        #expect(value.mustRevalidate && value.mustUnderstand && value.proxyRevalidate)
        #expect(value.sMaxAge == 600)
        #expect(value.maxAge == 60)
    }

    @Test func leniency() {
        #expect(CacheControl("MAX-AGE=5").maxAge == 5, "names are case-insensitive")
        #expect(CacheControl("max-age=\"5\"").maxAge == 5, "quoted form is accepted")
        #expect(CacheControl("max-age=abc, no-store").maxAge == nil)
        #expect(CacheControl("max-age=abc, no-store").noStore)
        #expect(CacheControl("max-age=99999999999999").maxAge == 2_147_483_648, "capped")
        #expect(CacheControl("max-age=-1").maxAge == nil)
        #expect(CacheControl(", ,no-store,,").noStore)
        #expect(CacheControl("foo=\"a, b\", bar").extensions == [.init(name: "foo", value: "a, b"), .init(name: "bar")])
        #expect(CacheControl("max-age 5, no-store").maxAge == nil)
        #expect(CacheControl("max-age 5, no-store").noStore, "a broken element does not spoil the rest")
    }

    @Test func serializes() {
        var value = CacheControl()
        value.maxAge = 60
        value.noCache = []
        value.private = ["set-cookie"]
        value.extensions = [.init(name: "stale-while-revalidate", value: "30")]
        #expect(value.description == #"private="set-cookie", no-cache, max-age=60, stale-while-revalidate=30"#)
        #expect(CacheControl(fieldValues: ["no-store", "max-age=0"]).description == "no-store, max-age=0")
    }

    /// Found by FuzzCacheControl: field names were written between quotes unescaped.
    @Test func fieldNameListsAreEscaped() {
        let value = CacheControl(#"private="a\\b, c""#)
        #expect(value.private == ["a\\b", "c"])
        #expect(CacheControl(value.description) == value)
    }

    /// Found by FuzzCacheControl: the names were split on Characters, and U+070F (a prepended
    /// scalar) joins the comma after it into one Character, so the written list read back as
    /// one name.
    @Test func fieldNamesSplitOnTheCommaByte() {
        let value = CacheControl("private=\"\u{070F}\t , x\"")
        #expect(value.private == ["\u{070F}", "x"])
        #expect(CacheControl(value.description) == value)
    }
}
