#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TernHTTP

/// A parsed JSON value that keeps what the text said: member order, and numbers as written
/// (no rounding through a Double). The input is JSON this module's encoder produced, so it is
/// known to be valid; anything else yields nil.
indirect enum JSONTree {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONTree])
    case object([(String, JSONTree)])

    init?(parsing bytes: [UInt8]) {
        var parser = Parser(bytes: bytes)
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        guard parser.index == bytes.count else { return nil }
        self = value
    }

    /// The same value with object members sorted by key (UTF-8 order, the last of a repeated
    /// key kept) and numbers in their shortest decimal form.
    var canonical: JSONTree {
        switch self {
        case .null, .bool, .string: return self
        case .number(let text): return .number(Decimal(string: text).map { "\($0)" } ?? text)
        case .array(let values): return .array(values.map(\.canonical))
        case .object(let members):
            return .object(Self.sortedByKey(members).map { ($0.0, $0.1.canonical) })
        }
    }

    /// Members sorted by key in UTF-8 (code-point) order, the last of a repeated key kept in
    /// its place: an insertion sort, since objects are small and often nearly sorted.
    static func sortedByKey<Value>(_ members: [(String, Value)]) -> [(String, Value)] {
        var sorted: [(String, Value)] = []
        sorted.reserveCapacity(members.count)
        for (name, value) in members { insert(name, value, intoSorted: &sorted) }
        return sorted
    }

    /// Puts a member into members sorted by key, in its place; a repeated key replaces the
    /// earlier value.
    static func insert<Value>(_ name: String, _ value: Value, intoSorted sorted: inout [(String, Value)]) {
        var index = sorted.count
        while index > 0 {
            let order = UTF8Order.compare(name, sorted[index - 1].0)
            if order > 0 { break }
            if order == 0 {
                sorted[index - 1].1 = value
                return
            }
            index -= 1
        }
        // Appended, then moved into place bitwise: Array.insert goes through a generic
        // replaceSubrange, and swapping would retain and release each member it passes.
        sorted.append((name, value))
        guard index < sorted.count - 1 else { return }
        sorted.withUnsafeMutableBufferPointer { members in
            let base = members.baseAddress!
            let last = (base + members.count - 1).move()
            (base + index + 1).moveInitialize(from: base + index, count: members.count - 1 - index)
            (base + index).initialize(to: last)
        }
    }

    /// Appends the value's compact JSON text.
    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let value): JSONString.append(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(name, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> JSONTree? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map(JSONTree.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func object() -> JSONTree? {
            index += 1
            var members: [(String, JSONTree)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard let name = string() else { return nil }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let value = value() else { return nil }
                members.append((name, value))
                skipWhitespace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        }

        mutating func array() -> JSONTree? {
            index += 1
            var values: [JSONTree] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                guard let value = value() else { return nil }
                values.append(value)
                skipWhitespace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(values) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        }

        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar), bytes[index...].starts(with: "\\u".utf8) {
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        out.append(contentsOf: String(Character(unicode)).utf8)
                    default: out.append(escaped)
                    }
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
            index += 4
            return value
        }

        mutating func number() -> JSONTree? {
            let start = index
            while index < bytes.count, "+-.0123456789eE".utf8.contains(bytes[index]) { index += 1 }
            return index > start ? .number(String(decoding: bytes[start..<index], as: UTF8.self)) : nil
        }

        mutating func literal(_ word: String, _ value: JSONTree) -> JSONTree? {
            guard bytes[index...].starts(with: word.utf8) else { return nil }
            index += word.utf8.count
            return value
        }
    }
}
