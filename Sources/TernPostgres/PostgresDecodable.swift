/// A Swift value that can be read from a result column in PostgreSQL's text output format.
public protocol PostgresDecodable {
    /// Reads the value from `text`, the column's text (nil for NULL).
    /// - Throws: `PostgresDecodingError` when the text is not of this type, or is NULL for a
    ///   type that has no NULL.
    init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError)
}

/// Why a column could not be read as the type asked for.
public enum PostgresDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The column is NULL and the type is not an `Optional`.
    case unexpectedNull
    /// The column's text is not a value of `type` (its first 64 bytes).
    case malformed(type: String, text: String)
    /// The row has no column at this index.
    case noSuchColumn(Int)

    public var description: String {
        switch self {
        case .unexpectedNull: "the column is NULL; decode it as an Optional"
        case .malformed(let type, let text): "the column's text \"\(text)\" is not a \(type)"
        case .noSuchColumn(let index): "the row has no column \(index)"
        }
    }
}

extension String: PostgresDecodable {
    public init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) {
        guard let text else { throw .unexpectedNull }
        self = String(decoding: text, as: UTF8.self)
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) {
        guard let text else { throw .unexpectedNull }
        switch text.first {
        case UInt8(ascii: "t") where text.count == 1: self = true
        case UInt8(ascii: "f") where text.count == 1: self = false
        default: throw .malformed(type: "boolean", text: String(decoding: text.prefix(64), as: UTF8.self))
        }
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) {
        guard let text else { throw .unexpectedNull }
        let string = String(decoding: text, as: UTF8.self)
        switch string {
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(string) else { throw .malformed(type: "double", text: String(string.prefix(64))) }
            self = value
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// nil for NULL, else the wrapped type's value.
    public init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) {
        guard let text else {
            self = nil
            return
        }
        self = try Wrapped(postgresText: text)
    }
}

/// Integers in base 10, as PostgreSQL writes `smallint`, `integer` and `bigint` (and
/// `numeric` without a fraction).
public protocol PostgresDecodableInteger: PostgresDecodable, FixedWidthInteger {}

extension PostgresDecodableInteger {
    public init(postgresText text: UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) {
        guard let text else { throw .unexpectedNull }
        var index = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < text.count else { throw .malformed(type: "\(Self.self)", text: String(decoding: text, as: UTF8.self)) }
        var value: Self = 0
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw .malformed(type: "\(Self.self)", text: String(decoding: text.prefix(64), as: UTF8.self)) }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = negative
                ? shifted.subtractingReportingOverflow(Self(digit))
                : shifted.addingReportingOverflow(Self(digit))
            guard !overflowA, !overflowB else { throw .malformed(type: "\(Self.self)", text: String(decoding: text.prefix(64), as: UTF8.self)) }
            value = next
            index += 1
        }
        self = value
    }
}

extension Int: PostgresDecodableInteger {}
extension Int64: PostgresDecodableInteger {}
extension Int32: PostgresDecodableInteger {}
extension Int16: PostgresDecodableInteger {}
