/// The body of a 206 with several ranges: `multipart/byteranges`
/// (https://www.rfc-editor.org/rfc/rfc9110#section-14.6), with its exact length known before
/// a byte is sent.
///
/// ```swift
/// let multipart = MultipartByteRanges(ranges: ranges, size: size, contentType: "video/mp4")
/// fields[.contentType] = multipart.contentType
/// body = .segments(multipart.segments(of: file))   // multipart.contentLength bytes
/// ```
public struct MultipartByteRanges: Sendable, Hashable {
    /// The parts' ranges, in the order sent.
    public let ranges: [ClosedRange<Int64>]
    /// The complete length, for each part's `Content-Range`.
    public let size: Int64
    /// The parts' `Content-Type`.
    public let partContentType: String
    /// The delimiter: 32 random hex digits unless given.
    public let boundary: String

    /// - Parameter boundary: defaults to 32 random hex digits, which cannot occur in the
    ///   part headers and are vanishingly unlikely in the content.
    public init(ranges: [ClosedRange<Int64>], size: Int64, contentType: String, boundary: String = MultipartByteRanges.randomBoundary()) {
        self.ranges = ranges
        self.size = size
        self.partContentType = contentType
        self.boundary = boundary
    }

    /// `multipart/byteranges; boundary=...`.
    public var contentType: String { "multipart/byteranges; boundary=\(boundary)" }

    /// The delimiter and headers before part `index`.
    public func partHead(_ index: Int) -> [UInt8] {
        let range = ranges[index]
        let lead = index == 0 ? "--" : "\r\n--"
        return Array("\(lead)\(boundary)\r\nContent-Type: \(partContentType)\r\nContent-Range: \(ContentRange.range(range, size: size))\r\n\r\n".utf8)
    }

    /// The close delimiter after the last part.
    public var closing: [UInt8] { Array("\r\n--\(boundary)--\r\n".utf8) }

    /// The exact number of bytes of the whole body.
    public var contentLength: Int64 {
        ranges.indices.reduce(Int64(closing.count)) { total, index in
            total + Int64(partHead(index).count) + ranges[index].upperBound - ranges[index].lowerBound + 1
        }
    }

    /// The body as segments: each part's head, then its bytes of `file`, then the close
    /// delimiter — sent with sendfile.
    public func segments(of file: OpenFile) -> [BodySegment] {
        var segments: [BodySegment] = []
        for (index, range) in ranges.enumerated() {
            segments.append(.bytes(partHead(index)))
            segments.append(.file(FileRegion(file: file, offset: range.lowerBound, length: range.upperBound - range.lowerBound + 1)))
        }
        segments.append(.bytes(closing))
        return segments
    }

    /// The body for content held in memory.
    public func body(of content: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        for (index, range) in ranges.enumerated() {
            body += partHead(index)
            body += content[Int(range.lowerBound)...Int(range.upperBound)]
        }
        return body + closing
    }

    /// 32 random hex digits: a boundary no content will contain by chance.
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
