/// A strict JSON text check (https://www.rfc-editor.org/rfc/rfc8259) that says where the
/// text breaks, run before decoding so a client learns the line and column of its mistake.
enum JSONSyntax {
    struct Failure: Error, Equatable {
        let line: Int
        let column: Int
        let reason: String

        var description: String { "\(reason) at line \(line), column \(column)" }
    }

    /// Nesting deeper than this is refused rather than recursed into.
    static let maxDepth = 256

    static func check(_ bytes: [UInt8]) -> Failure? {
        var scanner = Scanner(bytes: bytes)
        do throws(Failure) {
            scanner.skipWhitespace()
            try scanner.value(depth: 0)
            scanner.skipWhitespace()
            if scanner.index < bytes.count { throw scanner.failure("unexpected text after the JSON value") }
            if String(validating: bytes, as: UTF8.self) == nil { throw Failure(line: 1, column: 1, reason: "the text is not UTF-8") }
            return nil
        } catch {
            return error
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        func failure(_ reason: String) -> Failure {
            var line = 1
            var column = 1
            for byte in bytes[..<min(index, bytes.count)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return Failure(line: line, column: column, reason: reason)
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < JSONSyntax.maxDepth else { throw failure("nesting deeper than \(JSONSyntax.maxDepth)") }
            guard let byte = current else { throw failure("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw failure("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(Failure) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
                index += 1
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "}"):
                    index += 1
                    return
                default:
                    throw failure("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "]"):
                    index += 1
                    return
                default:
                    throw failure("expected ',' or ']' in an array")
                }
            }
        }

        mutating func string() throws(Failure) {
            index += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escaped = current else { throw failure("unterminated string") }
                    if escaped == UInt8(ascii: "u") {
                        for offset in 1...4 {
                            guard index + offset < bytes.count, Self.isHex(bytes[index + offset]) else {
                                index += offset
                                throw failure("invalid \\u escape")
                            }
                        }
                        index += 5
                    } else {
                        guard "\"\\/bfnrt".utf8.contains(escaped) else { throw failure("invalid escape") }
                        index += 1
                    }
                case 0..<0x20:
                    throw failure("control character in a string")
                default:
                    index += 1
                }
            }
            throw failure("unterminated string")
        }

        mutating func number() throws(Failure) {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, Self.isDigit(first) else { throw failure("invalid number") }
            index += 1
            if first != UInt8(ascii: "0") {
                while let byte = current, Self.isDigit(byte) { index += 1 }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let byte = current, Self.isDigit(byte) else { throw failure("invalid number") }
                while let byte = current, Self.isDigit(byte) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let byte = current, Self.isDigit(byte) else { throw failure("invalid number") }
                while let byte = current, Self.isDigit(byte) { index += 1 }
            }
        }

        mutating func literal(_ word: String) throws(Failure) {
            for expected in word.utf8 {
                guard current == expected else { throw failure("invalid literal") }
                index += 1
            }
        }

        static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        static func isHex(_ byte: UInt8) -> Bool {
            isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
