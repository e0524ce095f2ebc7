import HTTPTypes
import Testing
import TernHTTP
@testable import TernJSON

@Suite("RenderedBodies: a body rendered once per target and strong tag")
struct RenderedBodiesTests {
    typealias Counted = NegotiationPreconditionTests.Counted
    typealias Counter = NegotiationPreconditionTests.Counter

    func respond(
        _ path: String, tag: EntityTag?, accept: String? = nil, fields callerFields: HTTPFields = [:], lastModified: HTTPDate? = nil,
        bodies: RenderedBodies, counter: Counter
    ) throws -> Response {
        var fields = HTTPFields()
        if let accept { fields[.accept] = accept }
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: path, headerFields: fields))
        return try Response(
            negotiating: Counted(renders: counter), for: request, representations: [.json, .xml(root: "x")], entityTag: tag,
            lastModified: lastModified, headerFields: callerFields, reusing: bodies)
    }

    @Test func aStrongTagIsRenderedOncePerTargetAndRepresentation() throws {
        let bodies = RenderedBodies()
        let counter = Counter()
        let first = try respond("/x", tag: EntityTag("1-1"), bodies: bodies, counter: counter)
        let again = try respond("/x", tag: EntityTag("1-1"), bodies: bodies, counter: counter)
        #expect(counter.count == 1)
        #expect(again.body.bufferedBytes == first.body.bufferedBytes)
        #expect(again.body.bufferedBytes == Array(#""body""#.utf8))
        let xml = try respond("/x", tag: EntityTag("1-1"), accept: "application/xml", bodies: bodies, counter: counter)
        #expect(counter.count == 2, "the XML representation has a tag of its own")
        #expect(xml.body.bufferedBytes != first.body.bufferedBytes)
        _ = try respond("/x", tag: EntityTag("1-2"), bodies: bodies, counter: counter)
        #expect(counter.count == 3, "a new tag: the resource changed")
        _ = try respond("/y", tag: EntityTag("1-2"), bodies: bodies, counter: counter)
        #expect(counter.count == 4, "another target that happens to share the tag")
        _ = try respond("/x?page=2", tag: EntityTag("1-2"), bodies: bodies, counter: counter)
        #expect(counter.count == 5, "the query is part of the target")
    }

    @Test func theFieldsKeptWithABodyAreTheOnesTheCallerAsksFor() throws {
        let bodies = RenderedBodies()
        let counter = Counter()
        let epoch = HTTPDate(secondsSince1970: 0)
        let first = try respond("/x", tag: EntityTag("1-1"), fields: [.cacheControl: "no-cache"], lastModified: epoch, bodies: bodies, counter: counter)
        #expect(first.headerFields[.cacheControl] == "no-cache")
        #expect(first.headerFields[.eTag] == #""1-1""#)
        #expect(first.headerFields[.lastModified] == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(first.headerFields[.vary] == "Accept")
        let again = try respond("/x", tag: EntityTag("1-1"), fields: [.cacheControl: "no-cache"], lastModified: epoch, bodies: bodies, counter: counter)
        #expect(Array(again.headerFields) == Array(first.headerFields))
        let other = try respond("/x", tag: EntityTag("1-1"), fields: [.cacheControl: "no-store"], lastModified: epoch, bodies: bodies, counter: counter)
        #expect(other.headerFields[.cacheControl] == "no-store", "other caller's fields: the fields are made again")
        let later = try respond(
            "/x", tag: EntityTag("1-1"), fields: [.cacheControl: "no-store"], lastModified: HTTPDate(secondsSince1970: 60), bodies: bodies,
            counter: counter)
        #expect(later.headerFields[.lastModified] == "Thu, 01 Jan 1970 00:01:00 GMT")
        #expect(counter.count == 1, "the body is the tag's, whatever the fields")
    }

    /// Each thread remembers the last body it found, for the `RenderedBodies` it found it in:
    /// another one, even with the same target and tag, renders its own.
    @Test func aBodyIsNeverTakenFromAnotherRenderedBodies() {
        func read(_ bodies: RenderedBodies, _ text: String) -> [UInt8] {
            bodies.rendering(target: "/x", tag: #""1""#, callerFields: [:], lastModified: nil, makeFields: { [:] }) { Array(text.utf8) }.body
        }
        let first = RenderedBodies()
        #expect(read(first, "first") == Array("first".utf8))
        #expect(read(first, "again") == Array("first".utf8), "the same target and tag: the body kept")
        for index in 0..<3 {
            let other = RenderedBodies()
            #expect(read(other, "other \(index)") == Array("other \(index)".utf8))
            #expect(read(other, "again") == Array("other \(index)".utf8))
        }
        #expect(read(first, "again") == Array("first".utf8))
    }

    @Test func weakTagsAndNoTagAreRenderedEveryTime() throws {
        let bodies = RenderedBodies()
        let counter = Counter()
        for _ in 0..<2 {
            _ = try respond("/x", tag: EntityTag("1", weak: true), bodies: bodies, counter: counter)
            _ = try respond("/x", tag: nil, bodies: bodies, counter: counter)
        }
        #expect(counter.count == 4)
        #expect(bodies.count == 0)
    }

    @Test func largeBodiesAreNotKept() throws {
        let bodies = RenderedBodies(maximumBodySize: 3)
        let counter = Counter()
        _ = try respond("/x", tag: EntityTag("1"), bodies: bodies, counter: counter)
        _ = try respond("/x", tag: EntityTag("1"), bodies: bodies, counter: counter)
        #expect(counter.count == 2, "the body is 6 bytes")
        #expect(bodies.count == 0)
    }

    @Test func theCapacityBoundsWhatIsKeptAndRecentReadsStay() throws {
        let bodies = RenderedBodies(capacity: 4)
        var renders = 0
        func read(_ target: String) -> [UInt8] {
            bodies.rendering(target: target, tag: #""1""#, callerFields: [:], lastModified: nil, makeFields: { [:] }) {
                renders += 1
                return Array(target.utf8)
            }.body
        }
        for index in 0..<10 {
            #expect(read("/\(index)") == Array("/\(index)".utf8))
            #expect(bodies.count <= 4)
            // The first target, read after every other: it never ages out.
            #expect(read("/0") == Array("/0".utf8))
        }
        #expect(renders == 10)
        _ = read("/1")
        #expect(renders == 11, "an old target aged out and is rendered again")
    }
}
