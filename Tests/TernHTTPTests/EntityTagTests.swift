import HTTPTypes
import Testing
import TernHTTP

@Suite("Entity tags — RFC 9110 section 8.8.3")
struct EntityTagTests {
    /// RFC 9110 section 8.8.3.2, Table 3.
    @Test(arguments: [
        (#"W/"1""#, #"W/"1""#, false, true),
        (#"W/"1""#, #"W/"2""#, false, false),
        (#"W/"1""#, #""1""#, false, true),
        (#""1""#, #""1""#, true, true),
    ])
    func comparisonTable(first: String, second: String, strong: Bool, weak: Bool) throws {
        let a = try #require(EntityTag(parsing: first))
        let b = try #require(EntityTag(parsing: second))
        #expect(a.matchesStrongly(b) == strong)
        #expect(a.matchesWeakly(b) == weak)
        #expect(b.matchesStrongly(a) == strong, "symmetric")
    }

    /// Section 8.8.3's examples, and the unquoted tag Vapor sends, which is not one.
    @Test(arguments: [
        (#""xyzzy""#, "xyzzy", false),
        (#"W/"xyzzy""#, "xyzzy", true),
        (#""""#, "", false),
        ("\"a!#~\u{80}\"", "a!#~\u{80}", false),
    ])
    func parses(text: String, opaque: String, weak: Bool) throws {
        let tag = try #require(EntityTag(parsing: text))
        #expect(tag.opaqueTag == opaque)
        #expect(tag.isWeak == weak)
        #expect(tag.description == text)
    }

    @Test(arguments: ["xyzzy", #"w/"xyzzy""#, #"W/xyzzy"#, #""xy"zzy""#, #""xyzzy"#, #" "xyzzy""#, #""xy zzy""#, "\"a\u{1}\"", ""])
    func rejects(text: String) {
        #expect(EntityTag(parsing: text) == nil)
    }

    @Test func contentTagsAreStableAndDistinct() {
        let a = EntityTag.strong(forContent: Array(#"{"id":1}"#.utf8))
        #expect(a == EntityTag.strong(forContent: Array(#"{"id":1}"#.utf8)))
        #expect(a != EntityTag.strong(forContent: Array(#"{"id":2}"#.utf8)))
        #expect(!a.isWeak)
        #expect(a.opaqueTag.count == 16)
        #expect(EntityTag(parsing: a.description) == a)
    }

    @Test func fileTagsChangeWithAnyOfInodeSizeAndNanoseconds() {
        let base = EntityTag.strong(inode: 42, size: 1000, modifiedNanoseconds: 1_700_000_000_000_000_001)
        #expect(base != EntityTag.strong(inode: 43, size: 1000, modifiedNanoseconds: 1_700_000_000_000_000_001))
        #expect(base != EntityTag.strong(inode: 42, size: 1001, modifiedNanoseconds: 1_700_000_000_000_000_001))
        #expect(base != EntityTag.strong(inode: 42, size: 1000, modifiedNanoseconds: 1_700_000_000_000_000_002), "within one second")
        #expect(EntityTag(parsing: base.description) == base)
    }

    @Test(arguments: [
        ([#""xyzzy""#], EntityTagCondition.tags([EntityTag("xyzzy")])),
        ([#""xyzzy", "r2d2xxxx", "c3piozzzz""#], .tags([EntityTag("xyzzy"), EntityTag("r2d2xxxx"), EntityTag("c3piozzzz")])),
        ([#"W/"xyzzy", W/"r2d2xxxx""#], .tags([EntityTag("xyzzy", weak: true), EntityTag("r2d2xxxx", weak: true)])),
        (["*"], .any),
        ([" , \"a\" ,, \"b\" , "], .tags([EntityTag("a"), EntityTag("b")])),
        ([#""a""#, #""b""#], .tags([EntityTag("a"), EntityTag("b")])),
        (["\"a\" \"b\""], .tags([])),
        (["*, \"a\""], .tags([])),
        (["a"], .tags([])),
    ])
    func conditionLists(values: [String], expected: EntityTagCondition) {
        #expect(EntityTagCondition(fieldValues: values) == expected)
    }
}
