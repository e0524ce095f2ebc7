import Foundation
import Testing
import TernJSON

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
