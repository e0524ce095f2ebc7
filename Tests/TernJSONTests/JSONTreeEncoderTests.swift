import Foundation
import Testing
@testable import TernJSON

/// Tern's encoder against Foundation's, configured alike: the same bytes.
@Suite("JSONCoding.encode matches Foundation's JSONEncoder")
struct JSONTreeEncoderTests {
    struct Address: Codable, Equatable {
        let street: String
        let zip: String?
    }

    struct Person: Codable, Equatable {
        let id: Int64
        let name: String
        let nickname: String?
        let score: Double
        let tags: [String]
        let address: Address
        let friends: [Address]
        let born: Date
        let ratio: Float
        let small: Int8
        let big: UInt64
        let flag: Bool
        let attributes: [String: Int]
        let matrix: [[Int]]
        let data: Data
        let url: URL
    }

    /// Encodes explicit nulls, nested containers and a super encoder by hand.
    struct Manual: Encodable {
        enum Keys: String, CodingKey { case zeta, alpha, nested, list, parent }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeNil(forKey: .zeta)
            try container.encode("first", forKey: .alpha)
            try container.encode("second", forKey: .alpha)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(1, forKey: .list)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(true)
            try list.encodeNil()
            var inner = list.nestedUnkeyedContainer()
            try inner.encode(2.5)
            try "base".encode(to: container.superEncoder(forKey: .parent))
        }
    }

    static let person = Person(
        id: 42, name: "Zoë \"Z\" O'Neil / \\ \n\t\u{1}", nickname: nil, score: 20.18, tags: ["a", "b/c", ""],
        address: Address(street: "Main St. 1", zip: "12345"), friends: [Address(street: "x", zip: nil)],
        born: Date(timeIntervalSince1970: 1_795_300_905.75), ratio: 0.5, small: -8, big: UInt64.max, flag: true,
        attributes: ["b": 2, "a": 1, "é": 3, "B": 4], matrix: [[1, 2], [], [3]], data: Data([0, 1, 2, 254, 255]),
        url: URL(string: "https://example.com/a?b=c")!)

    func foundation(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self)
    }

    func tern(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }

    @Test func aRichValue() throws {
        #expect(try tern(Self.person) == foundation(Self.person))
        let decoded = try JSONCoding.decoder().decode(Person.self, from: Data(try JSONCoding.encode(Self.person)))
        #expect(decoded.name == Self.person.name && decoded.attributes == Self.person.attributes)
    }

    @Test func handWrittenContainers() throws {
        #expect(try tern(Manual()) == foundation(Manual()))
    }

    @Test(arguments: [0.0, 1.0, -2.0, 1.5, 0.1, 20.18, 1.008, 123456789.125, -0.25, 1e14, 4.0026])
    func doubles(value: Double) throws {
        #expect(try tern([value]) == foundation([value]))
    }

    @Test func topLevelValues() throws {
        #expect(try tern("text") == foundation("text"))
        #expect(try tern(7) == foundation(7))
        #expect(try tern(Optional<Int>.none) == "null")
        #expect(try tern([String: String]()) == "{}")
        #expect(try tern([Int]()) == "[]")
    }

    /// Members that come out of key order, a key written twice, a container asked for twice:
    /// written in order, then put in key order, the last value of a key kept.
    struct OutOfOrder: Encodable {
        enum Keys: String, CodingKey { case zeta, alpha, mid, a, ab, abc, aB, space = "a b" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .zeta)
            try container.encode("first", forKey: .alpha)
            try container.encode([3, 4], forKey: .abc)
            var again = encoder.container(keyedBy: Keys.self)
            try again.encode(["k": "v"], forKey: .mid)
            try again.encode("second", forKey: .alpha)
            try container.encode(true, forKey: .ab)
            try container.encode(Optional<Int>.none, forKey: .aB)
            try container.encode(0.5, forKey: .space)
            try container.encode("last", forKey: .a)
            try container.encode("third", forKey: .alpha)
        }
    }

    /// A member whose value fails, its error caught by the value itself: no trace of it.
    struct SwallowsAnError: Encodable {
        enum Keys: String, CodingKey { case b, bad, a, list }
        struct Fails: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(1, forKey: .a)
                try container.encode(Double.nan, forKey: .b)
            }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(2, forKey: .b)
            try? container.encode(Fails(), forKey: .bad)
            var list = encoder.container(keyedBy: Keys.self)
            try list.encode([1], forKey: .list)
            try container.encode(3, forKey: .a)
        }
    }

    /// Two values in a single-value container: the tree's answer, the last one.
    struct SingleTwice: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(1)
            try container.encode("two")
        }
    }

    struct EncodesNothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    /// A container kept past its value's encoding and written to while a sibling encodes,
    /// at the same depth: the write belongs to the first value, as with the tree.
    final class KeptContainer: @unchecked Sendable {
        var container: KeyedEncodingContainer<Pair.Keys>?
    }

    struct Pair: Encodable {
        enum Keys: String, CodingKey { case first, second, late }
        let kept: KeptContainer
        let keeps: Bool

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(keeps ? "first" : "second", forKey: .first)
            if keeps {
                kept.container = container
            } else {
                try kept.container?.encode("written late", forKey: .late)
            }
        }
    }

    struct Siblings: Encodable {
        let kept = KeptContainer()
        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(Pair(kept: kept, keeps: true))
            try container.encode(Pair(kept: kept, keeps: false))
        }
    }

    @Test func aContainerKeptPastItsValue() throws {
        #expect(try JSONTextEncoder.text(of: Siblings()) == nil)
        #expect(try tern(Siblings()) == #"[{"first":"first","late":"written late"},{"first":"second"}]"#)
        var tree: [UInt8] = []
        try JSONTreeEncoder.tree(of: Siblings()).write(to: &tree)
        #expect(String(decoding: tree, as: UTF8.self) == (try tern(Siblings())))
    }

    /// A single value that fails after writing part of itself, the error caught: no trace of
    /// it, the value written `{}` as by the tree.
    struct CatchesInSingle: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try? container.encode(SwallowsAnError.Fails())
        }
    }

    @Test func aFailedSingleValueLeavesNoTrace() throws {
        var tree: [UInt8] = []
        try JSONTreeEncoder.tree(of: [CatchesInSingle()]).write(to: &tree)
        #expect(String(decoding: tree, as: UTF8.self) == "[{}]")
        #expect(try tern([CatchesInSingle()]) == "[{}]")
    }

    /// An encoder kept by a value and used after its encoding ended: nothing breaks, and the
    /// next encodings are whole.
    final class KeptEncoder: @unchecked Sendable {
        var encoder: (any Encoder)?
    }

    struct KeepsItsEncoder: Encodable {
        enum Keys: String, CodingKey { case a }
        let kept: KeptEncoder
        func encode(to encoder: any Encoder) throws {
            kept.encoder = encoder
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .a)
        }
    }

    @Test func anEncoderUsedAfterItsEncoding() throws {
        let kept = KeptEncoder()
        #expect(try tern(KeepsItsEncoder(kept: kept)) == #"{"a":1}"#)
        var late = try #require(kept.encoder).container(keyedBy: KeepsItsEncoder.Keys.self)
        try late.encode(2, forKey: .a)
        var list = try #require(kept.encoder).unkeyedContainer()
        try list.encode(3)
        var single = try #require(kept.encoder).singleValueContainer()
        try single.encode(4)
        #expect(try tern(KeepsItsEncoder(kept: KeptEncoder())) == #"{"a":1}"#)
        #expect(try tern(Self.person) == foundation(Self.person))
    }

    /// What a value's encoding asks for decides the path: in order, or through the tree.
    @Test func textInOrderUnlessTheValueNeedsTheTree() throws {
        #expect(try JSONTextEncoder.text(of: Self.person) != nil)
        #expect(try JSONTextEncoder.text(of: OutOfOrder()) != nil)
        #expect(try JSONTextEncoder.text(of: Manual()) == nil)
        #expect(try JSONTextEncoder.text(of: SingleTwice()) == nil)
        #expect(try JSONTextEncoder.text(of: ["a\"b": 1]) == nil)
    }

    @Test func membersPutInKeyOrder() throws {
        #expect(try tern(OutOfOrder()) == #"{"a":"last","a b":0.5,"aB":null,"ab":true,"abc":[3,4],"alpha":"third","mid":{"k":"v"},"zeta":1}"#)
        #expect(try tern(OutOfOrder()) == foundation(OutOfOrder()))
    }

    @Test func aFailedMemberLeavesNoTrace() throws {
        #expect(try tern(SwallowsAnError()) == #"{"a":3,"b":2,"list":[1]}"#)
        var tree: [UInt8] = []
        try JSONTreeEncoder.tree(of: SwallowsAnError()).write(to: &tree)
        #expect(String(decoding: tree, as: UTF8.self) == (try tern(SwallowsAnError())))
    }

    @Test func valuesTheTreeWrites() throws {
        #expect(try tern(SingleTwice()) == #""two""#)
        let escapedKeys = ["a\"b": 1, "a": 2, "\n": 3, "a\\": 4, "b": 5]
        #expect(try tern(escapedKeys) == foundation(escapedKeys))
        #expect(try tern(EncodesNothing()) == "{}")
        #expect(try tern([EncodesNothing()]) == foundation([EncodesNothing()]))
    }

    /// A value that encodes JSON while it is encoded: the inner encoding gets its own encoder,
    /// and both texts are whole; the thread's encoder is reused afterwards.
    struct EncodesJSONInside: Encodable {
        enum Keys: String, CodingKey { case outer, inner }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("o", forKey: .outer)
            let inner = try JSONCoding.encode(JSONTreeEncoderTests.person.address)
            try container.encode(String(decoding: inner, as: UTF8.self), forKey: .inner)
        }
    }

    @Test func anEncodingInsideAnEncoding() throws {
        #expect(try tern(EncodesJSONInside()) == #"{"inner":"{\"street\":\"Main St. 1\",\"zip\":\"12345\"}","outer":"o"}"#)
        #expect(try tern(EncodesJSONInside()) == foundation(EncodesJSONInside()))
        #expect(try tern(Self.person) == foundation(Self.person))
    }

    /// Many threads at once, each with its own encoder.
    @Test func concurrentEncodings() async throws {
        let expected = try foundation(Self.person)
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { try String(decoding: JSONCoding.encode(Self.person), as: UTF8.self) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(texts.count == 64 && texts.allSatisfy { $0 == expected })
    }

    @Test func aLargeObjectInKeyOrder() throws {
        var generator = SystemRandomNumberGenerator()
        let object = Dictionary(uniqueKeysWithValues: (0..<300).map { ("key\($0 &* 7919 % 1000)-\(UInt8.random(in: 0...255, using: &generator))", $0) })
        #expect(try tern(object) == foundation(object))
        #expect(try JSONTextEncoder.text(of: object) != nil)
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try JSONCoding.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONCoding.encode(["x": Double.infinity]) }
    }
}

@Suite("JSONCoding.canonical: one text per JSON value")
struct CanonicalJSONTests {
    @Test(arguments: [
        (#"{"b": 1, "a": [true, null, "x"]}"#, #"{"a":[true,null,"x"],"b":1}"#),
        (#"{"amount": 12.50, "n": 1e2, "z": -0.0}"#, #"{"amount":12.5,"n":100,"z":0}"#),
        (#"{"a": 1, "a": 2}"#, #"{"a":2}"#),
        (#"  "text\u0041"  "#, #""textA""#),
        (#"{"o": {"y": 1, "x": {"b": 2, "a": 1}}}"#, #"{"o":{"x":{"a":1,"b":2},"y":1}}"#),
    ])
    func canonicalForms(text: String, canonical: String) {
        #expect(String(decoding: JSONCoding.canonical(Array(text.utf8)), as: UTF8.self) == canonical)
    }

    @Test func notJSONIsLeftAlone() {
        #expect(JSONCoding.canonical(Array("not json".utf8)) == Array("not json".utf8))
    }
}
