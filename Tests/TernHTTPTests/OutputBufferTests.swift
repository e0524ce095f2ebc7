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
}
