/// RFC 3339 timestamps in UTC with whole seconds, `2026-11-21T22:45:05Z`
/// (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), the form JSON bodies use.
package enum RFC3339 {
    /// Appends the timestamp of `seconds` since 1970 (fractions already dropped).
    /// - Precondition: the year is 0...9999, which RFC 3339 can express.
    package static func append(secondsSince1970 seconds: Int64, to out: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = Int(seconds - days * 86400)
        let date = CivilDate(daysSince1970: days)
        precondition((0...9999).contains(date.year), "RFC 3339 years have four digits")
        // Filled in place and appended at once: twenty appends of a byte cost more than the date.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { text in
            func put(_ value: Int, at end: Int, count: Int) {
                var rest = value
                for position in stride(from: end, to: end - count, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(Int(date.year), at: 3, count: 4)
            text[4] = UInt8(ascii: "-")
            put(date.month, at: 6, count: 2)
            text[7] = UInt8(ascii: "-")
            put(date.day, at: 9, count: 2)
            text[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, at: 12, count: 2)
            text[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 15, count: 2)
            text[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 18, count: 2)
            text[19] = UInt8(ascii: "Z")
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }
}
