/// A `Content-Range` value for bytes (https://www.rfc-editor.org/rfc/rfc9110#section-14.4):
/// `bytes first-last/size` in a 206, `bytes */size` in a 416.
public enum ContentRange: Sendable, Hashable, CustomStringConvertible {
    case range(ClosedRange<Int64>, size: Int64?)
    case unsatisfied(size: Int64)

    public var description: String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        text.append(contentsOf: "bytes ".utf8)
        switch self {
        case .range(let range, let size):
            DecimalText.append(range.lowerBound, to: &text)
            text.append(UInt8(ascii: "-"))
            DecimalText.append(range.upperBound, to: &text)
            text.append(UInt8(ascii: "/"))
            if let size { DecimalText.append(size, to: &text) } else { text.append(UInt8(ascii: "*")) }
        case .unsatisfied(let size):
            text.append(contentsOf: "*/".utf8)
            DecimalText.append(size, to: &text)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses `bytes first-last/complete-length`, `bytes first-last/*` or `bytes */length`;
    /// nil for anything else, including `last < first` or `last >= complete-length`.
    public init?(_ value: some StringProtocol) {
        var scanner = HeaderScanner(value)
        guard scanner.token()?.lowercased() == "bytes", scanner.take(UInt8(ascii: " ")) else { return nil }
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
