import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Synchronization
import Testing
import TernHTTP
@testable import TernJSON

struct Item: Encodable, Sendable {
    let id: Int
    let name: String
    let price: Double?
}

struct Box: Encodable, Sendable {
    let items: [Item]
}

@Suite("Negotiated representations: JSON, XML, CSV")
struct NegotiationRenderingTests {
    let box = Box(items: [
        Item(id: 1, name: "plain", price: 1.5),
        Item(id: 2, name: "a, \"quoted\"\nline <&>", price: nil),
        Item(id: 3, name: "=SUM(A1)", price: -2),
    ])
    let representations: [Representation<Box>] = [.json, .xml(root: "box"), .csv { $0.items }]

    func negotiate(_ accept: String?) throws -> Response {
        var fields = HTTPFields()
        if let accept { fields[.accept] = accept }
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/box", headerFields: fields))
        return try Response(negotiating: box, for: request, representations: representations, entityTag: EntityTag("7-3"), headerFields: [.vary: "Origin"])
    }

    @Test(arguments: [
        (nil as String?, "application/json", #""7-3""#),
        ("*/*", "application/json", #""7-3""#),
        ("application/xml", "application/xml;charset=utf-8", #""7-3-xml""#),
        ("text/*;q=0.9, application/json;q=0.5", "text/csv;charset=utf-8;header=present", #""7-3-csv""#),
        ("application/*;q=0.5, application/xml;q=0", "application/json", #""7-3""#),
        ("text/csv;q=1, application/xml;q=1", "application/xml;charset=utf-8", #""7-3-xml""#),
        ("*/*;q=0.1, application/json;q=0", "application/xml;charset=utf-8", #""7-3-xml""#),
    ])
    func choosesByAccept(accept: String?, contentType: String, tag: String) throws {
        let response = try negotiate(accept)
        #expect(response.headerFields[.contentType] == contentType)
        #expect(response.headerFields[.vary] == "Origin, Accept")
        #expect(response.headerFields[.eTag] == tag, "each representation has its own strong tag")
    }

    @Test func theCallersFieldsOfTheNamesItSetsAreReplacedNotRepeated() throws {
        var fields: HTTPFields = [.contentType: "text/plain", .eTag: #""old""#, .cacheControl: "no-cache"]
        fields.append(HTTPField(name: .eTag, value: #""older""#))
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/box", headerFields: [:]))
        let response = try Response(
            negotiating: box, for: request, representations: representations, entityTag: EntityTag("7-3"), headerFields: fields)
        #expect(response.headerFields[values: .contentType] == ["application/json"])
        #expect(response.headerFields[values: .eTag] == [#""7-3""#])
        #expect(response.headerFields[.cacheControl] == "no-cache")
        #expect(response.headerFields[values: .vary] == ["Accept"])
    }

    @Test(arguments: ["text/html", "application/json;q=0, application/xml;q=0, text/csv;q=0", "image/*"])
    func nothingAcceptableIs406(accept: String) throws {
        let error = try #require(throws: HTTPError.self) { try negotiate(accept) }
        #expect(error.status == .notAcceptable)
        #expect(error.headerFields[.vary] == "Accept")
        #expect(error.problem.detail == "available representations: application/json, application/xml, text/csv")
    }

    @Test func xmlParsesAndEscapes() throws {
        let bytes = try #require(try negotiate("application/xml").body.bufferedBytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(!text.contains("<price></price>"), "an absent member is absent")
        #expect(text.contains("a, \"quoted\"\nline &lt;&amp;&gt;"))
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        #expect(parser.parse(), "well-formed")
        #expect(collector.names.prefix(4) == ["box", "items", "item", "id"])
        #expect(collector.texts["name"] == ["plain", "a, \"quoted\"\nline <&>", "=SUM(A1)"])
    }

    @Test func csvParsesBackToTheRows() throws {
        let bytes = try #require(try negotiate("text/csv").body.bufferedBytes)
        let rows = try #require(CSVReader.rows(String(decoding: bytes, as: UTF8.self)))
        #expect(rows == [
            ["id", "name", "price"],
            ["1", "plain", "1.5"],
            ["2", "a, \"quoted\"\nline <&>", ""],
            ["3", "'=SUM(A1)", "-2"],
        ])
    }

    @Test(arguments: [("user", "user"), ("1st", "_1st"), ("a b", "a_b"), ("xmlThing", "_xmlThing"), ("", "_")])
    func elementNames(name: String, expected: String) {
        #expect(XMLRendering.elementName(name) == expected)
    }

    @Test func nullIsAnEmptyElementMarkedNil() {
        let document = XMLRendering.document(.object([("next_cursor", .null), ("n", .number("1"))]), root: "page")
        #expect(String(decoding: document, as: UTF8.self).hasSuffix(#"<page><next_cursor nil="true"/><n>1</n></page>"# + "\n"))
    }

    @Test func controlCharactersXMLCannotCarryAreReplaced() {
        var out: [UInt8] = []
        XMLRendering.escape("a\u{1}b\u{FFFE}c\td", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a\u{FFFD}b\u{FFFD}c\td")
    }

    @Test func treeKeepsNumbersAndEscapes() throws {
        let text = #"{"a":[1.10,-0,2e3,true,null],"b":"\u00e9\ud83d\ude00\n\"x\""}"#
        let tree = try #require(JSONTree(parsing: Array(text.utf8)))
        var out: [UInt8] = []
        tree.write(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"a":[1.10,-0,2e3,true,null],"b":"é😀\n\"x\""}"#)
        #expect(JSONTree(parsing: Array("[1,".utf8)) == nil)
    }
}

/// Element names in document order and the text of each leaf, by name.
final class ElementCollector: NSObject, XMLParserDelegate {
    var names: [String] = []
    var texts: [String: [String]] = [:]
    private var current = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        names.append(elementName)
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if !current.isEmpty { texts[elementName, default: []].append(current) }
        current = ""
    }
}

/// A strict RFC 4180 reader for tests: CRLF lines, quoted fields with doubled quotes.
enum CSVReader {
    static func rows(_ text: String) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append(characters.removeFirst())
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == "," {
                row.append(field)
                field = ""
            } else if scalar == "\r" {
                guard characters.popFirst() == "\n" else { return nil }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        return quoted || !row.isEmpty || !field.isEmpty ? nil : rows
    }
}

@Suite("Negotiated responses answer preconditions before rendering")
struct NegotiationPreconditionTests {
    struct Counted: Encodable, Sendable {
        let renders: Counter
        func encode(to encoder: any Encoder) throws {
            renders.add()
            var container = encoder.singleValueContainer()
            try container.encode("body")
        }
    }

    final class Counter: Sendable {
        private let value = Synchronization.Atomic<Int>(0)
        func add() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    func respond(
        _ method: HTTPRequest.Method, _ fields: HTTPFields, status: HTTPResponse.Status = .ok,
        callerFields: HTTPFields = [.cacheControl: "no-cache"], counter: Counter
    ) throws -> Response {
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "t", path: "/x", headerFields: fields))
        return try Response(
            negotiating: Counted(renders: counter), for: request, representations: [.json, .xml(root: "x")], status: status,
            entityTag: EntityTag("5"), lastModified: HTTPDate("Sat, 21 Nov 2026 10:00:00 GMT"), headerFields: callerFields)
    }

    @Test func notModifiedWithoutRendering() throws {
        let counter = Counter()
        let response = try respond(.get, [.ifNoneMatch: #""5""#], counter: counter)
        #expect(response.status == .notModified)
        #expect(response.headerFields[.vary] == "Accept")
        #expect(response.headerFields[.eTag] == #""5""#)
        #expect(response.headerFields[.contentType] == nil)
        #expect(counter.count == 0)
        let xml = try respond(.head, [.ifNoneMatch: #""5-xml""#, .accept: "application/xml"], counter: counter)
        #expect(xml.status == .notModified, "the XML representation's own tag")
        #expect(try respond(.get, [.ifNoneMatch: #""5""#, .accept: "application/xml"], counter: counter).status == .ok, "another representation's tag")
        #expect(counter.count == 1)
    }

    /// Each thread remembers the 304 fields it made last: another tag, or other caller fields,
    /// get fields of their own.
    @Test func notModifiedFieldsFollowTheTagAndTheCallersFields() throws {
        let counter = Counter()
        let json = try respond(.get, [.ifNoneMatch: #""5""#], counter: counter)
        let xml = try respond(.get, [.ifNoneMatch: #""5-xml""#, .accept: "application/xml"], counter: counter)
        let cached = try respond(.get, [.ifNoneMatch: #""5""#], callerFields: [.cacheControl: "max-age=60", .vary: "Origin"], counter: counter)
        let again = try respond(.get, [.ifNoneMatch: #""5""#], counter: counter)
        #expect([json, xml, cached, again].map(\.status) == [.notModified, .notModified, .notModified, .notModified])
        #expect([json, xml, cached, again].map { $0.headerFields[.eTag] } == [#""5""#, #""5-xml""#, #""5""#, #""5""#])
        #expect([json, xml, cached, again].map { $0.headerFields[.cacheControl] } == ["no-cache", "no-cache", "max-age=60", "no-cache"])
        #expect([json, xml, cached, again].map { $0.headerFields[.vary] } == ["Accept", "Accept", "Origin, Accept", "Accept"])
        #expect(counter.count == 0)
    }

    @Test func otherOutcomes() throws {
        let counter = Counter()
        #expect(throws: HTTPError.self) { try respond(.get, [.ifMatch: #""4""#], counter: counter) }
        #expect(try respond(.get, [.ifModifiedSince: "Sat, 21 Nov 2026 10:00:00 GMT"], counter: counter).status == .notModified)
        #expect(try respond(.put, [.ifNoneMatch: #""5""#], counter: counter).status == .ok, "writes check their own preconditions")
        #expect(try respond(.get, [.ifNoneMatch: #""5""#], status: .created, counter: counter).status == .created)
    }
}
