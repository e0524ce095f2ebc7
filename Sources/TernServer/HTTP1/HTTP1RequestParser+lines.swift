#if canImport(Glibc)
import Glibc
#endif

private let CR = UInt8(ascii: "\r")
private let LF = UInt8(ascii: "\n")

extension HTTP1RequestParser {
    /// Where a scan for the empty line that ends a section (a head, a trailer section) stopped.
    enum SectionScan {
        /// The section is complete: `length` bytes from `index`, its final CRLF included.
        case complete(length: Int)
        /// More bytes are needed; resume from these offsets (relative to `index`).
        case incomplete(scan: Int, lineStart: Int)
    }

    /// Scans CRLF-terminated lines from `scan` until an empty line, strictly: a bare LF is an
    /// error. `onLine` sees each complete non-empty line's offsets (start, end before CRLF).
    func scanSection(
        from start: Int, lineStart start2: Int, onLine: (_ start: Int, _ end: Int) throws(HTTP1ParseError) -> Void
    ) throws(HTTP1ParseError) -> SectionScan {
        var scan = start
        var lineStart = start2
        let end = buffer.count - index
        while scan < end {
            // The next LF, found by memchr over the unscanned bytes.
            let found: Int? = buffer.withUnsafeBufferPointer { bytes in
                let from = bytes.baseAddress! + index + scan
                guard let hit = memchr(from, Int32(LF), end - scan) else { return nil }
                return scan + (UnsafeRawPointer(hit) - UnsafeRawPointer(from))
            }
            guard let lf = found else { return .incomplete(scan: end, lineStart: lineStart) }
            scan = lf + 1
            guard lf >= 1, lf > lineStart, buffer[index + lf - 1] == CR else {
                throw .bad("a line ends in a bare LF")
            }
            if lf - 1 == lineStart { return .complete(length: scan) }
            try onLine(lineStart, lf - 1)
            lineStart = scan
        }
        return .incomplete(scan: scan, lineStart: lineStart)
    }
}
