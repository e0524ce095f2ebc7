import Testing
@_spi(Tern) import TernHTTP

@Suite("OutputBuffer: bytes written through a pointer")
struct OutputBufferTests {
    @Test func writesInOrder() throws {
        var buffer = OutputBuffer()
        buffer.append(ascii: "HTTP/1.1 ")
        buffer.append(decimal: 206)
        buffer.append(UInt8(ascii: " "))
        buffer.append(utf8Of: "Partial Content é")
        buffer.append([13, 10])
        #expect(buffer.array == Array("HTTP/1.1 206 Partial Content é\r\n".utf8))
        try buffer.append(BodySegment.bytes([]))
        #expect(buffer.count == 33)
    }

    /// Past its usual size it grows and keeps what was written; emptied, it starts again.
    @Test func growsAndStartsAgain() {
        var buffer = OutputBuffer()
        let large = (0..<(OutputBuffer.usualCapacity * 3 + 5)).map { UInt8(truncatingIfNeeded: $0 * 31) }
        buffer.append(ascii: "<")
        large.withUnsafeBytes { buffer.append($0) }
        buffer.append(decimal: -42)
        #expect(buffer.array == [UInt8(ascii: "<")] + large + Array("-42".utf8))
        buffer.reset()
        #expect(buffer.count == 0 && buffer.array.isEmpty)
        buffer.append(ascii: "again")
        #expect(buffer.array == Array("again".utf8))
    }

    /// Bytes written after a point can be taken back, and writing goes on from there.
    @Test func takesBackTheLastBytes() {
        var buffer = OutputBuffer(capacity: 4)
        buffer.append(ascii: "{\"a\":1")
        let mark = buffer.count
        buffer.append(ascii: ",\"b\":")
        buffer.removeAll(after: mark)
        buffer.append(UInt8(ascii: "}"))
        #expect(buffer.array == Array(#"{"a":1}"#.utf8))
        buffer.removeAll(after: 0)
        #expect(buffer.count == 0)
    }

    /// Every byte value, alone and at each place of values shorter and longer than a word:
    /// a JSON string escapes `"`, `\` and control characters (RFC 8259 section 7), and
    /// nothing else, UTF-8 beyond ASCII included.
    @Test func jsonStringsEscapeExactlyTheBytesThatNeedIt() {
        func written(_ bytes: [UInt8]) -> [UInt8] {
            var out = OutputBuffer(capacity: 16)
            bytes.withUnsafeBufferPointer { out.append(jsonString: $0) }
            return out.array
        }
        func expected(_ bytes: [UInt8]) -> [UInt8] {
            let hex = Array("0123456789abcdef".utf8)
            return [0x22] + bytes.flatMap { byte -> [UInt8] in
                switch byte {
                case 0x22, 0x5C: [0x5C, byte]
                case 0x0A: Array(#"\n"#.utf8)
                case 0x0D: Array(#"\r"#.utf8)
                case 0x09: Array(#"\t"#.utf8)
                case 0..<0x20: Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: [byte]
                }
            } + [0x22]
        }
        #expect(written([]) == Array(#""""#.utf8))
        for byte in UInt8.min...UInt8.max {
            let short = (0..<7).map { place in (0..<7).map { $0 == place ? byte : UInt8(ascii: "b") } }
            let long = (0..<19).map { place in (0..<19).map { $0 == place ? byte : UInt8(ascii: "a") } }
            for value in [[byte]] + short + long + [Array(long[8].prefix(9))] {
                #expect(written(value) == expected(value), "byte \(byte) in \(value)")
            }
        }
        #expect(written(Array("é/ü".utf8)) == Array(#""é/ü""#.utf8))
    }
}
