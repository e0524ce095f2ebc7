import Testing
import TernHTTP

@Suite("Byte ranges — RFC 9110 section 14")
struct ByteRangeTests {
    func resolve(_ value: String, size: Int64 = 10_000, maxRanges: Int = 16) -> RangeResolution? {
        ByteRangeRequest(value)?.resolve(size: size, maxRanges: maxRanges)
    }

    /// Section 14.1.2's examples, for a representation of 10000 bytes.
    @Test(arguments: [
        ("bytes=0-499", [Int64(0)...499]),
        ("bytes=500-999", [500...999]),
        ("bytes=-500", [9500...9999]),
        ("bytes=9500-", [9500...9999]),
        ("bytes=0-0,-1", [0...0, 9999...9999]),
        ("bytes=500-600,601-999", [500...999]),
        ("bytes=500-700,601-999", [500...999]),
    ])
    func rfcExamples(value: String, expected: [ClosedRange<Int64>]) {
        #expect(resolve(value) == .ranges(expected))
    }

    /// Hummingbird served `bytes=-500` as the first 500 bytes and only the first of several ranges.
    @Test func anchorRegressions() {
        #expect(resolve("bytes=-500", size: 1000) == .ranges([500...999]))
        #expect(resolve("bytes=0-9, 20-29, 40-49", size: 1000) == .ranges([0...9, 20...29, 40...49]))
        // Vapor answered a range past the end with 400; it is 416.
        #expect(resolve("bytes=2000-3000", size: 1000) == .unsatisfiable)
    }

    @Test func clampingAndUnsatisfiable() {
        #expect(resolve("bytes=9000-20000") == .ranges([9000...9999]), "last-pos past the end is clamped")
        #expect(resolve("bytes=-20000") == .ranges([0...9999]), "a suffix longer than the representation is all of it")
        #expect(resolve("bytes=10000-") == .unsatisfiable, "first-pos at the length")
        #expect(resolve("bytes=-0") == .unsatisfiable, "an empty suffix")
        #expect(resolve("bytes=10000-, 0-4") == .ranges([0...4]), "unsatisfiable specs are dropped")
        #expect(resolve("bytes=0-", size: 0) == .unsatisfiable)
        #expect(resolve("bytes=-5", size: 0) == .unsatisfiable)
    }

    @Test func coalescingKeepsRequestOrder() {
        #expect(resolve("bytes=50-59, 0-9, 10-19") == .ranges([50...59, 0...19]))
        #expect(resolve("bytes=0-9, 50-59, 5-14") == .ranges([0...14, 50...59]))
        #expect(resolve("bytes=90-99, 0-9, 95-200") == .ranges([90...200, 0...9]))
    }

    @Test func tooManyOrTooMuchIsTheWholeRepresentation() {
        let seventeen = "bytes=" + (0..<17).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
        #expect(resolve(seventeen) == .whole)
        let sixteen = "bytes=" + (0..<16).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
        #expect(resolve(sixteen)?.rangeCount == 16)
        #expect(resolve("bytes=0-,0-") == .whole, "adding up to more than the representation")
        #expect(resolve("bytes=0-1,2-3", maxRanges: 1) == .whole)
    }

    @Test func pastFourGiB() {
        let size: Int64 = 6 * 1024 * 1024 * 1024
        #expect(resolve("bytes=5000000000-5000000099", size: size) == .ranges([5_000_000_000...5_000_000_099]))
        #expect(resolve("bytes=-10", size: size) == .ranges([(size - 10)...(size - 1)]))
    }

    /// Syntax per section 14.1.1: case-insensitive unit, OWS around list elements, nothing else.
    @Test(arguments: [
        ("Bytes=0-1", true), ("BYTES=0-1", true), ("bytes=0-1 , 3-4", true), ("bytes= 0-1", true), ("bytes=,0-1,", true),
        ("bytes = 0-1", false), ("bytes=0 -1", false), ("bytes=1-0", false), ("bytes=a-b", false), ("bytes=", false),
        ("bytes=-", false), ("bytes=0-1-2", false), ("items=0-1", false), ("bytes=+1-2", false), ("bytes=0x1-2", false),
        ("bytes=99999999999999999999-", false), ("bytes 0-1", false), ("bytes=0-1;x", false),
        ("bytesx=0-1", false), ("byte=0-1", false), ("bYtEs=0-1", true), ("b\u{FF}tes=0-1", false),
    ])
    func syntax(value: String, valid: Bool) {
        #expect((ByteRangeRequest(value) != nil) == valid)
    }

    /// Section 14.4's forms.
    @Test(arguments: [
        ("bytes 42-1233/1234", ContentRange.range(42...1233, size: 1234)),
        ("bytes 42-1233/*", .range(42...1233, size: nil)),
        ("bytes */1234", .unsatisfied(size: 1234)),
        ("bytes 21010-47021/47022", .range(21010...47021, size: 47022)),
    ])
    func contentRange(text: String, expected: ContentRange) {
        #expect(ContentRange(text) == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: ["bytes 5-4/10", "bytes 0-10/10", "bytes 0-1", "bytes */*", "items 0-1/2", "bytes  0-1/2"])
    func invalidContentRange(text: String) {
        #expect(ContentRange(text) == nil)
    }

    /// Section 14.6's example: two parts of an 8000-byte representation, and a length that is
    /// exactly what is written.
    @Test func multipartByteRanges() {
        let content = (0..<8000).map { UInt8(truncatingIfNeeded: $0) }
        let multipart = MultipartByteRanges(ranges: [500...999, 7000...7999], size: 8000, contentType: "application/pdf", boundary: "THIS_STRING_SEPARATES")
        #expect(multipart.contentType == "multipart/byteranges; boundary=THIS_STRING_SEPARATES")
        let body = multipart.body(of: content)
        #expect(Int64(body.count) == multipart.contentLength)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 500-999/8000\r\n\r\n"))
        #expect(text.contains("\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 7000-7999/8000\r\n\r\n"))
        #expect(text.hasSuffix("\r\n--THIS_STRING_SEPARATES--\r\n"))
        let firstPart = multipart.partHead(0).count
        #expect(Array(body[firstPart..<(firstPart + 500)]) == Array(content[500...999]))
    }

    @Test func randomBoundariesDiffer() {
        #expect(MultipartByteRanges.randomBoundary() != MultipartByteRanges.randomBoundary())
        #expect(MultipartByteRanges.randomBoundary().count == 32)
    }
}

extension RangeResolution {
    var rangeCount: Int? {
        if case .ranges(let ranges) = self { return ranges.count }
        return nil
    }
}
