import HTTPTypes
import Testing
import TernHTTP
import TernJSON

@Suite("Pagination: cursors, page requests, Link")
struct PaginationTests {
    func request(_ target: String) -> Request {
        Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: target))
    }

    @Test(arguments: ["20", "", "a:b", "é/ü", String(repeating: "z", count: 500)])
    func cursorsRoundTrip(position: String) throws {
        let encoded = PageCursor(position: position).encoded
        #expect(encoded.utf8.allSatisfy { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x7A) })
        #expect(try PageCursor(decoding: encoded).position == position)
    }

    @Test func everyOneCharacterEditIsCaught() {
        let encoded = Array(PageCursor(position: "12345").encoded.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for index in encoded.indices {
            for replacement in alphabet where replacement != encoded[index] {
                var edited = encoded
                edited[index] = replacement
                #expect(throws: HTTPError.self) { try PageCursor(decoding: String(decoding: edited, as: UTF8.self)) }
            }
        }
        #expect(throws: HTTPError.self) { try PageCursor(decoding: String(decoding: encoded.dropLast(), as: UTF8.self)) }
        #expect(throws: HTTPError.self) { try PageCursor(decoding: "") }
        #expect(throws: HTTPError.self) { try PageCursor(decoding: "a=b") }
    }

    @Test(arguments: [("/x", 20, nil as String?), ("/x?limit=1", 1, nil), ("/x?limit=100&other=1", 100, nil)])
    func pageRequests(target: String, limit: Int, cursor: String?) throws {
        let page = try request(target).pageRequest()
        #expect(page.limit == limit)
        #expect(page.cursor?.position == cursor)
    }

    @Test func aCursorComesBack() throws {
        let cursor = PageCursor(position: "42").encoded
        #expect(try request("/x?cursor=\(cursor)").pageRequest().cursor?.position == "42")
    }

    @Test(arguments: ["/x?limit=0", "/x?limit=101", "/x?limit=", "/x?limit=1e1", "/x?limit=+5", "/x?cursor=zzz", "/x?cursor=a&cursor=b", "/x?limit=%"])
    func badPageRequests(target: String) {
        #expect(throws: HTTPError.self) { try request(target).pageRequest() }
    }

    @Test func pagesCutAtTheLimitAndLink() throws {
        let full = Page(items: [1, 2, 3], limit: 2) { PageCursor(position: String($0)) }
        #expect(full.items == [1, 2])
        #expect(full.nextCursor?.position == "2")
        let link = try #require(full.linkFields(for: request("/numbers?limit=2"))[HTTPField.Name("Link")!])
        #expect(link == "</numbers?limit=2&cursor=\(full.nextCursor!.encoded)>; rel=\"next\"")
        let last = Page(items: [3], limit: 2) { PageCursor(position: String($0)) }
        #expect(last.nextCursor == nil)
        #expect(last.linkFields(for: request("/numbers")).isEmpty)
        let json = String(decoding: try JSONCoding.encoder().encode(last), as: UTF8.self)
        #expect(json == #"{"items":[3],"next_cursor":null}"#)
    }
}
