/// A `Content-Range` value for bytes (https://www.rfc-editor.org/rfc/rfc9110#section-14.4):
/// `bytes first-last/size` in a 206, `bytes */size` in a 416.
public enum ContentRange: Sendable, Hashable, CustomStringConvertible {
    case range(ClosedRange<Int64>, size: Int64?)
    case unsatisfied(size: Int64)

    public var description: String {
        // Written into the string's own storage: one allocation, the one a field value keeps.
        String(unsafeUninitializedCapacity: 8 + 3 * DecimalText.maxLength) { text in
            var end = Self.copy("bytes ", into: text, at: 0)
            switch self {
            case .range(let range, let size):
                end = DecimalText.write(range.lowerBound, into: text, at: end)
                end = Self.copy("-", into: text, at: end)
                end = DecimalText.write(range.upperBound, into: text, at: end)
                end = Self.copy("/", into: text, at: end)
                end = size.map { DecimalText.write($0, into: text, at: end) } ?? Self.copy("*", into: text, at: end)
            case .unsatisfied(let size):
                end = Self.copy("*/", into: text, at: end)
                end = DecimalText.write(size, into: text, at: end)
            }
            return end
        }
    }

    private static func copy(_ literal: StaticString, into text: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        literal.withUTF8Buffer { bytes in
            _ = UnsafeMutableBufferPointer(rebasing: text[index...]).initialize(fromContentsOf: bytes)
            return index + bytes.count
        }
    }

    /// Parses `bytes first-last/complete-length`, `bytes first-last/*` or `bytes */length`;
    /// nil for anything else, including `last < first` or `last >= complete-length`.
    public init?(_ value: some StringProtocol) {
        var scanner = HeaderScanner(value)
        guard scanner.takeToken(caseInsensitive: "bytes"), scanner.take(UInt8(ascii: " ")) else { return nil }
        if scanner.take(UInt8(ascii: "*")) {
            guard scanner.take(UInt8(ascii: "/")), let size = Self.number(&scanner), scanner.atEnd else { return nil }
            self = .unsatisfied(size: size)
            return
        }
        guard let first = Self.number(&scanner), scanner.take(UInt8(ascii: "-")), let last = Self.number(&scanner),
            last >= first, scanner.take(UInt8(ascii: "/"))
        else { return nil }
        if scanner.take(UInt8(ascii: "*")) {
            guard scanner.atEnd else { return nil }
            self = .range(first...last, size: nil)
            return
        }
        guard let size = Self.number(&scanner), scanner.atEnd, last < size else { return nil }
        self = .range(first...last, size: size)
    }

    private static func number(_ scanner: inout HeaderScanner) -> Int64? {
        let start = scanner.index
        while let byte = scanner.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { scanner.index += 1 }
        guard scanner.index > start else { return nil }
        return Int64(String(decoding: scanner.bytes[start..<scanner.index], as: UTF8.self))
    }
}
