/// One `range-spec` of a `bytes` range request (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2).
public enum ByteRangeSpec: Sendable, Hashable, CustomStringConvertible {
    /// `first-last` or `first-` (to the end).
    case from(first: Int64, last: Int64?)
    /// `-length`: the final `length` bytes.
    case suffix(length: Int64)

    public var description: String {
        switch self {
        case .from(let first, let last): "\(first)-\(last.map(String.init) ?? "")"
        case .suffix(let length): "-\(length)"
        }
    }
}

/// A `Range: bytes=...` request: one or more range-specs in the order sent
/// (https://www.rfc-editor.org/rfc/rfc9110#section-14.2).
///
/// Parsing is strict: another unit, a malformed spec, `last < first` or a number past
/// `Int64.max` make the whole field invalid (nil), and a server then ignores it and sends
/// the whole representation. The unit is case-insensitive; OWS may surround list elements.
///
/// ```swift
/// let request = ByteRangeRequest("bytes=0-499, -500")!
/// request.resolve(size: 10_000)   // .ranges([0...499, 9500...9999])
/// ```
public struct ByteRangeRequest: Sendable, Hashable, CustomStringConvertible {
    /// The ranges, in the order requested.
    public var specs: [ByteRangeSpec]

    /// A request for these ranges.
    public init(specs: [ByteRangeSpec]) {
        self.specs = specs
    }

    /// Parses `bytes=...` (the unit case-insensitive); nil for another unit or invalid syntax, which a server ignores.
    public init?(_ value: some StringProtocol) {
        self.init(scanning: HeaderScanner(value))
    }

    /// Parses `bytes=...`, as `init?(_:)` does: the overload a `String` (a field's value)
    /// takes, so its bytes are read by code made for `String`, not through the protocol.
    public init?(_ value: String) {
        self.init(scanning: HeaderScanner(value))
    }

    private init?(scanning: HeaderScanner) {
        var scanner = scanning
        guard scanner.takeToken(caseInsensitive: "bytes"), scanner.take(UInt8(ascii: "=")) else { return nil }
        scanner.skipEmptyElements()
        var specs: [ByteRangeSpec] = []
        while !scanner.atEnd {
            guard let spec = Self.spec(&scanner), scanner.listSeparator() else { return nil }
            specs.append(spec)
        }
        guard !specs.isEmpty else { return nil }
        self.specs = specs
    }

    /// `bytes=` and the specs joined with `,`.
    public var description: String {
        "bytes=" + specs.map(\.description).joined(separator: ",")
    }

    private static func spec(_ scanner: inout HeaderScanner) -> ByteRangeSpec? {
        if scanner.take(UInt8(ascii: "-")) {
            guard let length = number(&scanner) else { return nil }
            return .suffix(length: length)
        }
        guard let first = number(&scanner), scanner.take(UInt8(ascii: "-")) else { return nil }
        guard let digit = scanner.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else {
            return .from(first: first, last: nil)
        }
        guard let last = number(&scanner), last >= first else { return nil }
        return .from(first: first, last: last)
    }

    /// 1*DIGIT that fits in an Int64.
    private static func number(_ scanner: inout HeaderScanner) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        while let byte = scanner.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
            scanner.index += 1
        }
        return digits > 0 ? value : nil
    }
}
