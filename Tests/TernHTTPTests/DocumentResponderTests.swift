import HTTPTypes
import Logging
import Testing
import TernHTTP

/// A handler that answers conditional GETs and range requests for a
/// document it holds in memory, with nothing but TernHTTP's functions.
struct DocumentResponder: Responder {
    let content: [UInt8]
    let lastModified: HTTPDate
    var entityTag: EntityTag { .strong(forContent: content) }

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        let size = Int64(content.count)
        var fields: HTTPFields = [
            .eTag: entityTag.description, .lastModified: lastModified.description,
            .cacheControl: "max-age=60", .acceptRanges: "bytes", .contentType: "text/plain",
        ]
        switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: entityTag, lastModified: lastModified) {
        case .notModified:
            return .notModified(from: fields)
        case .preconditionFailed:
            return Response(problem: ProblemDetails(status: .preconditionFailed, detail: "the representation has changed"))
        case .proceedIgnoringRange:
            return Response(status: .ok, headerFields: fields, body: .bytes(content))
        case .proceed:
            break
        }
        // HEAD ignores Range (RFC 9110 section 14.2); so does a Range that does not parse.
        guard request.method == .get, let value = request.headerFields[.range], let ranges = ByteRangeRequest(value) else {
            return Response(status: .ok, headerFields: fields, body: .bytes(content))
        }
        switch ranges.resolve(size: size) {
        case .whole:
            return Response(status: .ok, headerFields: fields, body: .bytes(content))
        case .unsatisfiable:
            fields[.contentRange] = ContentRange.unsatisfied(size: size).description
            return Response(problem: ProblemDetails(status: .rangeNotSatisfiable, detail: "no range overlaps the representation"), headerFields: fields)
        case .ranges(let parts) where parts.count == 1:
            fields[.contentRange] = ContentRange.range(parts[0], size: size).description
            return Response(status: .partialContent, headerFields: fields, body: .bytes(Array(content[Int(parts[0].lowerBound)...Int(parts[0].upperBound)])))
        case .ranges(let parts):
            let multipart = MultipartByteRanges(ranges: parts, size: size, contentType: "text/plain")
            fields[.contentType] = multipart.contentType
            return Response(status: .partialContent, headerFields: fields, body: .bytes(multipart.body(of: content)))
        }
    }
}

@Suite("A handler doing conditional GET and ranges with TernHTTP's functions alone")
struct DocumentResponderTests {
    let document = DocumentResponder(content: Array("0123456789abcdefghij".utf8), lastModified: HTTPDate("Sat, 29 Oct 1994 19:43:31 GMT")!)
    let context = RequestContext(logger: Logger(label: "readme"))

    func get(_ fields: HTTPFields, method: HTTPRequest.Method = .get) async throws -> Response {
        try await document.respond(to: Request(head: HTTPRequest(method: method, scheme: "http", authority: "t", path: "/doc", headerFields: fields)), context: context)
    }

    func text(_ response: Response) -> String {
        guard case .bytes(let bytes) = response.body.storage else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func everyBranch() async throws {
        let tag = document.entityTag.description
        #expect(try await get([:]).status == .ok)
        #expect(try await get([.ifNoneMatch: tag]).status == .notModified)
        #expect(try await get([.ifNoneMatch: "W/\(tag)"]).status == .notModified, "weak comparison")
        #expect(try await get([.ifModifiedSince: "Sat, 29 Oct 1994 19:43:31 GMT"]).status == .notModified)
        #expect(try await get([.ifMatch: #""other""#], method: .put).status == .preconditionFailed)

        let single = try await get([.range: "bytes=-5"])
        #expect(single.status == .partialContent)
        #expect(single.headerFields[.contentRange] == "bytes 15-19/20")
        #expect(text(single) == "fghij", "the last five bytes, not the first")

        let multiple = try await get([.range: "bytes=0-1, 10-11"])
        #expect(multiple.status == .partialContent)
        #expect(multiple.headerFields[.contentType]?.hasPrefix("multipart/byteranges; boundary=") == true)
        #expect(text(multiple).contains("Content-Range: bytes 10-11/20\r\n\r\nab"))

        let unsatisfiable = try await get([.range: "bytes=20-"])
        #expect(unsatisfiable.status == .rangeNotSatisfiable)
        #expect(unsatisfiable.headerFields[.contentRange] == "bytes */20")

        #expect(try await get([.range: "bytes=0-1", .ifRange: #""stale""#]).status == .ok)
        #expect(try await get([.range: "bytes=0-1", .ifRange: tag]).status == .partialContent)
        #expect(try await get([.range: "lines=0-1"]).status == .ok)
        #expect(try await get([.range: "bytes=0-1"], method: .head).status == .ok)
    }
}
