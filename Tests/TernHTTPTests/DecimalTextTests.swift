import Testing
import TernHTTP

/// Decimal digits written straight into bytes, as `Content-Length` and `Content-Range` use them.
@Suite struct DecimalTextTests {
    @Test(arguments: [
        (Int64(0), "0"), (7, "7"), (10, "10"), (1023, "1023"), (1_048_576, "1048576"), (-1, "-1"), (-10, "-10"),
        (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
    ])
    func signed(value: Int64, text: String) {
        var appended: [UInt8] = Array("x".utf8)
        DecimalText.append(value, to: &appended)
        #expect(appended == Array("x\(text)".utf8))
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 + DecimalText.maxLength) { buffer in
            buffer[0] = UInt8(ascii: "x")
            let end = DecimalText.write(value, into: buffer, at: 1)
            return Array(buffer[..<end])
        }
        #expect(written == appended)
    }

    /// Every value up to 100,000, and each power of ten and its neighbours: the digits
    /// `description` gives.
    @Test func matchesDescription() {
        var powers: [UInt64] = []
        var power: UInt64 = 1
        for _ in 0..<20 {
            powers += [power - 1, power, power + 1]
            power &*= 10
        }
        for value in Array(0...100_000) + powers + [UInt64.max - 1] {
            var appended: [UInt8] = []
            DecimalText.append(value, to: &appended)
            #expect(String(decoding: appended, as: UTF8.self) == value.description)
        }
    }

    @Test func largestUnsigned() {
        var appended: [UInt8] = []
        DecimalText.append(UInt64.max, to: &appended)
        #expect(String(decoding: appended, as: UTF8.self) == "18446744073709551615")
        #expect(appended.count == DecimalText.maxLength)
    }
}
