import Testing
import TernHTTP

@Suite("Context storage")
struct ContextStorageTests {
    private enum Name: ContextKey { typealias Value = String }
    private enum Count: ContextKey { typealias Value = Int }

    @Test func valuesAreKeptPerKeyReplacedAndRemoved() {
        var storage = ContextStorage()
        #expect(storage[Name.self] == nil)
        storage[Name.self] = "alice"
        storage[Count.self] = 1
        #expect(storage[Name.self] == "alice" && storage[Count.self] == 1)
        storage[Name.self] = "bob"
        #expect(storage[Name.self] == "bob" && storage[Count.self] == 1)
        storage[Name.self] = nil
        #expect(storage[Name.self] == nil && storage[Count.self] == 1)
        storage[Name.self] = nil
        storage[Name.self] = "carol"
        #expect(storage[Name.self] == "carol" && storage[Count.self] == 1)
    }

    @Test func aCopyIsIndependent() {
        var first = ContextStorage()
        first[Name.self] = "alice"
        var second = first
        second[Name.self] = "bob"
        #expect(first[Name.self] == "alice" && second[Name.self] == "bob")
    }
}
